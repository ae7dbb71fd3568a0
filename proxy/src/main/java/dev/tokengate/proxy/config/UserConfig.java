package dev.tokengate.proxy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An IAM user seeded from the configuration file.
 *
 * <pre>
 * - name: alice
 *   accessKeys: [{id: AKIAALICE0000000001, secret: "..."}]
 *   policies: {home: {Version: "2012-10-17", Statement: [...]}}   # inline, by name
 *   managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
 *   mfaSecret: JBSWY3DPEHPK3PXP                                  # base32 TOTP seed
 *   tags: {team: blue}
 * </pre>
 */
public record UserConfig(
    @JsonProperty("name") String name,
    @JsonProperty("path") String path,
    @JsonProperty("accessKeys") List<AccessKey> accessKeys,
    @JsonProperty("policies") Map<String, JsonNode> policies,
    @JsonProperty("managedPolicies") List<String> managedPolicies,
    @JsonProperty("permissionsBoundary") String permissionsBoundary,
    @JsonProperty("mfaSecret") String mfaSecret,
    @JsonProperty("tags") Map<String, String> tags) {

  static final Pattern NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
  private static final Pattern KEY_ID = Pattern.compile("AKIA[A-Z0-9]{12,124}");
  private static final Pattern BASE32 = Pattern.compile("[A-Z2-7]+=*");

  /** A long-term access key. */
  public record AccessKey(@JsonProperty("id") String id, @JsonProperty("secret") String secret) {}

  public UserConfig {
    path = path == null ? "/" : path;
    accessKeys = accessKeys == null ? List.of() : List.copyOf(accessKeys);
    policies = policies == null ? Map.of() : policies;
    managedPolicies = managedPolicies == null ? List.of() : List.copyOf(managedPolicies);
    tags = tags == null ? Map.of() : tags;
  }

  public Map<String, String> inlinePolicies() {
    return ProxyConfig.policyTexts(policies);
  }

  void problems(String where, List<String> problems) {
    if (name == null || !NAME.matcher(name).matches()) {
      problems.add(where + ".name must be 1-64 characters of [A-Za-z0-9+=,.@_-], got '" + name + "'");
    }
    if (!path.startsWith("/") || !path.endsWith("/")) {
      problems.add(where + ".path must begin and end with '/', got '" + path + "'");
    }
    for (int k = 0; k < accessKeys.size(); k++) {
      AccessKey key = accessKeys.get(k);
      String kw = where + ".accessKeys[" + k + "]";
      if (key == null || key.id() == null || !KEY_ID.matcher(key.id()).matches()) {
        problems.add(kw + ".id must be AKIA followed by 12+ upper-case letters or digits");
      }
      if (key == null || key.secret() == null || key.secret().length() < 16) {
        problems.add(kw + ".secret must be at least 16 characters");
      }
    }
    if (mfaSecret != null && !BASE32.matcher(mfaSecret).matches()) {
      problems.add(where + ".mfaSecret must be base32 (A-Z, 2-7)");
    }
    policies.forEach(
        (policyName, doc) -> {
          if (doc == null || !(doc.isObject() || doc.isTextual())) {
            problems.add(where + ".policies." + policyName + " must be a policy document");
          }
        });
  }
}
