import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes tokengate's configuration from a template, replacing each {@code "${NAME}"} with the
 * environment variable NAME. tokengate reads one YAML file and has no variable expansion, while
 * Kubernetes and compose hand secrets over as environment variables: this joins the two without a
 * shell in the image. A placeholder must stand inside double quotes; the value is written escaped
 * as a JSON string (valid YAML in double quotes), so a secret with quotes, colons or backslashes
 * cannot change the file's structure. A placeholder whose variable is unset or empty stops the
 * start with its name; the output is written mode 600.
 */
public final class RenderConfig {
  private static final Pattern PLACEHOLDER = Pattern.compile("\"\\$\\{([A-Z][A-Z0-9_]*)}\"");

  private RenderConfig() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: java -cp /opt/tokengate/tools RenderConfig TEMPLATE OUTPUT");
      System.exit(2);
    }
    String template = Files.readString(Path.of(args[0]));
    try {
      String rendered = render(template, System.getenv());
      Path out = Path.of(args[1]).toAbsolutePath();
      Path tmp = Files.createTempFile(out.getParent(), "tokengate", ".tmp");
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // the directory's ACL applies
      }
      Files.writeString(tmp, rendered);
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IllegalArgumentException e) {
      System.err.println(args[0] + ": " + e.getMessage());
      System.exit(1);
    }
  }

  static String render(String template, Map<String, String> env) {
    if (PLACEHOLDER.matcher(template).replaceAll("").contains("${")) {
      throw new IllegalArgumentException("a ${...} placeholder must be written \"${NAME}\" (double quotes, upper case)");
    }
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.get(m.group(1));
      if (value == null || value.isEmpty()) {
        throw new IllegalArgumentException("environment variable " + m.group(1) + " is unset or empty");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(jsonString(value)));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String jsonString(String value) {
    StringBuilder s = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        case '\t' -> s.append("\\t");
        default -> {
          if (c < 0x20) {
            s.append(String.format("\\u%04x", (int) c));
          } else {
            s.append(c);
          }
        }
      }
    }
    return s.append('"').toString();
  }
}
