package dev.tokengate.proxy.identity;

import dev.tokengate.proxy.config.ProxyConfig;
import dev.tokengate.proxy.config.RoleConfig;
import dev.tokengate.proxy.config.UserConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Users, roles and long-term access keys of the one account the proxy serves, seeded from the
 * configuration (plus the bootstrap admin). Read-only after startup, so lock-free.
 */
public final class IdentityStore {

  /** The AWS managed policy that lets the bootstrap admin do everything. */
  public static final String ADMINISTRATOR_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess";

  private final String accountId;
  private final Map<String, LongTermKey> keys = new HashMap<>();
  private final Map<String, User> users = new HashMap<>();
  private final Map<String, Role> roles = new HashMap<>();

  public IdentityStore(ProxyConfig config, BootstrapAdmin admin) {
    this.accountId = config.accountId();
    if (admin != null) {
      User adminUser = user(admin.userName(), "/", Map.of(), List.of(ADMINISTRATOR_ACCESS), null, null, Map.of());
      users.put(adminUser.name(), adminUser);
      keys.put(admin.accessKeyId(), new LongTermKey(admin.accessKeyId(), admin.secretAccessKey(), adminUser));
    }
    for (UserConfig u : config.users()) {
      User user =
          user(u.name(), u.path(), u.inlinePolicies(), u.managedPolicies(), u.permissionsBoundary(), u.mfaSecret(), u.tags());
      users.put(user.name(), user);
      for (UserConfig.AccessKey k : u.accessKeys()) {
        keys.put(k.id(), new LongTermKey(k.id(), k.secret(), user));
      }
    }
    for (RoleConfig r : config.roles()) {
      String arn = "arn:aws:iam::" + accountId + ":role" + r.path() + r.name();
      roles.put(
          r.name(),
          new Role(
              r.name(),
              r.path(),
              arn,
              UniqueIds.of("AROA", accountId, r.name()),
              r.trustPolicyText(),
              r.inlinePolicies(),
              r.managedPolicies(),
              r.permissionsBoundary(),
              r.maxSessionDuration(),
              Map.copyOf(r.tags())));
    }
  }

  private User user(
      String name,
      String path,
      Map<String, String> inline,
      List<String> managed,
      String boundary,
      String mfaSecret,
      Map<String, String> tags) {
    return new User(
        name,
        path,
        "arn:aws:iam::" + accountId + ":user" + path + name,
        UniqueIds.of("AIDA", accountId, name),
        Map.copyOf(inline),
        List.copyOf(managed),
        boundary,
        mfaSecret,
        Map.copyOf(tags));
  }

  public String accountId() {
    return accountId;
  }

  public java.util.Collection<User> users() {
    return java.util.Collections.unmodifiableCollection(users.values());
  }

  public java.util.Collection<Role> roles() {
    return java.util.Collections.unmodifiableCollection(roles.values());
  }

  public Optional<LongTermKey> findAccessKey(String accessKeyId) {
    return Optional.ofNullable(keys.get(accessKeyId));
  }

  public Optional<User> findUser(String name) {
    return Optional.ofNullable(users.get(name));
  }

  public Optional<Role> findRole(String name) {
    return Optional.ofNullable(roles.get(name));
  }

  /** The role an ARN of this account names ({@code arn:aws:iam::ACCT:role[/path/]NAME}). */
  public Optional<Role> findRoleByArn(String arn) {
    String prefix = "arn:aws:iam::" + accountId + ":role/";
    if (arn == null || !arn.startsWith(prefix)) {
      return Optional.empty();
    }
    String name = arn.substring(arn.lastIndexOf('/') + 1);
    return findRole(name).filter(role -> role.arn().equals(arn));
  }
}
