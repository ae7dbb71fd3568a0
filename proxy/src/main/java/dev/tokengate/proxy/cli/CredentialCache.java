package dev.tokengate.proxy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Session credentials kept between {@code credential_process} runs: one file per question (the
 * endpoint, the source key and the call's parameters, hashed), readable by the user only, written
 * whole or not at all. A file that cannot be read is a miss, never an error: the STS is asked.
 */
final class CredentialCache {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;

  CredentialCache(Path dir) {
    this.dir = dir;
  }

  /** The file name of a question: no secret in it, and another parameter is another file. */
  static String key(String endpoint, String sourceKeyId, Map<String, String> form) {
    StringBuilder question = new StringBuilder(endpoint).append('\n').append(sourceKeyId);
    form.forEach((k, v) -> {
      if (!k.equals("TokenCode")) { // a new MFA code asks the same question
        question.append('\n').append(k).append('=').append(v);
      }
    });
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(question.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest) + ".json";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The cached answer if it is still valid at {@code validAt}, else null. */
  String read(String key, Instant validAt) {
    Path file = dir.resolve(key);
    try {
      if (!Files.isRegularFile(file)) {
        return null;
      }
      String text = Files.readString(file, StandardCharsets.UTF_8);
      JsonNode json = JSON.readTree(text);
      Instant expiration = Instant.parse(json.path("Expiration").asText());
      return json.path("Version").asInt() == 1 && expiration.isAfter(validAt) ? text.strip() : null;
    } catch (IOException | DateTimeParseException e) {
      return null;
    }
  }

  void write(String key, String json) throws IOException {
    Files.createDirectories(dir);
    setPermissions(dir, "rwx------");
    Path tmp = Files.createTempFile(dir, key, ".tmp");
    try {
      setPermissions(tmp, "rw-------");
      Files.writeString(tmp, json, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, dir.resolve(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir.resolve(key), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void setPermissions(Path p, String perms) throws IOException {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the platform's defaults stay
    }
  }
}
