package dev.tokengate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PrincipalTest {

  @Test
  void recognisesArns() {
    Principal s = Principal.fromArn("arn:aws:sts::123456789012:assumed-role/ReadOnly/s1", null);
    assertEquals(PrincipalType.ASSUMED_ROLE, s.type());
    assertEquals("ReadOnly", s.roleName());
    assertEquals("arn:aws:iam::123456789012:role/ReadOnly", s.roleArn());
    assertNull(s.username());
    Principal u = Principal.fromArn("arn:aws:iam::123456789012:user/dev/alice", "AIDA1");
    assertEquals("alice", u.username());
    assertEquals("AIDA1", u.userId());
    assertEquals("123456789012:fed", Principal.fromArn("arn:aws:sts::123456789012:federated-user/fed", null).userId());
    assertEquals(PrincipalType.ACCOUNT, Principal.fromArn("arn:aws:iam::123456789012:root", null).type());
    assertThrows(IllegalArgumentException.class, () -> Principal.fromArn("arn:aws:s3:::b", null));
  }

  @Test
  void factoriesBuildAwsArns() {
    assertEquals("arn:aws:sts::123456789012:assumed-role/R/s", Principal.assumedRole("123456789012", "R", "s", null).arn());
    assertEquals("arn:aws:sts::123456789012:federated-user/f", Principal.federatedUser("123456789012", "f").arn());
    assertEquals(PrincipalType.ANONYMOUS, Principal.anonymous().type());
  }
}
