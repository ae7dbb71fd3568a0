package dev.tokengate.proxy.authz;

import dev.tokengate.policy.RequestContext;
import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.proxy.identity.Session;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import java.time.format.DateTimeFormatter;

/**
 * The condition keys a caller carries: {@code aws:PrincipalTag/*} ({@link PrincipalTags}), and for
 * a session {@code aws:TokenIssueTime}, {@code aws:MultiFactorAuthPresent}/{@code Age} and {@code
 * aws:SourceIdentity}. Long-term credentials carry none of the session keys: they are absent,
 * which IAM's {@code …IfExists} and {@code Null} operators rely on. {@code aws:FederatedProvider}
 * is present only for sessions assumed through an OIDC or SAML provider, which tokengate does not
 * issue yet, so it is always absent. {@code sts:authentication} (Ceph RGW's) is on every signed call.
 */
public final class SessionContextKeys {
  private SessionContextKeys() {}

  public static void add(RequestContext c, Caller caller, Instant now) {
    PrincipalTags.of(caller).forEach((k, v) -> c.put("aws:PrincipalTag/" + k, v));
    Session s = caller.session();
    // Ceph RGW's key (AWS has none): whether the request is signed with temporary credentials, so
    // policies written for RGW ("deny s3:* unless sts:authentication") mean the same here.
    if (!caller.isAnonymous()) {
      c.put("sts:authentication", Boolean.toString(s != null));
    }
    if (s == null) {
      return;
    }
    c.put("aws:TokenIssueTime", DateTimeFormatter.ISO_INSTANT.format(s.issuedAt()));
    Instant mfa = s.mfaAuthenticatedAt();
    c.put("aws:MultiFactorAuthPresent", Boolean.toString(mfa != null));
    if (mfa != null) {
      c.put("aws:MultiFactorAuthAge", Long.toString(Math.max(0, now.getEpochSecond() - mfa.getEpochSecond())));
    }
    if (s.sourceIdentity() != null) {
      c.put("aws:SourceIdentity", s.sourceIdentity());
    }
  }

  /**
   * Ceph RGW's rule, in its tenant-less dialect only (a session of the account without an id): an
   * S3 request that names no tag keys of its own sees its session's tag keys as {@code aws:TagKeys},
   * as RGW puts a session's tags into every request's environment (s3-tests'
   * test_assume_role_with_web_identity_tag_keys_role_policy). On AWS {@code aws:TagKeys} is only the
   * request's own tags, so there the key stays absent.
   */
  public static void addRgwSessionTagKeys(RequestContext c, Caller caller) {
    Session s = caller.session();
    if (s == null || s.tags().isEmpty() || !s.accountId().isEmpty() || c.has("aws:TagKeys")) {
      return;
    }
    c.put("aws:TagKeys", List.copyOf(new TreeSet<>(s.tags().keySet())));
  }
}
