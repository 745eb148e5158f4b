package io.lmsingest.schemas;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 loads generated classes by name only if they are trusted (otherwise: "Forbidden … This
 * class is not trusted"). This trusts exactly this module's contract classes, so no service depends
 * on a JVM flag (-Dorg.apache.avro.SERIALIZABLE_PACKAGES) being set.
 */
public final class TrustedContracts {
  private static boolean registered;

  private TrustedContracts() {}

  public static synchronized void register() {
    if (registered) {
      return;
    }
    ClassSecurityValidator.setGlobal(
        ClassSecurityValidator.composite(
            ClassSecurityValidator.getGlobal(),
            ClassSecurityValidator.builder()
                .add(LearnerActivity.class)
                .add(PollerCursor.class)
                .add(BronzeManifest.class)
                .add(BronzeFile.class)
                .build()));
    registered = true;
  }
}
