package io.lmsingest.poller.api;

/** How an LMS API says where the next page is; real LMS APIs differ. */
public enum Pagination {
  /** An opaque token in the body ({@code next_cursor}), sent back as {@code cursor=}. */
  CURSOR,
  /** A relative or absolute URL in the body ({@code next}), as xAPI's {@code more}. */
  NEXT_LINK,
  /** An RFC 8288 {@code Link: <…>; rel="next"} response header. */
  LINK_HEADER,
  /** {@code page=1, 2, …} with the same {@code since} and {@code limit}. */
  PAGE_NUMBER,
  /** {@code offset=0, limit, 2·limit, …} with the same {@code since}. */
  OFFSET
}
