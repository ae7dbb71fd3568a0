package dev.tokengate.proxy.sts;

import dev.tokengate.proxy.identity.Session;

/** Seals a session into an opaque session token and opens it again on any replica. */
public interface SessionSealer {

  String seal(Session session);

  /**
   * @param accessKeyId the access key the token was presented with; a token minted for another
   *     key does not open
   * @throws InvalidSessionTokenException for every cause alike (malformed, altered, foreign key,
   *     unknown or retired sealing key)
   */
  Session open(String token, String accessKeyId) throws InvalidSessionTokenException;
}
