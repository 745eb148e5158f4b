package io.lmsingest.poller.kafka;

import java.util.Map;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The values of the poller's one transactional producer: activities and cursors as Avro in the
 * registry wire format, and a DLQ record's bytes (the API's JSON) as they are.
 */
public final class PollerValueSerializer implements Serializer<Object> {
  private final Serializer<IndexedRecord> avro;

  public PollerValueSerializer(Serializer<IndexedRecord> avro) {
    this.avro = avro;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    avro.configure(configs, isKey);
  }

  @Override
  public byte[] serialize(String topic, Object data) {
    return data instanceof byte[] bytes ? bytes : avro.serialize(topic, (IndexedRecord) data);
  }

  @Override
  public byte[] serialize(String topic, Headers headers, Object data) {
    return data instanceof byte[] bytes
        ? bytes
        : avro.serialize(topic, headers, (IndexedRecord) data);
  }

  @Override
  public void close() {
    avro.close();
  }
}
