package io.lmsingest.serde;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/** The Confluent wire format: magic byte 0, a big-endian 4-byte schema id, then Avro binary. */
public final class WireFormat {
  public static final byte MAGIC_BYTE = 0;
  public static final int HEADER_SIZE = 5;

  private WireFormat() {}

  /** The schema id in the header of {@code payload}, after checking the magic byte. */
  public static int schemaId(String topic, byte[] payload) {
    if (payload.length < HEADER_SIZE) {
      throw new SerializationException(
          "record on topic '"
              + topic
              + "' has "
              + payload.length
              + " bytes, fewer than the 5-byte Confluent wire-format header");
    }
    if (payload[0] != MAGIC_BYTE) {
      throw new SerializationException(
          String.format(
              "unknown magic byte 0x%02x on topic '%s' (expected 0x00): not Avro in the Confluent wire format",
              payload[0], topic));
    }
    return ByteBuffer.wrap(payload, 1, 4).getInt();
  }
}
