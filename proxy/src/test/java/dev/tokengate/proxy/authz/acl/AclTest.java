package dev.tokengate.proxy.authz.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokengate.policy.s3.S3Operation;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AclTest {
  private static byte[] policy(String grants) {
    return ("<?xml version=\"1.0\"?><AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        + "<Owner><ID>abc</ID></Owner><AccessControlList>"
        + "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\">"
        + "<ID>abc</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant>" + grants
        + "</AccessControlList></AccessControlPolicy>").getBytes(StandardCharsets.UTF_8);
  }

  private static String group(String uri, String permission) {
    return "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"Group\"><URI>" + uri
        + "</URI></Grantee><Permission>" + permission + "</Permission></Grant>";
  }

  @Test
  void readsGroupGrantsOnly() {
    Acl acl = Acl.parse(policy(group(Acl.ALL_USERS, "READ") + group(Acl.ALL_USERS, "WRITE")
        + group(Acl.AUTHENTICATED_USERS, "READ_ACP") + group("http://acs.amazonaws.com/groups/s3/LogDelivery", "WRITE")
        + group(Acl.ALL_USERS, "SOMETHING_NEW")));
    assertEquals(Set.of(AclPermission.READ, AclPermission.WRITE), acl.allUsers());
    assertEquals(Set.of(AclPermission.READ_ACP), acl.authenticatedUsers());
    assertEquals(Acl.PRIVATE, Acl.parse(policy("")), "the owner's grant names the account, not a group");
  }

  @Test
  void authenticatedUsersGrantsAreForSignedCallersOnly() {
    Acl acl = Acl.parse(policy(group(Acl.AUTHENTICATED_USERS, "READ")));
    assertTrue(acl.grants(AclPermission.READ, false));
    assertFalse(acl.grants(AclPermission.READ, true));
    Acl full = Acl.parse(policy(group(Acl.ALL_USERS, "FULL_CONTROL")));
    for (AclPermission p : AclPermission.values()) {
      assertTrue(full.grants(p, true), p.name());
    }
    assertFalse(Acl.PRIVATE.grants(AclPermission.READ, false));
  }

  @Test
  void notXmlIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Acl.parse("<Access".getBytes(StandardCharsets.UTF_8)));
    assertThrows(IllegalArgumentException.class, () -> Acl.parse(
        "<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><a>&x;</a>".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void rulesFollowS3sPermissionTable() {
    assertEquals(new AclRule(false, AclPermission.READ), AclRule.of("s3:ListBucket", S3Operation.LIST_OBJECTS_V2));
    assertEquals(new AclRule(false, AclPermission.WRITE), AclRule.of("s3:PutObject", S3Operation.PUT_OBJECT));
    assertEquals(new AclRule(false, AclPermission.WRITE), AclRule.of("s3:DeleteObject", S3Operation.DELETE_OBJECT));
    assertEquals(new AclRule(true, AclPermission.READ), AclRule.of("s3:GetObject", S3Operation.GET_OBJECT));
    assertEquals(new AclRule(true, AclPermission.READ_ACP), AclRule.of("s3:GetObjectAcl", S3Operation.GET_OBJECT_ACL));
    assertEquals(new AclRule(true, AclPermission.WRITE_ACP), AclRule.of("s3:PutObjectAcl", S3Operation.PUT_OBJECT_ACL));
    // An ACL or tags sent with a new object are part of writing it.
    assertEquals(new AclRule(false, AclPermission.WRITE), AclRule.of("s3:PutObjectAcl", S3Operation.PUT_OBJECT));
    assertEquals(new AclRule(false, AclPermission.WRITE), AclRule.of("s3:PutObjectTagging", S3Operation.PUT_OBJECT));
    // Configuration is never an ACL's to grant.
    assertNull(AclRule.of("s3:PutBucketPolicy", S3Operation.PUT_BUCKET_POLICY));
    assertNull(AclRule.of("s3:PutObjectTagging", S3Operation.PUT_OBJECT_TAGGING));
    assertNull(AclRule.of("s3:DeleteBucket", S3Operation.DELETE_BUCKET));
  }
}
