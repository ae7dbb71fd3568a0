package dev.tokengate.proxy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * An IAM role seeded from the configuration file: who may assume it (trust policy) and what its
 * sessions may do.
 *
 * <pre>
 * - name: sts-s3-read-only
 *   trustPolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:user/dev"}, Action: "sts:AssumeRole"}]}
 *   managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
 *   maxSessionDuration: 3600
 * </pre>
 */
public record RoleConfig(
    @JsonProperty("name") String name,
    @JsonProperty("path") String path,
    @JsonProperty("trustPolicy") JsonNode trustPolicy,
    @JsonProperty("policies") Map<String, JsonNode> policies,
    @JsonProperty("managedPolicies") List<String> managedPolicies,
    @JsonProperty("permissionsBoundary") String permissionsBoundary,
    @JsonProperty("maxSessionDuration") Integer maxSessionDuration,
    @JsonProperty("tags") Map<String, String> tags) {

  public RoleConfig {
    path = path == null ? "/" : path;
    policies = policies == null ? Map.of() : policies;
    managedPolicies = managedPolicies == null ? List.of() : List.copyOf(managedPolicies);
    maxSessionDuration = maxSessionDuration == null ? 3600 : maxSessionDuration;
    tags = tags == null ? Map.of() : tags;
  }

  public Map<String, String> inlinePolicies() {
    return ProxyConfig.policyTexts(policies);
  }

  public String trustPolicyText() {
    return ProxyConfig.policyText(trustPolicy);
  }

  void problems(String where, List<String> problems) {
    if (name == null || !UserConfig.NAME.matcher(name).matches()) {
      problems.add(where + ".name must be 1-64 characters of [A-Za-z0-9+=,.@_-], got '" + name + "'");
    }
    if (trustPolicy == null) {
      problems.add(where + ".trustPolicy is required");
    }
    if (maxSessionDuration < 3600 || maxSessionDuration > 43200) {
      problems.add(where + ".maxSessionDuration must be 3600 to 43200 seconds, got " + maxSessionDuration);
    }
  }
}
