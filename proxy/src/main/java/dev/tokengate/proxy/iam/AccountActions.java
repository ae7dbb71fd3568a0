package dev.tokengate.proxy.iam;

import dev.tokengate.proxy.identity.IdentityStore;
import dev.tokengate.proxy.identity.KeyUsage;
import dev.tokengate.proxy.identity.LongTermKey;
import dev.tokengate.proxy.identity.StoredIdentities;
import dev.tokengate.proxy.identity.StoredIdentities.StoredKey;
import dev.tokengate.proxy.identity.StoredIdentities.StoredMfaDevice;
import dev.tokengate.proxy.identity.StoredIdentities.StoredOidcProvider;
import dev.tokengate.proxy.identity.StoredIdentities.StoredSamlProvider;
import dev.tokengate.proxy.identity.User;
import dev.tokengate.proxy.sts.QueryXml;
import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Account-wide reads: GetAccountSummary (counts from the current view; the quotas the proxy
 * enforces, else AWS's defaults, which it does not enforce) and GetAccessKeyLastUsed (from {@link
 * KeyUsage}: this process's last record, else the one stored before a restart).
 */
final class AccountActions {
  private final IdentityStore identities;
  private final IamState state;

  AccountActions(IdentityStore identities, IamState state) {
    this.identities = identities;
    this.state = state;
  }

  Map<String, Object> getAccountSummary(IamCall call) throws StsException {
    call.authorize("*");
    long storedDevices = identities.mfaDevices().size();
    long assigned = identities.mfaDevices().values().stream().filter(StoredMfaDevice::assigned).count();
    // A configured mfaSecret is a device too, always in use.
    long configuredDevices = identities.users().stream().filter(u -> u.mfaSerial() != null
        && identities.mfaDevices().values().stream().noneMatch(d -> u.name().equals(d.userName()))).count();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Users", identities.users().stream().filter(u -> !u.accountRoot()).count());
    m.put("UsersQuota", 5000);
    m.put("Groups", identities.groups().size());
    m.put("GroupsQuota", 300);
    m.put("Roles", identities.roles().size());
    m.put("RolesQuota", 1000);
    m.put("Policies", identities.customerPolicies().size());
    m.put("PoliciesQuota", 1500);
    m.put("PolicyVersionsInUse",
        identities.customerPolicies().values().stream().mapToInt(p -> p.versions().size()).sum());
    m.put("PolicyVersionsInUseQuota", 10000);
    m.put("VersionsPerPolicyQuota", PolicyActions.VERSIONS);
    m.put("PolicySizeQuota", PolicyActions.POLICY_CHARS);
    m.put("UserPolicySizeQuota", UserActions.INLINE_POLICY_CHARS);
    m.put("GroupPolicySizeQuota", GroupActions.INLINE_POLICY_CHARS);
    m.put("RolePolicySizeQuota", RoleActions.INLINE_POLICY_CHARS);
    m.put("AssumeRolePolicySizeQuota", RoleActions.TRUST_POLICY_CHARS);
    m.put("GroupsPerUserQuota", GroupActions.GROUPS_PER_USER);
    m.put("AttachedPoliciesPerUserQuota", UserActions.ATTACHED_POLICIES);
    m.put("AttachedPoliciesPerGroupQuota", GroupActions.ATTACHED_POLICIES);
    m.put("AttachedPoliciesPerRoleQuota", RoleActions.ATTACHED_POLICIES);
    m.put("AccessKeysPerUserQuota", AccessKeyActions.KEYS_PER_USER);
    m.put("SigningCertificatesPerUserQuota", 2);
    m.put("MFADevices", storedDevices + configuredDevices);
    m.put("MFADevicesInUse", assigned + configuredDevices);
    // The bootstrap admin is the account root: it has access keys, never MFA or a password.
    boolean rootKeys = identities.users().stream().anyMatch(User::accountRoot);
    m.put("AccountMFAEnabled", 0);
    m.put("AccountAccessKeysPresent", rootKeys ? 1 : 0);
    m.put("AccountPasswordPresent", 0);
    m.put("AccountSigningCertificatesPresent", 0);
    m.put("ServerCertificates", 0);
    m.put("ServerCertificatesQuota", 20);
    m.put("InstanceProfiles", 0);
    m.put("InstanceProfilesQuota", 1000);
    m.put("Providers", state.list(StoredIdentities.OIDC_PROVIDERS, StoredOidcProvider.class).size()
        + state.list(StoredIdentities.SAML_PROVIDERS, StoredSamlProvider.class).size());
    m.put("GlobalEndpointTokenVersion", 1);
    return Map.of("SummaryMap", new QueryXml.Entries(m));
  }

  Map<String, Object> getAccessKeyLastUsed(IamCall call) throws StsException {
    String id = call.required("AccessKeyId");
    Optional<String> owner = identities.storedKeys().stream().filter(k -> k.accessKeyId().equals(id))
        .map(StoredKey::userName).findFirst()
        .or(() -> identities.findAccessKey(id).map(LongTermKey::owner).map(User::name));
    Optional<User> user = owner.flatMap(identities::findUser);
    if (user.isEmpty()) {
      // Who may ask about any user's key may learn that this one does not exist.
      call.authorize("arn:aws:iam::" + call.accountId() + ":user/*");
      throw new StsException(StsError.NO_SUCH_ENTITY, "The Access Key with id " + id + " cannot be found.");
    }
    call.authorize(user.get().arn());
    Optional<KeyUsage.LastUsed> used = identities.keyUsage().recorded(id);
    if (used.isEmpty()) {
      used = state.read(KeyUsage.PREFIX + id, KeyUsage.LastUsed.class);
    }
    Map<String, Object> last = new LinkedHashMap<>();
    last.put("LastUsedDate", used.map(KeyUsage.LastUsed::lastUsedDate).orElse(null));
    last.put("ServiceName", used.map(KeyUsage.LastUsed::serviceName).orElse("N/A"));
    last.put("Region", used.map(KeyUsage.LastUsed::region).orElse("N/A"));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("UserName", user.get().name());
    m.put("AccessKeyLastUsed", last);
    return m;
  }
}
