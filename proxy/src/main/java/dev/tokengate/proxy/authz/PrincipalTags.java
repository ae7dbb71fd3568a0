package dev.tokengate.proxy.authz;

import dev.tokengate.policy.PrincipalType;
import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.proxy.identity.Session;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tags a caller carries as {@code aws:PrincipalTag/*}, following "Passing session tags in AWS
 * STS" (IAM User Guide, id_session-tags): an IAM user's own tags; for a role session the role's
 * tags; for a GetFederationToken session the user's tags; in both cases overridden by the session
 * tags (incoming transitive tags included) with the same key, "regardless of case".
 */
public final class PrincipalTags {
  private PrincipalTags() {}

  public static Map<String, String> of(Caller caller) {
    Map<String, String> tags = new LinkedHashMap<>();
    if (caller.role() != null) {
      tags.putAll(caller.role().tags());
    } else if (caller.user() != null) {
      tags.putAll(caller.user().tags());
    }
    Session s = caller.session();
    if (s != null && s.principalType() != PrincipalType.USER) {
      // GetSessionToken sessions carry no session tags of their own: they are the user.
      s.tags().forEach((key, value) -> {
        tags.keySet().removeIf(existing -> existing.equalsIgnoreCase(key));
        tags.put(key, value);
      });
    }
    return tags;
  }
}
