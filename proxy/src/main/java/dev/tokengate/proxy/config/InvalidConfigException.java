package dev.tokengate.proxy.config;

import java.nio.file.Path;
import java.util.List;

/** The configuration file breaks one or more rules; the message lists every one. */
public final class InvalidConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidConfigException(Path file, List<String> problems) {
    super("invalid configuration " + file + ":\n  - " + String.join("\n  - ", problems));
  }
}
