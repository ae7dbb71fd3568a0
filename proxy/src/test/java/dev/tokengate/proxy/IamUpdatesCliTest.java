package dev.tokengate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.proxy.harness.AwsCli;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * IAM names as AWS treats them, with the AWS CLI v2: unique and found regardless of case, listed in
 * case-insensitive order; users and groups renamed and moved keep their ids, keys, members and
 * policies; UpdateRole changes a role's description and session limit.
 */
@Timeout(300)
class IamUpdatesCliTest {
  @TempDir Path work;

  @RegisterExtension final TokengateExtension proxy = TokengateExtension.defaults();

  private static List<String> names(JsonNode list, String field) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.get(field).asText()));
    return out;
  }

  @Test
  void namesAreCaseInsensitiveAndUsersAndGroupsCanBeRenamed() throws Exception {
    AwsCli admin = new AwsCli(proxy.endpoint(), work, proxy.admin());
    JsonNode created = admin.ok("iam", "create-user", "--user-name", "Alice", "--path", "/team/");
    String userId = created.at("/User/UserId").asText();
    admin.fails("EntityAlreadyExists", "iam", "create-user", "--user-name", "alice");
    assertEquals("Alice", admin.ok("iam", "get-user", "--user-name", "ALICE").at("/User/UserName").asText());

    admin.ok("iam", "attach-user-policy", "--user-name", "alice", "--policy-arn",
        "arn:aws:iam::aws:policy/IAMReadOnlyAccess");
    JsonNode key = admin.ok("iam", "create-access-key", "--user-name", "alice");
    Credentials alice = Credentials.of(key.at("/AccessKey/AccessKeyId").asText(),
        key.at("/AccessKey/SecretAccessKey").asText());
    admin.ok("iam", "create-group", "--group-name", "Readers");
    admin.fails("EntityAlreadyExists", "iam", "create-group", "--group-name", "READERS");
    admin.ok("iam", "add-user-to-group", "--group-name", "readers", "--user-name", "alice");
    assertEquals(List.of("Alice"), names(admin.ok("iam", "get-group", "--group-name", "Readers").get("Users"),
        "UserName"), "members are kept as the user spells its name");

    // Renamed and moved: the same user, with its key, policy and group.
    admin.ok("iam", "update-user", "--user-name", "alice", "--new-user-name", "Alicia", "--new-path", "/eng/");
    admin.fails("NoSuchEntity", "iam", "get-user", "--user-name", "Alice");
    JsonNode moved = admin.ok("iam", "get-user", "--user-name", "Alicia").get("User");
    assertEquals(userId, moved.get("UserId").asText());
    assertEquals("arn:aws:iam::123456789012:user/eng/Alicia", moved.get("Arn").asText());
    assertEquals(List.of(alice.accessKeyId()), names(admin.ok("iam", "list-access-keys", "--user-name", "Alicia")
        .get("AccessKeyMetadata"), "AccessKeyId"));
    AwsCli asAlicia = admin.as(alice);
    assertEquals("arn:aws:iam::123456789012:user/eng/Alicia",
        asAlicia.ok("sts", "get-caller-identity").get("Arn").asText(), "the key signs as the renamed user");
    asAlicia.ok("iam", "list-users");
    asAlicia.fails("AccessDenied", "iam", "create-user", "--user-name", "mallory");
    assertEquals(List.of("Readers"), names(admin.ok("iam", "list-groups-for-user", "--user-name", "Alicia")
        .get("Groups"), "GroupName"));
    admin.ok("iam", "create-user", "--user-name", "alice");
    admin.fails("EntityAlreadyExists", "iam", "update-user", "--user-name", "alice", "--new-user-name", "ALICIA");

    // A group renamed keeps its id and members.
    String groupId = admin.ok("iam", "get-group", "--group-name", "Readers").at("/Group/GroupId").asText();
    admin.ok("iam", "update-group", "--group-name", "readers", "--new-group-name", "Auditors", "--new-path", "/sec/");
    JsonNode group = admin.ok("iam", "get-group", "--group-name", "Auditors");
    assertEquals(groupId, group.at("/Group/GroupId").asText());
    assertEquals("arn:aws:iam::123456789012:group/sec/Auditors", group.at("/Group/Arn").asText());
    assertEquals(List.of("Alicia"), names(group.get("Users"), "UserName"));
    admin.fails("NoSuchEntity", "iam", "get-group", "--group-name", "Readers");

    // Listed regardless of case, page by page too.
    for (String n : List.of("bb", "Ba", "aC")) {
      admin.ok("iam", "create-user", "--user-name", n, "--path", "/order/");
    }
    assertEquals(List.of("aC", "Ba", "bb"), names(admin.ok("iam", "list-users", "--path-prefix", "/order/")
        .get("Users"), "UserName"));
    assertEquals(List.of("aC", "Ba", "bb"), names(admin.ok("iam", "list-users", "--path-prefix", "/order/",
        "--page-size", "1").get("Users"), "UserName"));
  }

  @Test
  void updateRoleChangesItsDescriptionAndSessionLimit() throws Exception {
    AwsCli admin = new AwsCli(proxy.endpoint(), work, proxy.admin());
    admin.fails("NoSuchEntity", "iam", "update-role", "--role-name", "nobody", "--description", "x");
    String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
        + "\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":\"sts:AssumeRole\"}]}";
    String roleId = admin.ok("iam", "create-role", "--role-name", "Deployer", "--assume-role-policy-document", trust)
        .at("/Role/RoleId").asText();
    admin.fails("EntityAlreadyExists", "iam", "create-role", "--role-name", "deployer",
        "--assume-role-policy-document", trust);
    admin.ok("iam", "update-role", "--role-name", "deployer", "--description", "ships builds",
        "--max-session-duration", "7200");
    JsonNode role = admin.ok("iam", "get-role", "--role-name", "Deployer").get("Role");
    assertEquals(roleId, role.get("RoleId").asText());
    assertEquals("ships builds", role.get("Description").asText());
    assertEquals(7200, role.get("MaxSessionDuration").asInt());
    admin.fails("ValidationError", "iam", "update-role", "--role-name", "Deployer", "--max-session-duration", "50000");
    assertEquals("a new text", admin.ok("iam", "update-role-description", "--role-name", "Deployer",
        "--description", "a new text").at("/Role/Description").asText());
    assertEquals(7200, admin.ok("iam", "get-role", "--role-name", "Deployer").at("/Role/MaxSessionDuration").asInt());
  }

  @Test
  void boundariesCapCreatedUsersAtOnceAndRolesCarryTags() throws Exception {
    AwsCli admin = new AwsCli(proxy.endpoint(), work, proxy.admin());
    admin.ok("s3api", "create-bucket", "--bucket", "bounded");
    admin.ok("iam", "create-user", "--user-name", "bob");
    admin.ok("iam", "attach-user-policy", "--user-name", "bob", "--policy-arn",
        "arn:aws:iam::aws:policy/AmazonS3FullAccess");
    JsonNode key = admin.ok("iam", "create-access-key", "--user-name", "bob");
    AwsCli bob = admin.as(Credentials.of(key.at("/AccessKey/AccessKeyId").asText(),
        key.at("/AccessKey/SecretAccessKey").asText()));
    bob.ok("s3api", "put-object", "--bucket", "bounded", "--key", "one");

    admin.fails("NoSuchEntity", "iam", "put-user-permissions-boundary", "--user-name", "bob",
        "--permissions-boundary", "arn:aws:iam::aws:policy/NoSuchPolicy");
    admin.ok("iam", "put-user-permissions-boundary", "--user-name", "bob", "--permissions-boundary",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess");
    bob.fails("AccessDenied", "s3api", "put-object", "--bucket", "bounded", "--key", "two");
    bob.ok("s3api", "head-object", "--bucket", "bounded", "--key", "one");
    admin.ok("iam", "delete-user-permissions-boundary", "--user-name", "bob");
    admin.fails("NoSuchEntity", "iam", "delete-user-permissions-boundary", "--user-name", "bob");
    bob.ok("s3api", "put-object", "--bucket", "bounded", "--key", "two");

    String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
        + "\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":\"sts:AssumeRole\"}]}";
    admin.ok("iam", "create-role", "--role-name", "tagged", "--assume-role-policy-document", trust);
    admin.ok("iam", "tag-role", "--role-name", "tagged", "--tags", "Key=team,Value=data", "Key=tmp,Value=x");
    admin.ok("iam", "untag-role", "--role-name", "tagged", "--tag-keys", "tmp");
    JsonNode tags = admin.ok("iam", "list-role-tags", "--role-name", "tagged").get("Tags");
    assertEquals(1, tags.size(), tags.toString());
    assertEquals("team", tags.at("/0/Key").asText());
    assertEquals("data", tags.at("/0/Value").asText());
    admin.ok("iam", "put-role-permissions-boundary", "--role-name", "tagged", "--permissions-boundary",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess");
    assertEquals("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", admin.ok("iam", "get-role", "--role-name",
        "tagged").at("/Role/PermissionsBoundary/PermissionsBoundaryArn").asText());
    admin.ok("iam", "delete-role-permissions-boundary", "--role-name", "tagged");
    bob.fails("AccessDenied", "iam", "tag-role", "--role-name", "tagged", "--tags", "Key=a,Value=b");
  }
}
