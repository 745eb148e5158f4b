/**
 * producer-poller: pages the LMS activity API incrementally and writes each page's records and the
 * new cursor to Kafka in one transaction; plus the Kafka Streams validator (raw -> v1 | dlq).
 * Contracts: ../shared/DESIGN.md, guarantees 1, 2, 3, 6, 7. Built under issue #3.
 */
package io.lmsingest.poller;
