package dev.tokengate.proxy.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The proxy's configuration: one YAML file, validated as a whole at startup so that a mistake is
 * reported once, precisely, before any port is opened.
 *
 * <pre>
 * listen: 127.0.0.1:9000        # host:port, port 0 picks a free one; "" for no plain-HTTP listener
 * tls: {listen: 127.0.0.1:9443, certificateChain: chain.pem, privateKey: key.pem}  # HTTPS; see TlsConfig
 * admin: {listen: 127.0.0.1:9100}  # metrics and health probes; see AdminConfig
 * dataDir: ./data               # keyring, bootstrap admin, embedded backend's objects
 * region: us-east-1             # regions accepted in client signatures (us-east-1 always is)
 * accountId: "123456789012"     # "": Ceph RGW's tenant-less ARNs (arn:aws:iam:::user/NAME), see PolicyDialect
 * backend:                      # absent: the embedded S3Proxy backend
 *   endpoint: http://127.0.0.1:9001
 *   accessKey: ...
 *   secretKey: ...
 *   region: us-east-1
 * backendTimeouts:              # the backend above or the embedded one; see BackendTimeouts
 *   connectSeconds: 5
 *   responseSeconds: 30
 *   idleSeconds: 30
 * backendCircuitBreaker:        # a failing backend answered at once; see BackendCircuitBreaker
 *   failures: 5
 *   openSeconds: 5
 * shadowMode: false             # log "would deny" and forward anyway
 * acceptSigV2: false            # legacy SigV2 (s3cmd --signature-v2, rclone --s3-v2-auth)
 * virtualHostDomains: [s3.local] # Host bucket.s3.local names the bucket (virtual-hosted style)
 * limits: {...}                 # timeouts and sizes per client; see LimitsConfig
 * state: {engine: etcd, ...}    # where identities live; see StateConfig
 * federation: {...}             # OIDC and SAML providers; see FederationConfig
 * audit: {file: PATH}           # CloudTrail-shaped JSON lines (absent: off); see AuditConfig
 * ldap: {...}                   # the directory of AssumeRoleWithLDAPIdentity (absent: off); see LdapConfig
 * users: [...]                  # see UserConfig
 * roles: [...]                  # see RoleConfig
 * </pre>
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record ProxyConfig(
    @JsonProperty("listen") String listen,
    @JsonProperty("dataDir") String dataDir,
    @JsonProperty("region") String region,
    @JsonProperty("accountId") String accountId,
    @JsonProperty("backend") BackendConfig backend,
    @JsonProperty("users") List<UserConfig> users,
    @JsonProperty("roles") List<RoleConfig> roles,
    @JsonProperty("shadowMode") Boolean shadowMode,
    @JsonProperty("acceptSigV2") Boolean acceptSigV2,
    @JsonProperty("virtualHostDomains") List<String> virtualHostDomains,
    @JsonProperty("backendTimeouts") BackendTimeouts backendTimeouts,
    @JsonProperty("backendCircuitBreaker") BackendCircuitBreaker backendCircuitBreaker,
    @JsonProperty("limits") LimitsConfig limits,
    @JsonProperty("state") StateConfig state,
    @JsonProperty("federation") FederationConfig federation,
    @JsonProperty("tls") TlsConfig tls,
    @JsonProperty("admin") AdminConfig admin,
    @JsonProperty("ldap") LdapConfig ldap,
    @JsonProperty("audit") AuditConfig audit) {

  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern REGION = Pattern.compile("[a-z0-9-]{1,32}");

  public ProxyConfig {
    listen = listen == null ? "127.0.0.1:0" : listen;
    dataDir = dataDir == null ? "./data" : dataDir;
    region = region == null ? "us-east-1" : region;
    accountId = accountId == null ? "123456789012" : accountId;
    users = users == null ? List.of() : List.copyOf(users);
    roles = roles == null ? List.of() : List.copyOf(roles);
    shadowMode = shadowMode != null && shadowMode;
    acceptSigV2 = acceptSigV2 != null && acceptSigV2;
    virtualHostDomains = virtualHostDomains == null ? List.of() : List.copyOf(virtualHostDomains);
    backendTimeouts = backendTimeouts == null ? BackendTimeouts.defaults() : backendTimeouts;
    backendCircuitBreaker = backendCircuitBreaker == null ? BackendCircuitBreaker.defaults() : backendCircuitBreaker;
    limits = limits == null ? LimitsConfig.defaults() : limits;
    state = state == null ? StateConfig.defaults() : state;
    federation = federation == null ? FederationConfig.defaults() : federation;
  }

  /** The defaults: loopback, any port, ./data, embedded backend, no users but the bootstrap admin. */
  public static ProxyConfig defaults() {
    return new ProxyConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null);
  }

  /** The defaults with a listen address and a data directory. */
  public static ProxyConfig of(String listen, String dataDir) {
    return new ProxyConfig(listen, dataDir, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null);
  }

  /**
   * What {@code java -jar tokengate.jar} runs without a file: HTTP, HTTPS (a generated certificate)
   * and the admin listener on loopback, on 9000, 9443 and 9100, or on free ports.
   */
  public static ProxyConfig runDefaults(boolean fixedPorts) {
    return new ProxyConfig(fixedPorts ? "127.0.0.1:9000" : "127.0.0.1:0", null, null, null, null, null, null, null,
        null, null, null, null, null, null, null,
        new TlsConfig(fixedPorts ? "127.0.0.1:9443" : "127.0.0.1:0", null, null, null),
        new AdminConfig(fixedPorts ? "127.0.0.1:9100" : "127.0.0.1:0", null, null), null, null);
  }

  /** This configuration with HTTPS (and the admin listener) as given. */
  public ProxyConfig withListeners(TlsConfig tls, AdminConfig admin) {
    return new ProxyConfig(listen, dataDir, region, accountId, backend, users, roles, shadowMode, acceptSigV2,
        virtualHostDomains, backendTimeouts, backendCircuitBreaker, limits, state, federation, tls, admin, ldap, audit);
  }

  public static ProxyConfig load(Path file) throws IOException {
    return load(file, System.getenv());
  }

  /** The file with the environment's {@code TOKENGATE_CONFIG_…} overrides ({@link EnvironmentOverrides}). */
  public static ProxyConfig load(Path file, Map<String, String> env) throws IOException {
    ObjectMapper yaml =
        new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    JsonNode tree = yaml.readTree(Files.readAllBytes(file));
    ObjectNode root = tree instanceof ObjectNode o ? o : yaml.createObjectNode();
    if (tree != null && !tree.isMissingNode() && !tree.isNull() && !(tree instanceof ObjectNode)) {
      throw new InvalidConfigException(file, List.of("the file must be a mapping of keys, got " + tree.getNodeType()));
    }
    List<String> overrides = EnvironmentOverrides.apply(root, env);
    if (!overrides.isEmpty()) {
      throw new InvalidConfigException(file, overrides);
    }
    ProxyConfig config = yaml.treeToValue(root, ProxyConfig.class);
    if (config == null) {
      return defaults();
    }
    List<String> problems = config.problems();
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(file, problems);
    }
    return config;
  }

  /** Whether plain HTTP is served ({@code listen: ""} turns it off, leaving HTTPS). */
  public boolean plainHttp() {
    return !listen.isEmpty();
  }

  public String listenHost() {
    int colon = listen.lastIndexOf(':');
    return colon < 0 ? listen : listen.substring(0, colon);
  }

  public int listenPort() {
    int colon = listen.lastIndexOf(':');
    return colon < 0 ? 0 : Integer.parseInt(listen.substring(colon + 1));
  }

  /** Every rule this configuration breaks, each naming the field; empty when valid. */
  public List<String> problems() {
    return problems(System.getenv());
  }

  /** {@link #problems()} reading environment variables (the admin token's) from {@code env}. */
  public List<String> problems(Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    if (listen.isEmpty() && tls == null) {
      problems.add("listen is \"\" (no plain HTTP) and tls is absent: the proxy would serve nothing");
    } else if (!listen.isEmpty()) {
      ListenAddress.parse("listen", listen, problems);
    }
    if (tls != null) {
      tls.problems("tls", problems);
    }
    if (admin != null) {
      admin.problems("admin", problems, env);
    }
    if (!accountId.isEmpty() && !ACCOUNT.matcher(accountId).matches()) {
      problems.add("accountId must be 12 digits (or \"\" for Ceph RGW's tenant-less ARNs), got '" + accountId + "'");
    }
    if (!REGION.matcher(region).matches()) {
      problems.add("region must be lower-case letters, digits and '-', got '" + region + "'");
    }
    if (backend != null) {
      backend.problems("backend", problems);
    }
    backendTimeouts.problems("backendTimeouts", problems);
    backendCircuitBreaker.problems("backendCircuitBreaker", problems);
    limits.problems("limits", problems);
    state.problems("state", problems);
    federation.problems("federation", problems);
    if (ldap != null) {
      ldap.problems("ldap", problems);
    }
    if (audit != null) {
      audit.problems("audit", problems);
    }
    Set<String> keyIds = new HashSet<>();
    Set<String> userNames = new HashSet<>();
    for (int i = 0; i < users.size(); i++) {
      UserConfig user = users.get(i);
      String where = "users[" + i + "]";
      if (user == null) {
        problems.add(where + " is empty");
        continue;
      }
      user.problems(where, problems);
      if (user.name() != null && !userNames.add(user.name())) {
        problems.add(where + ".name '" + user.name() + "' is used by another user");
      }
      for (UserConfig.AccessKey key : user.accessKeys()) {
        if (key != null && key.id() != null && !keyIds.add(key.id())) {
          problems.add(where + ": access key id " + key.id() + " is used twice");
        }
      }
    }
    Set<String> roleNames = new HashSet<>();
    for (int i = 0; i < roles.size(); i++) {
      RoleConfig role = roles.get(i);
      String where = "roles[" + i + "]";
      if (role == null) {
        problems.add(where + " is empty");
        continue;
      }
      role.problems(where, problems);
      if (role.name() != null && !roleNames.add(role.name())) {
        problems.add(where + ".name '" + role.name() + "' is used by another role");
      }
    }
    return problems;
  }

  /** Serialises a policy given in YAML either as a mapping or as a JSON string. */
  static String policyText(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    return node.isTextual() ? node.textValue() : node.toString();
  }

  /** Inline policies by name, as JSON text. */
  static Map<String, String> policyTexts(Map<String, JsonNode> nodes) {
    Map<String, String> texts = new LinkedHashMap<>();
    if (nodes != null) {
      nodes.forEach((name, node) -> texts.put(name, policyText(node)));
    }
    return texts;
  }
}
