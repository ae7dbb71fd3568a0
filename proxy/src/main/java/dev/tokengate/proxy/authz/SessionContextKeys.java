package dev.tokengate.proxy.authz;

import dev.tokengate.policy.RequestContext;
import dev.tokengate.proxy.identity.Caller;

/** The condition keys a session token carries (issue time, MFA, tags, source identity). */
final class SessionContextKeys {
  private SessionContextKeys() {}

  static void add(RequestContext c, Caller caller) {
    if (caller.session() == null) {
      return;
    }
  }
}
