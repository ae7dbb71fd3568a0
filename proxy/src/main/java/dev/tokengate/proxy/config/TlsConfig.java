package dev.tokengate.proxy.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The HTTPS listener: the same S3/STS/IAM service as {@code listen}, over TLS 1.2 or 1.3.
 *
 * <pre>
 * tls:
 *   listen: 127.0.0.1:9443
 *   certificateChain: /etc/tokengate/chain.pem   # PEM: the server certificate first, then intermediates
 *   privateKey: /etc/tokengate/key.pem           # PEM, PKCS#8 (or PKCS#1 / SEC1)
 *   hostNames: [s3.example.com]                  # extra names of a generated certificate
 * </pre>
 *
 * <p>Both files or neither: without them a self-signed certificate for {@code localhost},
 * {@code 127.0.0.1} and {@code hostNames} is generated once and kept in the data directory. The
 * files are re-read when they change; new connections get the new certificate.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record TlsConfig(
    @JsonProperty("listen") String listen,
    @JsonProperty("certificateChain") String certificateChain,
    @JsonProperty("privateKey") String privateKey,
    @JsonProperty("hostNames") List<String> hostNames) {

  public TlsConfig {
    listen = listen == null ? "127.0.0.1:9443" : listen;
    hostNames = hostNames == null ? List.of() : List.copyOf(hostNames);
  }

  public ListenAddress address() {
    return ListenAddress.of(listen);
  }

  /** Whether the certificate comes from files (else it is generated). */
  public boolean fromFiles() {
    return certificateChain != null;
  }

  void problems(String where, List<String> problems) {
    ListenAddress.parse(where + ".listen", listen, problems);
    if ((certificateChain == null) != (privateKey == null)) {
      problems.add(where + ": certificateChain and privateKey go together (give both, or neither for a generated certificate)");
    }
    readable(where + ".certificateChain", certificateChain, problems);
    readable(where + ".privateKey", privateKey, problems);
    if (certificateChain != null && !hostNames.isEmpty()) {
      problems.add(where + ".hostNames names a generated certificate's names; with certificateChain it has no use");
    }
    for (int i = 0; i < hostNames.size(); i++) {
      String name = hostNames.get(i);
      if (name == null || !name.matches("[A-Za-z0-9.:*-]{1,253}")) {
        problems.add(where + ".hostNames[" + i + "] must be a DNS name or an IP address, got '" + name + "'");
      }
    }
  }

  private static void readable(String field, String file, List<String> problems) {
    if (file != null && !Files.isReadable(Path.of(file))) {
      problems.add(field + " '" + file + "' is not a readable file");
    }
  }
}
