package dev.tokengate.proxy.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tokengate.policy.Principal;
import dev.tokengate.policy.PrincipalType;
import dev.tokengate.policy.RequestContext;
import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.proxy.identity.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** aws:TagKeys from a session's tags: Ceph RGW's tenant-less rule, never AWS's. */
class SessionContextKeysTest {
  private static final Instant T0 = Instant.parse("2026-12-03T12:00:00Z");

  private static Caller roleSession(String account, Map<String, String> tags) {
    Session s = new Session("ASIAROLESESSION00001", "secret", "AssumeRoleWithWebIdentity", PrincipalType.ASSUMED_ROLE,
        account, "r", "s", T0, T0.plus(Duration.ofHours(1)), null, null, tags, null, null, null, false);
    return new Caller(Principal.assumedRole(account, "r", "s", "AROAR"), null, null, s);
  }

  private static RequestContext context(Caller caller) {
    return RequestContext.of(caller.principal(), "s3:CreateBucket", "arn:aws:s3:::b");
  }

  @Test
  void aTenantlessSessionsTagKeysAreTheRequestsWhenItNamesNone() {
    Caller caller = roleSession("", Map.of("Project", "x", "Department", "Engineering"));
    RequestContext c = context(caller);
    SessionContextKeys.addRgwSessionTagKeys(c, caller);
    assertEquals(List.of("Department", "Project"), c.values("aws:TagKeys"));
  }

  @Test
  void theRequestsOwnTagKeysWin() {
    Caller caller = roleSession("", Map.of("Department", "Engineering"));
    RequestContext c = context(caller).put("aws:TagKeys", "Color");
    SessionContextKeys.addRgwSessionTagKeys(c, caller);
    assertEquals(List.of("Color"), c.values("aws:TagKeys"));
  }

  @Test
  void anAwsAccountsSessionAndAnUntaggedOneAddNothing() {
    Caller aws = roleSession("123456789012", Map.of("Department", "Engineering"));
    RequestContext c = context(aws);
    SessionContextKeys.addRgwSessionTagKeys(c, aws);
    assertFalse(c.has("aws:TagKeys"));

    Caller untagged = roleSession("", Map.of());
    RequestContext u = context(untagged);
    SessionContextKeys.addRgwSessionTagKeys(u, untagged);
    assertFalse(u.has("aws:TagKeys"));
  }
}
