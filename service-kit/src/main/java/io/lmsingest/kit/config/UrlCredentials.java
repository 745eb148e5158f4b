package io.lmsingest.kit.config;

import java.util.regex.Pattern;

/**
 * Takes credentials out of URLs in a text before it is logged or put in a message: the user-info of
 * any {@code scheme://user:password@host}, and the value of query parameters that carry one ({@code
 * password=}, {@code token=}, {@code key=}, …), as a JDBC or registry URL may hold them.
 */
public final class UrlCredentials {
  private static final Pattern USER_INFO =
      Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/@\\s\"']+@");
  private static final Pattern SECRET_PARAMETER =
      Pattern.compile(
          "(?i)([?&;](?:password|passwd|pwd|secret|client_secret|token|access_token|api_key|apikey"
              + "|key|private_key_pwd|privatekeypwd|signature|sig|x-amz-signature|x-amz-credential)=)"
              + "[^&;#\\s\"']*");

  private UrlCredentials() {}

  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = USER_INFO.matcher(text).replaceAll("$1[redacted]@");
    return SECRET_PARAMETER.matcher(out).replaceAll("$1[redacted]");
  }
}
