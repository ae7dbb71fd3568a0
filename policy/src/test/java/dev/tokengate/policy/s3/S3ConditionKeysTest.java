package dev.tokengate.policy.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3ConditionKeysTest {

  @Test
  void listKeysComeFromTheQueryOnlyWhenPresent() {
    Map<String, List<String>> keys = S3ConditionKeys.derive(
        S3Request.of("GET", "b", null, Map.of("list-type", "2", "prefix", "home/", "max-keys", "10")));
    assertEquals(List.of("home/"), keys.get("s3:prefix"));
    assertEquals(List.of("10"), keys.get("s3:max-keys"));
    assertFalse(keys.containsKey("s3:delimiter"));
  }

  @Test
  void headerKeysAndTags() {
    Map<String, List<String>> keys = S3ConditionKeys.derive(new S3Request("PUT", "b", "k", Map.of("versionId", "v"),
        Map.of("X-Amz-Acl", "public-read", "x-amz-server-side-encryption", "AES256", "x-amz-storage-class", "STANDARD",
            "x-amz-tagging", "project=blue+sky&team=a%26b", "x-amz-object-lock-mode", "GOVERNANCE",
            "x-amz-copy-source", "/src/a%20b")));
    assertEquals(List.of("public-read"), keys.get("s3:x-amz-acl"));
    assertEquals(List.of("AES256"), keys.get("s3:x-amz-server-side-encryption"));
    assertEquals(List.of("STANDARD"), keys.get("s3:x-amz-storage-class"));
    assertEquals(List.of("v"), keys.get("s3:versionid"));
    assertEquals(List.of("blue sky"), keys.get("s3:RequestObjectTag/project"));
    assertEquals(List.of("a&b"), keys.get("s3:RequestObjectTag/team"));
    assertEquals(List.of("project", "team"), keys.get("s3:RequestObjectTagKeys"));
    assertEquals(List.of("GOVERNANCE"), keys.get("s3:object-lock-mode"));
    assertEquals(List.of("src/a b"), keys.get("s3:x-amz-copy-source"));
    assertFalse(keys.containsKey("s3:prefix"));
    assertFalse(keys.containsKey("s3:LocationConstraint"));
  }
}
