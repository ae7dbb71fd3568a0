package dev.tokengate.proxy.identity;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The wire form of identities kept in the {@code StateStore} (created through the IAM API), one
 * JSON document per entity under {@code iam/users/NAME}, {@code iam/roles/NAME} and {@code
 * iam/access-keys/ID}, {@code iam/mfa-devices/NAME} (and the others below). Stable field names; unknown fields are refused so a newer writer's document
 * is never half-read.
 */
public final class StoredIdentities {
  public static final String USERS = "iam/users/";
  public static final String ROLES = "iam/roles/";
  public static final String ACCESS_KEYS = "iam/access-keys/";
  public static final String GROUPS = "iam/groups/";
  public static final String POLICIES = "iam/policies/";
  /** OIDC providers, by {@link #oidcProviderKey}. */
  public static final String OIDC_PROVIDERS = "iam/oidc-providers/";
  public static final String SAML_PROVIDERS = "iam/saml-providers/";
  public static final String MFA_DEVICES = "iam/mfa-devices/";

  static final ObjectMapper JSON = new ObjectMapper()
      .setSerializationInclusion(JsonInclude.Include.NON_NULL)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private StoredIdentities() {}

  /** A user created through the API. */
  public record StoredUser(String name, String path, String userId, String createDate,
      Map<String, String> inlinePolicies, List<String> attachedPolicies, String permissionsBoundary,
      Map<String, String> tags) {}

  /** A role created through the API. */
  public record StoredRole(String name, String path, String roleId, String createDate, String description,
      String trustPolicy, Map<String, String> inlinePolicies, List<String> attachedPolicies,
      String permissionsBoundary, int maxSessionDuration, Map<String, String> tags) {}

  /**
   * A customer-managed policy: its versions by id ({@code v1}, {@code v2}, …) with their documents
   * and creation times, and which one is in force.
   */
  public record StoredPolicy(String name, String path, String policyId, String createDate, String description,
      String defaultVersion, Map<String, String> versions, Map<String, String> versionDates, int nextVersion) {}

  /** A group created through the API: its members get its policies. */
  public record StoredGroup(String name, String path, String groupId, String createDate, List<String> members,
      Map<String, String> inlinePolicies, List<String> attachedPolicies) {}

  /** An access key created through the API, for a configured or a created user. */
  public record StoredKey(String accessKeyId, String secretAccessKey, String userName, String status,
      String createDate) {
    public boolean active() {
      return "Active".equals(status);
    }
  }

  /**
   * An OpenID Connect provider: its issuer URL ({@code https://HOST[/PATH]}, which is also its
   * identity), the audiences it may issue tokens for and its servers' certificate thumbprints.
   */
  public record StoredOidcProvider(String url, List<String> clientIds, List<String> thumbprints, String createDate,
      Map<String, String> tags) {}

  /** A SAML identity provider: its metadata document as given, and when it stops being trusted. */
  public record StoredSamlProvider(String name, String metadataDocument, String createDate, String validUntil,
      Map<String, String> tags) {}

  /**
   * The key of an OIDC provider: its URL without {@code https://}, percent-encoded so the
   * slashes of a path stay inside one key segment (and no two URLs share a key).
   */
  public static String oidcProviderKey(String hostAndPath) {
    return OIDC_PROVIDERS + URLEncoder.encode(hostAndPath, StandardCharsets.UTF_8);
  }

  /**
   * A virtual MFA device: its base32 seed, and the user it is enabled for (null while unassigned).
   * Serial number {@code arn:aws:iam::ACCT:mfa PATH NAME}.
   */
  public record StoredMfaDevice(String name, String path, String seed, String createDate, String userName,
      String enableDate, Map<String, String> tags) {
    public boolean assigned() {
      return userName != null;
    }
  }

  public static byte[] write(Object entity) {
    try {
      return JSON.writeValueAsBytes(entity);
    } catch (IOException e) {
      throw new IllegalStateException("identity documents always serialize", e);
    }
  }

  public static <T> T read(byte[] doc, Class<T> type, String key) {
    try {
      return JSON.readValue(doc, type);
    } catch (IOException e) {
      throw new IllegalArgumentException("state entry " + key + " is not a " + type.getSimpleName() + ": "
          + e.getMessage(), e);
    }
  }
}
