package io.lmsingest.loader.warehouse;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Reads the PKCS#8 PEM private key of Snowflake key-pair authentication (plain, or encrypted with a
 * passphrase as {@code openssl pkcs8 -topk8 -v2 aes256} writes it). Errors never include key
 * material.
 */
public final class SnowflakePrivateKey {
  private SnowflakePrivateKey() {}

  public static PrivateKey parse(String pem, Optional<char[]> passphrase) {
    try {
      boolean encrypted = pem.contains("BEGIN ENCRYPTED PRIVATE KEY");
      if (!encrypted && !pem.contains("BEGIN PRIVATE KEY")) {
        throw new IllegalArgumentException(
            "the Snowflake private key is not a PKCS#8 PEM (expected -----BEGIN PRIVATE KEY----- or"
                + " -----BEGIN ENCRYPTED PRIVATE KEY-----; convert with openssl pkcs8 -topk8)");
      }
      byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").strip());
      PKCS8EncodedKeySpec spec;
      if (encrypted) {
        char[] secret =
            passphrase.orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "the Snowflake private key is encrypted but no passphrase is configured (snowflake.private.key.passphrase)"));
        EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
        String algorithm =
            info.getAlgParameters() == null
                ? info.getAlgName()
                : info.getAlgParameters().toString();
        Cipher cipher = Cipher.getInstance(algorithm);
        cipher.init(
            Cipher.DECRYPT_MODE,
            SecretKeyFactory.getInstance(algorithm).generateSecret(new PBEKeySpec(secret)),
            info.getAlgParameters());
        spec = info.getKeySpec(cipher);
      } else {
        spec = new PKCS8EncodedKeySpec(der);
      }
      return KeyFactory.getInstance("RSA").generatePrivate(spec);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(
          "the Snowflake private key cannot be read ("
              + e.getClass().getSimpleName()
              + "); check the PEM and its passphrase");
    }
  }

  /**
   * The fingerprint Snowflake shows as {@code RSA_PUBLIC_KEY_FP} in {@code DESC USER} for the
   * public half of this key: {@code SHA256:} + base64 of the SHA-256 of the DER public key. Not a
   * secret; it lets an operator see whether the user holds the matching public key.
   */
  public static String publicKeyFingerprint(PrivateKey key) {
    try {
      if (!(key instanceof RSAPrivateCrtKey rsa)) {
        return "(unknown: not an RSA CRT key)";
      }
      PublicKey pub =
          KeyFactory.getInstance("RSA")
              .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
      return "SHA256:"
          + Base64.getEncoder()
              .encodeToString(MessageDigest.getInstance("SHA-256").digest(pub.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA or SHA-256 is missing from this JVM", e);
    }
  }
}
