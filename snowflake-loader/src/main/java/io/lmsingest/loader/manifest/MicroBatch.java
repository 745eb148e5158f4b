package io.lmsingest.loader.manifest;

import io.lmsingest.schemas.BronzeFile;
import io.lmsingest.schemas.BronzeManifest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The files one warehouse transaction loads: the union of some manifests' files (a file named by
 * two manifests counts once). Its id is a pure function of the file keys, so a batch retried after
 * a failure or a crash has the same id.
 */
public record MicroBatch(String id, String topic, List<FileRef> files) {
  private static final Pattern SAFE_KEY = Pattern.compile("[A-Za-z0-9=+._/-]{1,1024}");

  /** One Bronze file with the manifest that named it. */
  public record FileRef(String manifestId, BronzeFile file) {
    public String key() {
      return file.getKey();
    }
  }

  public MicroBatch {
    files = List.copyOf(files);
    if (files.isEmpty()) {
      throw new IllegalArgumentException("a micro-batch needs at least one file");
    }
  }

  public static MicroBatch of(List<BronzeManifest> manifests) {
    Map<String, FileRef> byKey = new LinkedHashMap<>();
    String topic = null;
    for (BronzeManifest manifest : manifests) {
      topic = manifest.getTopic();
      for (BronzeFile file : manifest.getFiles()) {
        if (!isSafeKey(file.getKey())) {
          throw new IllegalArgumentException(
              "manifest "
                  + manifest.getBatchId()
                  + " names an object key with characters or path segments (/, ., ..) a"
                  + " Bronze key never has: "
                  + file.getKey());
        }
        byKey.putIfAbsent(file.getKey(), new FileRef(manifest.getBatchId(), file));
      }
    }
    return of(topic, new ArrayList<>(byKey.values()));
  }

  /**
   * A key a Bronze object can have: its alphabet only, relative, no empty, "." or ".." segment (the
   * DuckDB dialect downloads to a path made from it, which must stay in its staging directory).
   */
  public static boolean isSafeKey(String key) {
    if (!SAFE_KEY.matcher(key).matches() || key.startsWith("/")) {
      return false;
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }

  public static MicroBatch of(String topic, List<FileRef> files) {
    return new MicroBatch(idOf(files), topic, files);
  }

  /** The same batch without the files already loaded. */
  public MicroBatch without(Set<String> keys) {
    List<FileRef> rest = files.stream().filter(f -> !keys.contains(f.key())).toList();
    return rest.isEmpty() ? null : of(topic, rest);
  }

  public long bytes() {
    return files.stream().mapToLong(f -> f.file().getSizeBytes()).sum();
  }

  public long rows() {
    return files.stream().mapToLong(f -> f.file().getRowCount()).sum();
  }

  public List<String> keys() {
    return files.stream().map(FileRef::key).toList();
  }

  private static String idOf(List<FileRef> files) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      files.stream()
          .map(FileRef::key)
          .sorted()
          .forEach(k -> sha.update((k + "\n").getBytes(StandardCharsets.UTF_8)));
      return HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
