package dev.tokengate.proxy.harness;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A tiny OIDC issuer on 127.0.0.1 (any port) for AssumeRoleWithWebIdentity tests: discovery at
 * {@code <issuer>/.well-known/openid-configuration}, the JWKS at {@code <issuer>/jwks}, and ID
 * tokens signed with an RSA (RS256) or EC P-256 (ES256) key generated here. Keys can be rotated,
 * a key can sign without being published, and the server can be stopped (issuer down).
 */
public final class OidcIssuer implements AutoCloseable {
  private static final String PATH = "/realms/demo";

  private final HttpServer server;
  private final Clock clock;
  private final List<JWK> published = new ArrayList<>();
  private final AtomicInteger jwksFetches = new AtomicInteger();
  private volatile RSAKey rsa;
  private volatile ECKey ec;
  private volatile boolean stalled;
  private final java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-oidc-issuer");
    t.setDaemon(true);
    return t;
  });

  private OidcIssuer(Clock clock) throws IOException, JOSEException {
    this.clock = clock;
    this.rsa = newRsa("rsa-1");
    this.ec = newEc("ec-1");
    published.add(rsa.toPublicJWK());
    published.add(ec.toPublicJWK());
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(PATH + "/.well-known/openid-configuration", ex -> {
      if (stall(ex)) {
        return;
      }
      send(ex, 200, "{\"issuer\":\"" + url() + "\",\"jwks_uri\":\"" + url() + "/jwks\","
          + "\"id_token_signing_alg_values_supported\":[\"RS256\",\"ES256\"]}");
    });
    server.createContext(PATH + "/jwks", ex -> {
      jwksFetches.incrementAndGet();
      String body;
      synchronized (published) {
        body = new JWKSet(List.copyOf(published)).toString(true);
      }
      send(ex, 200, body);
    });
    server.setExecutor(executor);
    server.start();
  }

  public static OidcIssuer start(Clock clock) throws IOException, JOSEException {
    return new OidcIssuer(clock);
  }

  private static RSAKey newRsa(String kid) throws JOSEException {
    return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
  }

  private static ECKey newEc(String kid) throws JOSEException {
    return new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
  }

  /** {@code http://127.0.0.1:PORT/realms/demo}: the {@code iss} of its tokens, the IAM provider URL. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
  }

  /** The provider's name in ARNs and condition keys: the URL without the scheme. */
  public String hostAndPath() {
    return url().substring("http://".length());
  }

  /** The kid of the RSA key that signs {@link #rs256} tokens now. */
  public String rsaKid() {
    return rsa.getKeyID();
  }

  /** How many times the JWKS was served. */
  public int jwksFetches() {
    return jwksFetches.get();
  }

  /** Replaces the RSA key (a new kid) in the JWKS: tokens of the old key no longer verify. */
  public void rotateRsa(String kid) throws JOSEException {
    RSAKey next = newRsa(kid);
    synchronized (published) {
      published.removeIf(k -> k.getKeyID().equals(rsa.getKeyID()));
      published.add(next.toPublicJWK());
    }
    rsa = next;
  }

  /** Discovery answers nothing for this long per request (a hung issuer). */
  public void stall() {
    stalled = true;
  }

  /** Claims of a valid token: this issuer, {@code sub}, {@code aud}, issued now for an hour. */
  public JWTClaimsSet.Builder claims(String sub, String aud) {
    Instant now = clock.instant();
    return new JWTClaimsSet.Builder().issuer(url()).subject(sub).audience(aud)
        .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofHours(1))));
  }

  public String rs256(JWTClaimsSet claims) throws JOSEException {
    return sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, rsa.getKeyID(), claims);
  }

  public String es256(JWTClaimsSet claims) throws JOSEException {
    return sign(new ECDSASigner(ec), JWSAlgorithm.ES256, ec.getKeyID(), claims);
  }

  /** Signed RS256 with a key the JWKS does not hold, under {@code kid}. */
  public String rs256WithUnpublishedKey(String kid, JWTClaimsSet claims) throws JOSEException {
    return sign(new RSASSASigner(newRsa(kid)), JWSAlgorithm.RS256, kid, claims);
  }

  /** {@code alg: none}: header, claims, empty signature. */
  public static String unsigned(JWTClaimsSet claims) {
    String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)).toString();
    String body = Base64URL.encode(claims.toString().getBytes(StandardCharsets.UTF_8)).toString();
    return header + "." + body + ".";
  }

  private static String sign(JWSSigner signer, JWSAlgorithm alg, String kid, JWTClaimsSet claims) throws JOSEException {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  /** A token built by {@code edit} from a valid one's claims, signed RS256 by the published key. */
  public String rs256(String sub, String aud, Consumer<JWTClaimsSet.Builder> edit) throws JOSEException {
    JWTClaimsSet.Builder b = claims(sub, aud);
    edit.accept(b);
    return rs256(b.build());
  }

  private boolean stall(HttpExchange ex) throws IOException {
    if (!stalled) {
      return false;
    }
    try {
      Thread.sleep(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ex.close();
    return true;
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Stops serving: the issuer is down (connections are refused). */
  @Override
  public void close() {
    executor.shutdownNow(); // wakes a stalled handler
    server.stop(0);
  }
}
