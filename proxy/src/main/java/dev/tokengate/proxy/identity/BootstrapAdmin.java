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

  public static BootstrapAdmin loadOrCreate(Path dataDir, SecureRandom random) throws IOException {
    Path file = dataDir.resolve("admin.yaml");
    if (Files.exists(file)) {
      BootstrapAdmin admin = YAML.readValue(file.toFile(), BootstrapAdmin.class);
      if (admin.accessKeyId() == null || admin.secretAccessKey() == null) {
        throw new IllegalStateException(file + " must hold accessKeyId and secretAccessKey");
      }
      return admin;
    }
    AccessKeys keys = new AccessKeys(random);
    BootstrapAdmin admin = new BootstrapAdmin("admin", keys.longTermAccessKeyId(), keys.secretAccessKey());
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
}
