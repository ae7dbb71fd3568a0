import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tokengate.proxy.config.ProxyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Loads each configuration file given with tokengate's own loader (unknown keys refused, every rule
 * checked), so a deploy/ example that the proxy would refuse at startup fails CI. Run with the built
 * jar on the class path (single-file source launch). The TLS certificate files exist only in the
 * container, so stand-in files take their place; the listener blocks {@code tls:} and {@code
 * admin:} are removed only for a build whose ProxyConfig does not have them.
 */
public final class CheckConfig {
  private static final List<String> PENDING = List.of("tls", "admin");

  private CheckConfig() {}

  public static void main(String[] args) throws Exception {
    Set<String> known = Arrays.stream(ProxyConfig.class.getRecordComponents())
        .map(c -> c.getName()).collect(Collectors.toSet());
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    int failed = 0;
    for (String arg : args) {
      Path file = Path.of(arg);
      ObjectNode tree = (ObjectNode) yaml.readTree(file.toFile());
      for (String key : PENDING) {
        if (!known.contains(key) && tree.remove(key) != null) {
          System.out.println(file + ": '" + key + ":' not known to this build's ProxyConfig, left out of the check");
        }
      }
      // The certificate files exist only in the container: stand-ins let the loader check the rest.
      if (tree.get("tls") instanceof ObjectNode tls) {
        for (String key : List.of("certificateChain", "privateKey")) {
          if (tls.hasNonNull(key)) {
            Path standIn = Files.createTempFile("tokengate-check-" + key, ".pem");
            standIn.toFile().deleteOnExit();
            System.out.println(file + ": tls." + key + " " + tls.get(key).asText() + " checked as a path only");
            tls.put(key, standIn.toString());
          }
        }
      }
      Path tmp = Files.createTempFile("tokengate-check", ".yaml");
      try {
        yaml.writeValue(tmp.toFile(), tree);
        ProxyConfig.load(tmp);
        System.out.println(file + ": accepted by ProxyConfig.load");
      } catch (Exception e) {
        System.out.println(file + ": REFUSED: " + e.getMessage());
        failed++;
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    System.exit(failed == 0 ? 0 : 1);
  }
}
