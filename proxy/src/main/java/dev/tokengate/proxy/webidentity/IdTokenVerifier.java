package dev.tokengate.proxy.webidentity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Verifies an OIDC ID token as AssumeRoleWithWebIdentity takes it: a JWS signed RS256 or ES256
 * (nothing else: {@code none} and the HMAC algorithms would let anyone who knows a client id mint
 * tokens) by a key of the issuer's JWKS; {@code exp}, {@code nbf} and {@code iat} within {@link
 * #SKEW} of the clock; an {@code aud} (else {@code azp}) among the provider's client ids.
 */
public final class IdTokenVerifier {
  static final Duration SKEW = Duration.ofMinutes(5);
  private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
  private static final String TAGS_CLAIM = "https://aws.amazon.com/tags";

  private final IssuerKeys keys;
  private final Clock clock;

  public IdTokenVerifier(IssuerKeys keys, Clock clock) {
    this.keys = keys;
    this.clock = clock;
  }

  /** A token parsed, not yet verified: its {@code iss} tells which provider to look up. */
  public static final class Parsed {
    private final SignedJWT jwt;
    private final JWTClaimsSet claims;

    private Parsed(SignedJWT jwt, JWTClaimsSet claims) {
      this.jwt = jwt;
      this.claims = claims;
    }

    public String issuer() {
      return claims.getIssuer();
    }
  }

  /** Parses a compact JWS and checks its algorithm; claims are read, not trusted. */
  public static Parsed parse(String token) throws TokenRejected {
    JWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = JWTParser.parse(token);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException | RuntimeException e) {
      throw malformed();
    }
    if (!(jwt instanceof SignedJWT signed)) { // a PlainJWT (alg none) or an encrypted one
      throw unsupported(jwt.getHeader().getAlgorithm().getName());
    }
    JWSAlgorithm alg = signed.getHeader().getAlgorithm();
    if (!ALGORITHMS.contains(alg)) {
      throw unsupported(alg.getName());
    }
    if (claims.getIssuer() == null || claims.getIssuer().isEmpty()) {
      throw new TokenRejected(TokenRejected.Reason.MALFORMED, "The token has no iss claim.");
    }
    return new Parsed(signed, claims);
  }

  /**
   * Verifies {@code token} against {@code issuer}'s keys; completes at once when they are cached,
   * else on the fetching executor. Fails with {@link TokenRejected}.
   */
  public CompletableFuture<VerifiedIdToken> verify(Parsed token, TrustedIssuer issuer) {
    if (!keys.fetchable(issuer.url())) {
      return CompletableFuture.failedFuture(new TokenRejected(TokenRejected.Reason.UNKNOWN_ISSUER,
          "The issuer " + issuer.url() + " is not https; plain http issuers are not allowed by the configuration."));
    }
    String kid = token.jwt.getHeader().getKeyID();
    return keys.keys(issuer.url(), kid).thenApply(candidates -> {
      try {
        checkSignature(token.jwt, kid, candidates);
        return checkClaims(token.claims, issuer);
      } catch (TokenRejected e) {
        throw new CompletionException(e);
      }
    });
  }

  private static void checkSignature(SignedJWT jwt, String kid, List<JWK> candidates) throws TokenRejected {
    JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
    boolean usable = false;
    for (JWK key : candidates) {
      if ((key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse()))
          || (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg.getName()))) {
        continue;
      }
      try {
        JWSVerifier verifier;
        if (alg.equals(JWSAlgorithm.RS256) && key instanceof RSAKey rsa) {
          verifier = new RSASSAVerifier(rsa.toRSAPublicKey());
        } else if (alg.equals(JWSAlgorithm.ES256) && key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
          verifier = new ECDSAVerifier(ec.toECPublicKey());
        } else {
          continue;
        }
        usable = true;
        if (jwt.verify(verifier)) {
          return;
        }
      } catch (JOSEException | RuntimeException e) {
        usable = true; // a key the library refuses (too short, off-curve) verifies nothing
      }
    }
    if (!usable) {
      throw new TokenRejected(TokenRejected.Reason.UNKNOWN_KEY, kid == null
          ? "The issuer has no key for the token's algorithm."
          : "No key with the token's kid (" + kid + ") is in the issuer's JWKS.");
    }
    throw new TokenRejected(TokenRejected.Reason.BAD_SIGNATURE, "The token's signature is invalid.");
  }

  private VerifiedIdToken checkClaims(JWTClaimsSet claims, TrustedIssuer issuer) throws TokenRejected {
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    Date iat = claims.getIssueTime();
    if (exp == null || iat == null) {
      throw new TokenRejected(TokenRejected.Reason.INVALID_CLAIMS, "The token must have exp and iat claims.");
    }
    if (now.isAfter(exp.toInstant().plus(SKEW))) {
      throw new TokenRejected(TokenRejected.Reason.EXPIRED, "Token expired: current date/time "
          + now.getEpochSecond() + " must be before the expiration date/time " + exp.toInstant().getEpochSecond());
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.plus(SKEW).isBefore(nbf.toInstant())) {
      throw new TokenRejected(TokenRejected.Reason.INVALID_CLAIMS, "Token is not valid before "
          + nbf.toInstant().getEpochSecond() + "; current date/time " + now.getEpochSecond());
    }
    if (now.plus(SKEW).isBefore(iat.toInstant())) {
      throw new TokenRejected(TokenRejected.Reason.INVALID_CLAIMS, "Token issued in the future: iat "
          + iat.toInstant().getEpochSecond() + ", current date/time " + now.getEpochSecond());
    }
    String sub = claims.getSubject();
    if (sub == null || sub.isEmpty()) {
      throw new TokenRejected(TokenRejected.Reason.INVALID_CLAIMS, "The token has no sub claim.");
    }
    List<String> aud = claims.getAudience();
    String azp;
    List<String> amr;
    try {
      azp = claims.getStringClaim("azp");
      amr = stringOrList(claims.getClaim("amr"));
    } catch (ParseException e) {
      throw new TokenRejected(TokenRejected.Reason.INVALID_CLAIMS, "The token's azp or amr claim is malformed.");
    }
    String audience = null;
    for (String a : aud) {
      if (issuer.clientIds().contains(a)) {
        audience = a;
        break;
      }
    }
    if (audience == null && azp != null && issuer.clientIds().contains(azp)) {
      audience = azp;
    }
    if (audience == null && issuer.anyAudience()) {
      audience = !aud.isEmpty() ? aud.get(0) : azp;
    }
    if (audience == null) {
      throw new TokenRejected(TokenRejected.Reason.WRONG_AUDIENCE, "Incorrect token audience");
    }
    Map<String, String> tags = new LinkedHashMap<>();
    List<String> transitive = new ArrayList<>();
    tags(claims.getClaim(TAGS_CLAIM), tags, transitive);
    return new VerifiedIdToken(claims.getIssuer(), sub, audience, List.copyOf(aud), azp, amr, exp.toInstant(), tags,
        transitive);
  }

  /**
   * The session-tags claim: {@code {"principal_tags": {"K": ["V"]}, "transitive_tag_keys": ["K"]}}
   * (AWS takes a tag's single value from its list).
   */
  private static void tags(Object claim, Map<String, String> tags, List<String> transitive) throws TokenRejected {
    if (claim == null) {
      return;
    }
    if (!(claim instanceof Map<?, ?> m)) {
      throw badTags();
    }
    Object principal = m.get("principal_tags");
    if (principal != null) {
      if (!(principal instanceof Map<?, ?> pt)) {
        throw badTags();
      }
      for (Map.Entry<?, ?> e : pt.entrySet()) {
        List<String> values = stringOrList(e.getValue());
        if (!(e.getKey() instanceof String key) || values.size() != 1) {
          throw badTags();
        }
        tags.put(key, values.get(0));
      }
    }
    transitive.addAll(stringOrList(m.get("transitive_tag_keys")));
  }

  private static List<String> stringOrList(Object value) throws TokenRejected {
    if (value == null) {
      return List.of();
    }
    if (value instanceof String s) {
      return List.of(s);
    }
    if (value instanceof List<?> list) {
      List<String> out = new ArrayList<>();
      for (Object o : list) {
        if (!(o instanceof String s)) {
          throw badTags();
        }
        out.add(s);
      }
      return out;
    }
    throw badTags();
  }

  private static TokenRejected badTags() {
    return new TokenRejected(TokenRejected.Reason.INVALID_CLAIMS, "The token's claims are malformed.");
  }

  private static TokenRejected malformed() {
    return new TokenRejected(TokenRejected.Reason.MALFORMED, "The web identity token that was passed could not be"
        + " validated. Get a new identity token from the identity provider and then retry the request.");
  }

  private static TokenRejected unsupported(String alg) {
    return new TokenRejected(TokenRejected.Reason.UNSUPPORTED_ALGORITHM,
        "The token's signing algorithm " + alg + " is not supported; use RS256 or ES256.");
  }
}
