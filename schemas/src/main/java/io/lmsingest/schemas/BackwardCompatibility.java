package io.lmsingest.schemas;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityResult;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * BACKWARD compatibility, as a schema registry checks it: a consumer on the new schema can read
 * every record written with the old one. Every change to a contract in this module must pass it.
 */
public final class BackwardCompatibility {
  private BackwardCompatibility() {}

  /**
   * Human-readable reasons why {@code next} cannot read data written with {@code released}; empty
   * if it can.
   */
  public static List<String> problems(Schema next, Schema released) {
    SchemaCompatibilityResult result =
        SchemaCompatibility.checkReaderWriterCompatibility(next, released).getResult();
    if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
      return List.of();
    }
    return result.getIncompatibilities().stream()
        .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
        .toList();
  }
}
