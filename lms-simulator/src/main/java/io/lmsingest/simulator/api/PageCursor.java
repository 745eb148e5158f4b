package io.lmsingest.simulator.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The opaque {@code cursor} token of the API: where the next page starts. */
record PageCursor(long nextSlot) {
  private static final String PREFIX = "c1.";

  String encode() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((PREFIX + nextSlot).getBytes(StandardCharsets.US_ASCII));
  }

  static PageCursor decode(String token) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
      if (!text.startsWith(PREFIX)) {
        throw new IllegalArgumentException("unknown cursor version");
      }
      long slot = Long.parseLong(text.substring(PREFIX.length()));
      if (slot < 0) {
        throw new IllegalArgumentException("negative position");
      }
      return new PageCursor(slot);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid cursor: " + e.getMessage(), e);
    }
  }
}
