package dev.tokengate.sigv4;

/** A request's authentication information, parsed but not yet verified. */
public sealed interface ParsedAuthorization permits SigV4Authorization, SigV2Authorization {

  String accessKeyId();

  AuthStyle style();

  /** The session token the request carries (header or query), or null. */
  String securityToken();
}
