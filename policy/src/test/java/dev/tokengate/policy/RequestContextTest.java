package dev.tokengate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RequestContextTest {

  @Test
  void fillsPrincipalKeysAndLooksUpCaseInsensitively() {
    RequestContext c = RequestContext.of(Principal.user("123456789012", "alice", "AIDAX"), "s3:GetObject",
        "arn:aws:s3:::b/k").put("S3:Prefix", "a/");
    assertEquals(List.of("alice"), c.values("aws:username"));
    assertEquals(List.of("AIDAX"), c.values("AWS:USERID"));
    assertEquals(List.of("User"), c.values("aws:principaltype"));
    assertEquals(List.of("arn:aws:iam::123456789012:user/alice"), c.values("aws:PrincipalArn"));
    assertEquals(List.of("a/"), c.values("s3:prefix"));
    assertTrue(c.values("aws:SourceIp").isEmpty());
  }

  @Test
  void roleSessionsHaveNoUsernameAndShareKeysAcrossActions() {
    RequestContext c = RequestContext.of(Principal.assumedRole("123456789012", "R", "s1", "AROA1"), "s3:PutObject",
        "arn:aws:s3:::b/k").put("aws:SourceIp", "10.0.0.1");
    assertFalse(c.has("aws:username"));
    assertEquals(List.of("AROA1:s1"), c.values("aws:userid"));
    RequestContext other = c.withAction("s3:GetObject", "arn:aws:s3:::src/k");
    assertEquals("s3:GetObject", other.action());
    assertEquals(List.of("10.0.0.1"), other.values("aws:SourceIp"));
    c.put("aws:SourceIp", List.of());
    assertFalse(c.has("aws:SourceIp"));
  }
}
