package dev.tokengate.proxy.iam;

import dev.tokengate.proxy.identity.AccessKeys;
import dev.tokengate.proxy.identity.IdentityStore;
import dev.tokengate.proxy.identity.KeyUsage;
import dev.tokengate.proxy.identity.LongTermKey;
import dev.tokengate.proxy.identity.StoredIdentities;
import dev.tokengate.proxy.identity.StoredIdentities.StoredKey;
import dev.tokengate.proxy.identity.User;
import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Long-term access keys: created and kept in the store for any user (a configured one too);
 * the configuration's own keys are listed but only the configuration changes them. An inactive
 * key signs nothing.
 */
final class AccessKeyActions {
  /** IAM's quota of access keys per user. */
  static final int KEYS_PER_USER = 2;

  private final IdentityStore identities;
  private final IamState state;
  private final AccessKeys keys;

  AccessKeyActions(IdentityStore identities, IamState state, AccessKeys keys) {
    this.identities = identities;
    this.state = state;
    this.keys = keys;
  }

  /** The UserName parameter, or the calling user's own name (as IAM does without one). */
  private User subject(IamCall call) throws StsException {
    String name = call.get("UserName");
    if (name == null) {
      if (call.caller().user() == null || call.caller().role() != null) {
        throw new StsException(StsError.VALIDATION_ERROR, "Must specify userName when calling with non-User credentials");
      }
      name = call.caller().user().name();
    } else {
      name = call.name("UserName", 64);
    }
    String n = name;
    User u = identities.findUser(n).orElseThrow(() ->
        new StsException(StsError.NO_SUCH_ENTITY, "The user with name " + n + " cannot be found."));
    call.authorize(u.arn());
    return u;
  }

  Map<String, Object> createAccessKey(IamCall call) throws StsException {
    User u = subject(call);
    if (keysOf(u.name()).size() >= KEYS_PER_USER) {
      throw new StsException(StsError.LIMIT_EXCEEDED, "Cannot exceed quota for AccessKeysPerUser: " + KEYS_PER_USER);
    }
    StoredKey key = new StoredKey(keys.longTermAccessKeyId(), keys.secretAccessKey(), u.name(), "Active",
        IamDocuments.now());
    if (!state.create(StoredIdentities.ACCESS_KEYS + key.accessKeyId(), key)) {
      throw new StsException(StsError.SERVICE_UNAVAILABLE, "Access key id collision; retry.");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("UserName", u.name());
    m.put("AccessKeyId", key.accessKeyId());
    m.put("Status", key.status());
    m.put("SecretAccessKey", key.secretAccessKey());
    m.put("CreateDate", key.createDate());
    return Map.of("AccessKey", m);
  }

  Map<String, Object> listAccessKeys(IamCall call) throws StsException {
    User u = subject(call);
    List<Map<String, Object>> all = keysOf(u.name());
    all.sort(Comparator.comparing(m -> (String) m.get("AccessKeyId")));
    return IamPages.page(call, "AccessKeyMetadata", all, m -> (String) m.get("AccessKeyId"), m -> m);
  }

  Map<String, Object> updateAccessKey(IamCall call) throws StsException {
    User u = subject(call);
    String id = call.required("AccessKeyId");
    String status = call.required("Status");
    if (!status.equals("Active") && !status.equals("Inactive")) {
      throw new StsException(StsError.VALIDATION_ERROR, "1 validation error detected: Value '" + status
          + "' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]");
    }
    stored(u, id);
    state.update(StoredIdentities.ACCESS_KEYS + id, StoredKey.class, k ->
        new StoredKey(k.accessKeyId(), k.secretAccessKey(), k.userName(), status, k.createDate()));
    return Map.of();
  }

  Map<String, Object> deleteAccessKey(IamCall call) throws StsException {
    User u = subject(call);
    String id = call.required("AccessKeyId");
    stored(u, id);
    state.delete(StoredIdentities.ACCESS_KEYS + id);
    identities.keyUsage().forget(id);
    state.delete(KeyUsage.PREFIX + id);
    return Map.of();
  }

  /** A stored key of this user; a configured one is unmodifiable, any other is not found. */
  private StoredKey stored(User u, String id) throws StsException {
    if (identities.configuredKeysOf(u.name()).stream().anyMatch(k -> k.accessKeyId().equals(id))) {
      throw new StsException(StsError.UNMODIFIABLE_ENTITY, "The access key " + id
          + " is defined in tokengate's configuration; change it there.");
    }
    return identities.storedKeys().stream().filter(k -> k.accessKeyId().equals(id) && k.userName().equals(u.name()))
        .findFirst().orElseThrow(() -> new StsException(StsError.NO_SUCH_ENTITY,
            "The Access Key with id " + id + " cannot be found."));
  }

  private List<Map<String, Object>> keysOf(String userName) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (LongTermKey k : identities.configuredKeysOf(userName)) {
      out.add(metadata(userName, k.accessKeyId(), "Active", IamDocuments.STARTED));
    }
    for (StoredKey k : identities.storedKeys()) {
      if (k.userName().equals(userName)) {
        out.add(metadata(userName, k.accessKeyId(), k.status(), k.createDate()));
      }
    }
    return out;
  }

  private static Map<String, Object> metadata(String user, String id, String status, String created) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("UserName", user);
    m.put("AccessKeyId", id);
    m.put("Status", status);
    m.put("CreateDate", created);
    return m;
  }
}
