package dev.tokengate.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Principal (or NotPrincipal) of a resource-policy statement, telling how a caller is named:
 * by its own ARN, through its role, through its account, by {@code *}, or (the caller of
 * AssumeRoleWith{SAML,WebIdentity}) as the {@code Federated} identity provider.
 */
final class PrincipalMatcher {
  /** How a statement's principal names the caller; the order is the strength of the match. */
  enum Match {
    NONE,
    /** Names the caller's account only: delegates to the account's identity policies. */
    ACCOUNT,
    /** {@code *} / {@code {"AWS": "*"}}. */
    WILDCARD,
    /**
     * Names the IAM identity the session was issued from (the role of a role session, the IAM user
     * of a GetFederationToken session): the permissions join the identity's before the session is
     * made, so the session policy and boundary still cut them.
     */
    ISSUER,
    /** Names the caller's own ARN (user, role session, federated user, root). */
    DIRECT
  }

  private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
  private static final Pattern IAM_ARN = iamArn("\\d{12}");
  /**
   * RGW's tenant-less ARNs have no account; AWS's own still parse. RGW also names a role session
   * {@code arn:aws:iam:::assumed-role/ROLE/SESSION} (iam, where AWS writes sts): the same session.
   */
  private static final Pattern TENANTLESS_IAM_ARN = Pattern.compile(
      iamArn("(?:\\d{12})?").pattern() + "|arn:[a-z-]+:iam::(?:\\d{12})?:assumed-role/[^/]+/.+");

  private static Pattern iamArn(String account) {
    return Pattern.compile("arn:[a-z-]+:(iam::" + account + ":(root|user/.+|role/.+)"
        + "|sts::" + account + ":(assumed-role/[^/]+/.+|federated-user/.+))");
  }

  private final String source;
  private final boolean wildcard;
  private final Set<String> arns = new HashSet<>();
  private final Set<String> roles = new HashSet<>(); // "account:roleName"
  private final Set<String> accounts = new HashSet<>();
  private final Set<String> federated = new HashSet<>(); // identity-provider ARNs
  private final List<String> others = new ArrayList<>();

  /** Parses the element value; {@code entries} maps AWS/Service/Federated/CanonicalUser to values. */
  PrincipalMatcher(String source, boolean wildcard, Map<String, List<String>> entries, PolicyDialect dialect) {
    this.source = source;
    Pattern iamArn = dialect == PolicyDialect.RGW_TENANTLESS ? TENANTLESS_IAM_ARN : IAM_ARN;
    boolean any = wildcard;
    for (Map.Entry<String, List<String>> e : entries.entrySet()) {
      String kind = e.getKey();
      if (!kind.equals("AWS")) {
        if (!kind.equals("Service") && !kind.equals("Federated") && !kind.equals("CanonicalUser")) {
          throw new MalformedPolicyException("Invalid principal in policy: \"" + kind + "\"");
        }
        // Service principals never call this proxy; a provider names the bearers of its tokens
        // in a trust policy (AssumeRoleWithWebIdentity), never an S3 caller.
        if (kind.equals("Federated")) {
          federated.addAll(e.getValue());
        }
        e.getValue().forEach(v -> others.add(kind + ":" + v));
        continue;
      }
      for (String v : e.getValue()) {
        if (v.equals("*")) {
          any = true;
        } else if (ACCOUNT_ID.matcher(v).matches()) {
          accounts.add(v);
        } else if (iamArn.matcher(v).matches()) {
          addArn(v);
        } else {
          throw new MalformedPolicyException("Invalid principal in policy: \"AWS\":\"" + v + "\"");
        }
      }
    }
    this.wildcard = any;
  }

  private void addArn(String arn) {
    String[] parts = arn.split(":", 6);
    String account = parts[4];
    String resource = parts[5];
    if (resource.equals("root")) {
      accounts.add(account);
    } else if (parts[2].equals("iam") && resource.startsWith("assumed-role/")) {
      arns.add("sts:" + account + ":" + resource); // RGW's spelling of the session ARN (tenant-less only)
    } else if (parts[2].equals("iam") && resource.startsWith("role/")) {
      // Session ARNs carry the role name without its path.
      roles.add(account + ":" + resource.substring(resource.lastIndexOf('/') + 1));
    } else if (parts[2].equals("iam") && resource.startsWith("user/")) {
      // Normalise the partition and drop the path so a user ARN with a path still matches.
      arns.add("user:" + account + ":" + resource.substring(resource.lastIndexOf('/') + 1));
    } else {
      arns.add(parts[2] + ":" + account + ":" + resource);
    }
  }

  /** How this element names {@code principal}. */
  Match match(Principal principal) {
    Match best = Match.NONE;
    String account = principal.accountId();
    switch (principal.type()) {
      case USER -> {
        if (arns.contains("user:" + account + ":" + principal.username())) {
          return Match.DIRECT;
        }
      }
      case ASSUMED_ROLE, FEDERATED_USER -> {
        String[] parts = principal.arn().split(":", 6);
        if (parts.length == 6 && arns.contains("sts:" + account + ":" + parts[5])) {
          return Match.DIRECT;
        }
        if (principal.roleName() != null && roles.contains(account + ":" + principal.roleName())) {
          best = Match.ISSUER;
        }
        String issuerUser = principal.issuerUserName();
        if (issuerUser != null && arns.contains("user:" + account + ":" + issuerUser)) {
          best = Match.ISSUER;
        }
      }
      case ACCOUNT -> {
        if (accounts.contains(account)) {
          return Match.DIRECT;
        }
      }
      case WEB_IDENTITY, SAML_USER, LDAP_USER -> {
        // Exact ARN, as AWS compares it. A provider is no member of the account: "root" does not
        // name it (the account-delegation rule below would otherwise apply).
        if (federated.contains(principal.arn())) {
          return Match.DIRECT;
        }
        return wildcard ? Match.WILDCARD : Match.NONE;
      }
      default -> { }
    }
    if (best == Match.NONE && wildcard) {
      best = Match.WILDCARD;
    }
    if (best == Match.NONE && accounts.contains(account) && principal.type() != PrincipalType.ANONYMOUS) {
      best = Match.ACCOUNT;
    }
    return best;
  }

  @Override
  public String toString() {
    return source;
  }
}
