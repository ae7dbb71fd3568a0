package dev.tokengate.proxy.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/** Keeps the keyring in {@code <dataDir>/keyring} (mode 600), created on first start, written atomically. */
public final class KeyringFile {
  private KeyringFile() {}

  public static Path path(Path dataDir) {
    return dataDir.resolve("keyring");
  }

  public static Keyring loadOrCreate(Path dataDir, SecureRandom random) throws IOException {
    Path file = path(dataDir);
    if (Files.exists(file)) {
      try {
        return Keyring.parse(Files.readString(file, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
      }
    }
    Keyring keyring = Keyring.generate(random);
    write(dataDir, keyring);
    return keyring;
  }

  public static void write(Path dataDir, Keyring keyring) throws IOException {
    Files.createDirectories(dataDir);
    Path tmp = Files.createTempFile(dataDir, "keyring", ".tmp");
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // Not a POSIX file system: the data directory's own protection applies.
    }
    Files.writeString(tmp, keyring.toText(), StandardCharsets.UTF_8);
    Files.move(tmp, path(dataDir), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
