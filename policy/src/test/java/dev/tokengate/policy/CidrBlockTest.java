package dev.tokengate.policy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CidrBlockTest {

  @Test
  void ipv4() {
    CidrBlock b = CidrBlock.parse("192.168.0.0/16");
    assertTrue(b.contains("192.168.255.1"));
    assertFalse(b.contains("192.169.0.1"));
    assertTrue(CidrBlock.parse("0.0.0.0/0").contains("8.8.8.8"));
    assertTrue(CidrBlock.parse("255.255.255.255").contains("255.255.255.255"));
    assertFalse(b.contains("192.168.1"));
    assertFalse(b.contains("192.168.1.256"));
  }

  @Test
  void ipv6() {
    CidrBlock b = CidrBlock.parse("2001:db8::/32");
    assertTrue(b.contains("2001:0db8:0000:0000:0000:0000:0000:0001"));
    assertTrue(b.contains("2001:DB8::ffff"));
    assertFalse(b.contains("2001:db9::"));
    assertTrue(CidrBlock.parse("::1").contains("::1"));
    assertTrue(CidrBlock.parse("::ffff:10.0.0.0/104").contains("10.1.1.1"));
    assertFalse(b.contains("1::2::3"));
  }

  @Test
  void rejectsBadBlocks() {
    assertThrows(MalformedPolicyException.class, () -> CidrBlock.parse("10.0.0.0/33"));
    assertThrows(MalformedPolicyException.class, () -> CidrBlock.parse("example.com"));
    assertThrows(MalformedPolicyException.class, () -> CidrBlock.parse("2001:db8::/129"));
  }
}
