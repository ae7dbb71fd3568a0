package dev.tokengate.proxy.identity;

import dev.tokengate.policy.ManagedPolicies;
import dev.tokengate.policy.MalformedPolicyException;
import dev.tokengate.policy.Policy;
import dev.tokengate.policy.PolicyDialect;
import dev.tokengate.policy.PolicyParser;
import dev.tokengate.policy.PolicyType;
import dev.tokengate.proxy.authz.PolicyStore;
import dev.tokengate.proxy.config.ProxyConfig;
import dev.tokengate.proxy.config.RoleConfig;
import dev.tokengate.proxy.config.UserConfig;
import dev.tokengate.proxy.identity.StoredIdentities.StoredGroup;
import dev.tokengate.proxy.identity.StoredIdentities.StoredKey;
import dev.tokengate.proxy.identity.StoredIdentities.StoredMfaDevice;
import dev.tokengate.proxy.identity.StoredIdentities.StoredPolicy;
import dev.tokengate.proxy.identity.StoredIdentities.StoredRole;
import dev.tokengate.proxy.identity.StoredIdentities.StoredUser;
import dev.tokengate.proxy.state.StateException;
import dev.tokengate.proxy.state.StateStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users, roles and long-term access keys of the one account the proxy serves: those of the
 * configuration (plus the bootstrap admin), which only the configuration changes, and those
 * created through the IAM API, kept in the {@link StateStore}. Requests read an immutable view,
 * lock-free; every change in the store (seen through its watch) builds the next view, with the
 * parsed policies, so a request never parses or waits.
 *
 * <p>A configured user may carry a stored document of the same name: what the IAM API added to it
 * (inline and attached policies, tags), in force on top of the configuration's own, which only
 * the configuration changes. A configured role wins over a stored one of the same name.
 */
public final class IdentityStore {
  private static final Logger LOG = LoggerFactory.getLogger(IdentityStore.class);

  /** The AWS managed policy that lets the bootstrap admin do everything. */
  public static final String ADMINISTRATOR_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess";

  /** One consistent picture of every identity, and the policies parsed from it. */
  private record View(
      Map<String, LongTermKey> keys, Map<String, User> users, Map<String, Role> roles,
      Map<String, StoredUser> storedUsers, Map<String, StoredRole> storedRoles, Map<String, StoredKey> storedKeys,
      Map<String, StoredGroup> groups, Map<String, StoredPolicy> customerPolicies, Map<String, Policy> customerParsed,
      Map<String, StoredMfaDevice> mfaDevices, PolicyStore policies) {}

  private final String accountId;
  /** The configuration file's identities (and the bootstrap admin): replaced whole on a reload. */
  private record Configured(Map<String, LongTermKey> keys, Map<String, User> users, Map<String, Role> roles) {}

  private final BootstrapAdmin admin;
  private volatile Configured configured;
  private final StateStore state;
  private final KeyUsage keyUsage;
  private volatile View view;

  /** Configured identities only, as before the IAM API (tests, read-only setups). */
  public IdentityStore(ProxyConfig config, BootstrapAdmin admin) {
    this(config, admin, null);
  }

  /**
   * @param state where identities created through the IAM API live; null for none
   * @throws IllegalArgumentException naming the identity whose policy or stored document is invalid
   */
  public IdentityStore(ProxyConfig config, BootstrapAdmin admin, StateStore state) {
    this.accountId = config.accountId();
    this.state = state;
    this.keyUsage = new KeyUsage(state);
    this.admin = admin;
    this.configured = configured(config);
    try {
      this.view = build(configured);
      if (state != null) {
        state.watch("iam/", change -> refresh());
      }
    } catch (StateException e) {
      throw new IllegalArgumentException("cannot read identities from the state store: " + e.getMessage(), e);
    }
  }

  /**
   * Builds the next view after a change; a view that cannot be built leaves the last one in force.
   * The IAM API calls it after its own writes, so a replica reads what it just wrote even when the
   * store's watch reports it later (etcd).
   */
  public synchronized void refresh() {
    try {
      view = build(configured);
    } catch (StateException | IllegalArgumentException e) {
      LOG.error("identities not updated, the last good view stays in force: {}", e.getMessage());
    }
  }

  /**
   * Takes the users and roles of a changed configuration file (the hot reload): in force for the
   * next request, or, when one of them cannot be used, not at all.
   *
   * @throws IllegalArgumentException naming what cannot be used; the identities in force stay
   */
  public synchronized void reload(ProxyConfig config) {
    if (!config.accountId().equals(accountId)) {
      throw new IllegalArgumentException("accountId cannot change without a restart (" + accountId + " → "
          + config.accountId() + ")");
    }
    Configured next = configured(config);
    try {
      View built = build(next);
      configured = next;
      view = built;
    } catch (StateException e) {
      throw new IllegalArgumentException("cannot read identities from the state store: " + e.getMessage(), e);
    }
  }

  private Configured configured(ProxyConfig config) {
    Map<String, LongTermKey> keys = new HashMap<>();
    Map<String, User> users = new LinkedHashMap<>();
    Map<String, Role> roles = new LinkedHashMap<>();
    if (admin != null) {
      // The account root, as AWS's first credentials are: arn …:root, its user id the account id.
      User adminUser = new User(admin.userName(), "/", "arn:aws:iam::" + accountId + ":root", accountId, Map.of(),
          List.of(ADMINISTRATOR_ACCESS), null, null, null, Map.of());
      users.put(adminUser.name(), adminUser);
      keys.put(admin.accessKeyId(), new LongTermKey(admin.accessKeyId(), admin.secretAccessKey(), adminUser));
    }
    for (UserConfig u : config.users()) {
      User user = user(u.name(), u.path(), u.inlinePolicies(), u.managedPolicies(), u.permissionsBoundary(),
          u.mfaSecret(), u.tags(), null);
      users.put(user.name(), user);
      for (UserConfig.AccessKey k : u.accessKeys()) {
        keys.put(k.id(), new LongTermKey(k.id(), k.secret(), user));
      }
    }
    for (RoleConfig r : config.roles()) {
      roles.put(r.name(), role(r.name(), r.path(), null, r.trustPolicyText(), r.inlinePolicies(),
          r.managedPolicies(), r.permissionsBoundary(), r.maxSessionDuration(), r.tags()));
    }
    return new Configured(Map.copyOf(keys), java.util.Collections.unmodifiableMap(users),
        java.util.Collections.unmodifiableMap(roles));
  }

  private View build(Configured c) throws StateException {
    Map<String, User> users = new LinkedHashMap<>(c.users());
    Map<String, Role> roles = new LinkedHashMap<>(c.roles());
    Map<String, LongTermKey> keys = new HashMap<>(c.keys());
    Map<String, StoredUser> storedUsers = new LinkedHashMap<>();
    Map<String, StoredRole> storedRoles = new LinkedHashMap<>();
    Map<String, StoredKey> storedKeys = new LinkedHashMap<>();
    Map<String, StoredGroup> groups = new LinkedHashMap<>();
    Map<String, StoredPolicy> customer = new LinkedHashMap<>();
    Map<String, Policy> parsed = new HashMap<>();
    Map<String, StoredMfaDevice> devices = new LinkedHashMap<>();
    if (state != null) {
      for (StateStore.Entry e : state.list(StoredIdentities.POLICIES)) {
        StoredPolicy p = StoredIdentities.read(e.value(), StoredPolicy.class, e.key());
        String arn = customerPolicyArn(p.path(), p.name());
        customer.put(arn, p);
        try {
          parsed.put(arn, PolicyParser.parse(p.versions().get(p.defaultVersion()), PolicyType.IDENTITY, arn, policyDialect()));
        } catch (MalformedPolicyException bad) {
          throw new IllegalArgumentException("stored policy " + arn + " does not parse: " + bad.getMessage(), bad);
        }
      }
      for (StateStore.Entry e : state.list(StoredIdentities.USERS)) {
        StoredUser u = StoredIdentities.read(e.value(), StoredUser.class, e.key());
        storedUsers.put(u.name(), u);
        User configured = users.get(u.name());
        if (configured != null) {
          // What the API added to a configured user: policies and tags on top of the configuration's.
          Map<String, String> inline = new LinkedHashMap<>(u.inlinePolicies());
          inline.putAll(configured.inlinePolicies());
          List<String> attached = new ArrayList<>(configured.managedPolicyArns());
          u.attachedPolicies().stream().filter(a -> !attached.contains(a)).forEach(attached::add);
          Map<String, String> tags = new LinkedHashMap<>(u.tags());
          tags.putAll(configured.tags());
          users.put(u.name(), new User(configured.name(), configured.path(), configured.arn(), configured.userId(),
              Map.copyOf(inline), List.copyOf(attached), configured.permissionsBoundaryArn(), configured.mfaSecret(),
              configured.mfaSerial(), Map.copyOf(tags)));
          continue;
        }
        users.put(u.name(), user(u.name(), u.path(), u.inlinePolicies(), u.attachedPolicies(), u.permissionsBoundary(),
            null, u.tags(), u.userId()));
      }
      for (StateStore.Entry e : state.list(StoredIdentities.MFA_DEVICES)) {
        StoredMfaDevice d = StoredIdentities.read(e.value(), StoredMfaDevice.class, e.key());
        devices.put(d.name(), d);
        User u = d.assigned() ? users.get(d.userName()) : null;
        if (u != null && u.mfaSecret() == null) {
          // An enabled device is the user's MFA for STS, as a configured mfaSecret is.
          users.put(u.name(), new User(u.name(), u.path(), u.arn(), u.userId(), u.inlinePolicies(),
              u.managedPolicyArns(), u.permissionsBoundaryArn(), d.seed(), mfaSerial(d.path(), d.name()), u.tags()));
        }
      }
      for (StateStore.Entry e : state.list(StoredIdentities.ROLES)) {
        StoredRole r = StoredIdentities.read(e.value(), StoredRole.class, e.key());
        if (roles.containsKey(r.name())) {
          LOG.warn("role {} is configured and stored; the configured one is in force", r.name());
          continue;
        }
        storedRoles.put(r.name(), r);
        roles.put(r.name(), role(r.name(), r.path(), r.roleId(), r.trustPolicy(), r.inlinePolicies(),
            r.attachedPolicies(), r.permissionsBoundary(), r.maxSessionDuration(), r.tags()));
      }
      for (StateStore.Entry e : state.list(StoredIdentities.GROUPS)) {
        StoredGroup g = StoredIdentities.read(e.value(), StoredGroup.class, e.key());
        groups.put(g.name(), g);
      }
      for (StateStore.Entry e : state.list(StoredIdentities.ACCESS_KEYS)) {
        StoredKey k = StoredIdentities.read(e.value(), StoredKey.class, e.key());
        storedKeys.put(k.accessKeyId(), k);
        User owner = users.get(k.userName());
        if (owner != null && k.active() && !keys.containsKey(k.accessKeyId())) {
          keys.put(k.accessKeyId(), new LongTermKey(k.accessKeyId(), k.secretAccessKey(), owner));
        }
      }
    }
    // Keys name their owner: bind every key to the user as finally built (overlays included).
    keys.replaceAll((id, k) -> new LongTermKey(k.accessKeyId(), k.secretAccessKey(), users.get(k.owner().name())));
    return new View(Map.copyOf(keys), Collections.unmodifiableMap(users), Collections.unmodifiableMap(roles),
        Collections.unmodifiableMap(storedUsers), Collections.unmodifiableMap(storedRoles),
        Collections.unmodifiableMap(storedKeys), Collections.unmodifiableMap(groups),
        Collections.unmodifiableMap(customer), Map.copyOf(parsed), Collections.unmodifiableMap(devices),
        new PolicyStore(withGroupPolicies(users.values(), groups.values()), roles.values(),
            arn -> ManagedPolicies.lookup(arn).or(() -> Optional.ofNullable(parsed.get(arn))), policyDialect()));
  }

  /** {@code arn:aws:iam::ACCT:policy/PATH/NAME} of a customer-managed policy. */
  public String customerPolicyArn(String path, String name) {
    return "arn:aws:iam::" + accountId + ":policy" + path + name;
  }

  /** {@code arn:aws:iam::ACCT:mfa/PATH/NAME}: an MFA device's serial number. */
  public String mfaSerial(String path, String name) {
    return "arn:aws:iam::" + accountId + ":mfa" + path + name;
  }

  /** The virtual MFA devices created through the API, by name. */
  public Map<String, StoredMfaDevice> mfaDevices() {
    return view.mfaDevices();
  }

  /** When each long-term key was last used (kept in memory, stored in the background). */
  public KeyUsage keyUsage() {
    return keyUsage;
  }

  /** The managed policy an ARN names: AWS's, or one of the account's own. */
  public Optional<Policy> managedPolicy(String arn) {
    return ManagedPolicies.lookup(arn).or(() -> Optional.ofNullable(view.customerParsed().get(arn)));
  }

  /** The account's own managed policies, by ARN. */
  public Map<String, StoredPolicy> customerPolicies() {
    return view.customerPolicies();
  }

  /**
   * The users as the policy evaluator sees them: with the inline and attached policies of every
   * group they are in (named {@code group/POLICY}, so they never collide with the user's own).
   */
  private static List<User> withGroupPolicies(Collection<User> users, Collection<StoredGroup> groups) {
    if (groups.isEmpty()) {
      return List.copyOf(users);
    }
    List<User> out = new ArrayList<>(users.size());
    for (User u : users) {
      Map<String, String> inline = new LinkedHashMap<>(u.inlinePolicies());
      List<String> managed = new ArrayList<>(u.managedPolicyArns());
      for (StoredGroup g : groups) {
        if (g.members().contains(u.name())) {
          g.inlinePolicies().forEach((name, doc) -> inline.put(g.name() + "/" + name, doc));
          g.attachedPolicies().stream().filter(a -> !managed.contains(a)).forEach(managed::add);
        }
      }
      out.add(new User(u.name(), u.path(), u.arn(), u.userId(), inline, managed, u.permissionsBoundaryArn(),
          u.mfaSecret(), u.mfaSerial(), u.tags()));
    }
    return out;
  }

  /** The groups created through the API. */
  public Collection<StoredGroup> groups() {
    return view.groups().values();
  }

  /** The group of that name, regardless of case (an exact spelling first). */
  public Optional<StoredGroup> findGroup(String name) {
    return anyCase(view.groups(), name);
  }

  private User user(String name, String path, Map<String, String> inline, List<String> managed, String boundary,
      String mfaSecret, Map<String, String> tags, String userId) {
    // A configured mfaSecret is the device arn:aws:iam::ACCT:mfa/PATH/NAME (the user's ARN's twin).
    return new User(name, path, "arn:aws:iam::" + accountId + ":user" + path + name,
        userId != null ? userId : UniqueIds.of("AIDA", accountId, name), Map.copyOf(inline), List.copyOf(managed),
        boundary, mfaSecret, mfaSecret == null ? null : mfaSerial(path, name), Map.copyOf(tags));
  }

  private Role role(String name, String path, String roleId, String trust, Map<String, String> inline,
      List<String> managed, String boundary, int maxSession, Map<String, String> tags) {
    return new Role(name, path, "arn:aws:iam::" + accountId + ":role" + path + name,
        roleId != null ? roleId : UniqueIds.of("AROA", accountId, name), trust, Map.copyOf(inline),
        List.copyOf(managed), boundary, maxSession, Map.copyOf(tags));
  }

  public String accountId() {
    return accountId;
  }

  /** The grammar of this account's policies: RGW's when the account has no id. */
  public PolicyDialect policyDialect() {
    return PolicyDialect.of(accountId);
  }

  /** Where API-created identities are kept; null when the proxy has none (configured identities only). */
  public StateStore state() {
    return state;
  }

  /** The parsed policies of the current view. */
  public PolicyStore policies() {
    return view.policies();
  }

  public Collection<User> users() {
    return view.users().values();
  }

  public Collection<Role> roles() {
    return view.roles().values();
  }

  public Optional<LongTermKey> findAccessKey(String accessKeyId) {
    return Optional.ofNullable(view.keys().get(accessKeyId));
  }

  /** The user of that name, regardless of case as IAM names are (an exact spelling first). */
  public Optional<User> findUser(String name) {
    return anyCase(view.users(), name);
  }

  /** The role of that name, regardless of case (an exact spelling first). */
  public Optional<Role> findRole(String name) {
    return anyCase(view.roles(), name);
  }

  private static <T> Optional<T> anyCase(Map<String, T> byName, String name) {
    T exact = byName.get(name);
    if (exact != null || name == null) {
      return Optional.ofNullable(exact);
    }
    // Only a miss scans: the request path finds its entities by their exact names.
    for (Map.Entry<String, T> e : byName.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.empty();
  }

  /** Whether the user comes from the configuration (the IAM API may not change it). */
  public boolean isConfiguredUser(String name) {
    return configured.users().containsKey(name);
  }

  /** Whether the configuration gives the user this inline policy. */
  public boolean configuredPolicyOf(String userName, String policyName) {
    User u = configured.users().get(userName);
    return u != null && u.inlinePolicies().containsKey(policyName);
  }

  public boolean isConfiguredRole(String name) {
    return configured.roles().containsKey(name);
  }

  public Optional<StoredUser> storedUser(String name) {
    return Optional.ofNullable(view.storedUsers().get(name));
  }

  public Optional<StoredRole> storedRole(String name) {
    return Optional.ofNullable(view.storedRoles().get(name));
  }

  /** Stored access keys (active or not), of every user. */
  public Collection<StoredKey> storedKeys() {
    return view.storedKeys().values();
  }

  /** The configured long-term keys of a user (always active). */
  public List<LongTermKey> configuredKeysOf(String userName) {
    return configured.keys().values().stream().filter(k -> k.owner().name().equals(userName)).toList();
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
