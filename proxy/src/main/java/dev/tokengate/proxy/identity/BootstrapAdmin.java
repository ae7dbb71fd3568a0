package dev.tokengate.proxy.identity;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * The admin user's long-term key, generated on first start and kept in {@code
 * <dataDir>/admin.yaml} (mode 600) so that restarts keep it.
 */
public record BootstrapAdmin(
    @JsonProperty("userName") String userName,
    @JsonProperty("accessKeyId") String accessKeyId,
    @JsonProperty("secretAccessKey") String secretAccessKey) {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final char[] KEY_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
  private static final char[] SECRET_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

  public static BootstrapAdmin loadOrCreate(Path dataDir, SecureRandom random) throws IOException {
    Path file = dataDir.resolve("admin.yaml");
    if (Files.exists(file)) {
      BootstrapAdmin admin = YAML.readValue(file.toFile(), BootstrapAdmin.class);
      if (admin.accessKeyId() == null || admin.secretAccessKey() == null) {
        throw new IllegalStateException(file + " must hold accessKeyId and secretAccessKey");
      }
      return admin;
    }
    BootstrapAdmin admin =
        new BootstrapAdmin("admin", "AKIA" + randomString(random, KEY_ID_CHARS, 16), randomString(random, SECRET_CHARS, 40));
    Files.createDirectories(dataDir);
    Path tmp = Files.createTempFile(dataDir, "admin", ".tmp");
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // Windows: the data dir's ACL applies.
    }
    YAML.writeValue(tmp.toFile(), admin);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    return admin;
  }

  static String randomString(SecureRandom random, char[] alphabet, int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = alphabet[random.nextInt(alphabet.length)];
    }
    return new String(out);
  }
}
