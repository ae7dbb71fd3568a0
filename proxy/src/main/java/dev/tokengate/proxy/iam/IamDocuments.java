package dev.tokengate.proxy.iam;

import dev.tokengate.policy.MalformedPolicyException;
import dev.tokengate.policy.Policy;
import dev.tokengate.policy.PolicyDialect;
import dev.tokengate.policy.PolicyParser;
import dev.tokengate.policy.PolicyType;
import dev.tokengate.proxy.identity.Role;
import dev.tokengate.proxy.identity.User;
import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/** IAM's entity shapes in responses, and policy documents as IAM accepts and returns them. */
final class IamDocuments {
  /** Configured identities have no creation time of their own: the proxy's start stands in. */
  static final String STARTED = now();

  private IamDocuments() {}

  static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static Map<String, Object> user(User u, String createDate) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (!u.accountRoot()) {
      m.put("Path", u.path());
      m.put("UserName", u.name());
    }
    m.put("UserId", u.userId());
    m.put("Arn", u.arn());
    m.put("CreateDate", createDate == null ? STARTED : createDate);
    putBoundary(m, u.permissionsBoundaryArn());
    return m;
  }

  static Map<String, Object> role(Role r, String createDate, String description) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Path", r.path());
    m.put("RoleName", r.name());
    m.put("RoleId", r.roleId());
    m.put("Arn", r.arn());
    m.put("CreateDate", createDate == null ? STARTED : createDate);
    m.put("AssumeRolePolicyDocument", encoded(r.trustPolicy()));
    m.put("Description", description);
    m.put("MaxSessionDuration", String.valueOf(r.maxSessionDurationSeconds()));
    putBoundary(m, r.permissionsBoundaryArn());
    return m;
  }

  private static void putBoundary(Map<String, Object> m, String arn) {
    if (arn != null) {
      m.put("PermissionsBoundary", Map.of("PermissionsBoundaryType", "Policy", "PermissionsBoundaryArn", arn));
    }
  }

  /** An attached managed policy, as List*AttachedPolicies shows it. */
  static Map<String, Object> attached(String arn) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("PolicyName", arn.substring(arn.lastIndexOf('/') + 1));
    m.put("PolicyArn", arn);
    return m;
  }

  /** IAM returns policy documents URL-encoded (RFC 3986: a space is %20), as the CLI expects. */
  static String encoded(String document) {
    return URLEncoder.encode(document, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Checks an identity policy as IAM does before storing it.
   *
   * @param maxChars IAM's size limit for this kind of policy (whitespace not counted)
   */
  static Policy identityPolicy(String name, String document, int maxChars, String owner, PolicyDialect dialect)
      throws StsException {
    if (document.replaceAll("\\s", "").length() > maxChars) {
      throw new StsException(StsError.LIMIT_EXCEEDED, "Maximum policy size of " + maxChars + " bytes exceeded for "
          + owner);
    }
    try {
      return PolicyParser.parse(document, PolicyType.IDENTITY, name, dialect);
    } catch (MalformedPolicyException e) {
      throw new StsException(StsError.MALFORMED_POLICY_DOCUMENT, e.getMessage());
    }
  }
}
