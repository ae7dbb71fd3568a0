package dev.tokengate.proxy.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The long-term keys a {@code credential_process} trades for session credentials: those of a
 * named profile in the AWS shared files, as the AWS CLI reads them ({@code [NAME]} in the
 * credentials file, then {@code [profile NAME]} in the config file; {@code AWS_SHARED_CREDENTIALS_FILE}
 * and {@code AWS_CONFIG_FILE} move them), or, with no profile named, {@code AWS_ACCESS_KEY_ID} and
 * {@code AWS_SECRET_ACCESS_KEY}.
 *
 * @param sessionToken null for long-term keys (a source profile may itself hold a session)
 */
record SourceProfile(String accessKeyId, String secretAccessKey, String sessionToken) {

  static SourceProfile resolve(String profile, Map<String, String> env) throws IOException {
    if (profile == null) {
      String id = env.get("AWS_ACCESS_KEY_ID");
      String secret = env.get("AWS_SECRET_ACCESS_KEY");
      if (id == null || secret == null) {
        throw new IllegalArgumentException(
            "no source keys: give --source-profile NAME, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
      }
      return new SourceProfile(id, secret, env.get("AWS_SESSION_TOKEN"));
    }
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    Path credentials = Path.of(env.getOrDefault("AWS_SHARED_CREDENTIALS_FILE", home + "/.aws/credentials"));
    Path config = Path.of(env.getOrDefault("AWS_CONFIG_FILE", home + "/.aws/config"));
    Map<String, String> keys = section(credentials, profile);
    if (!keys.containsKey("aws_access_key_id")) {
      keys = section(config, profile.equals("default") ? "default" : "profile " + profile);
    }
    String id = keys.get("aws_access_key_id");
    String secret = keys.get("aws_secret_access_key");
    if (id == null || secret == null) {
      throw new IllegalArgumentException("profile '" + profile + "' has no aws_access_key_id and "
          + "aws_secret_access_key in " + credentials + " or " + config);
    }
    return new SourceProfile(id, secret, keys.get("aws_session_token"));
  }

  /** The {@code key = value} lines of one {@code [name]} section; empty when the file or section is missing. */
  static Map<String, String> section(Path file, String name) throws IOException {
    Map<String, String> values = new HashMap<>();
    if (!Files.isRegularFile(file)) {
      return values;
    }
    boolean inside = false;
    for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        inside = line.substring(1, line.length() - 1).strip().equals(name);
        continue;
      }
      int eq = line.indexOf('=');
      if (inside && eq > 0) {
        values.putIfAbsent(line.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT),
            line.substring(eq + 1).strip());
      }
    }
    return values;
  }
}
