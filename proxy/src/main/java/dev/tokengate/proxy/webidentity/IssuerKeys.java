package dev.tokengate.proxy.webidentity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing keys of OIDC issuers: {@code <issuer>/.well-known/openid-configuration}, then its
 * {@code jwks_uri}, cached per issuer for {@link #TTL}. A token whose {@code kid} the cached set
 * lacks triggers one refetch, at most every {@link #MIN_REFETCH} per issuer (a flood of made-up
 * kids must not turn into a flood of fetches); concurrent fetches of one issuer share one request.
 *
 * <p>Nothing here blocks: fetches go through the JDK client's asynchronous API on a small executor
 * of their own, never on a Netty event loop, and a cached answer completes at once. Each request
 * is bounded (connect 2 s, response 3 s, whole discovery + JWKS 5 s) and so is each document's
 * size, so an issuer that is down or slow costs the caller at most that long. HTTPS uses the JDK's
 * default trust; plain http is refused unless {@code allowInsecureHttp} (tests, s3-tests'
 * Keycloak on localhost:8080). The thumbprints of IAM's provider entity are not checked: AWS no
 * longer uses them for issuers with a certificate from a trusted CA, and the JDK trust checks it.
 */
public final class IssuerKeys implements AutoCloseable {
  static final Duration TTL = Duration.ofMinutes(10);
  static final Duration MIN_REFETCH = Duration.ofSeconds(30);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(3);
  private static final long TOTAL_TIMEOUT_MILLIS = 5_000;
  private static final int MAX_DOCUMENT_BYTES = 256 * 1024;
  private static final String DISCOVERY = "/.well-known/openid-configuration";
  private static final Logger LOG = LoggerFactory.getLogger(IssuerKeys.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Fetched(JWKSet keys, Instant at) {}

  private final Clock clock;
  private final boolean allowInsecureHttp;
  private final ExecutorService executor;
  private final HttpClient http;
  private final ConcurrentHashMap<String, Fetched> cache = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CompletableFuture<Fetched>> inFlight = new ConcurrentHashMap<>();

  public IssuerKeys(Clock clock, boolean allowInsecureHttp) {
    this.clock = clock;
    this.allowInsecureHttp = allowInsecureHttp;
    this.executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "oidc-fetch");
      t.setDaemon(true);
      return t;
    });
    this.http = HttpClient.newBuilder()
        .connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(executor)
        .build();
  }

  /** Whether {@code url} may be fetched: https, or http when the insecure option is on. */
  public boolean fetchable(String url) {
    return url.startsWith("https://") || (allowInsecureHttp && url.startsWith("http://"));
  }

  /**
   * The issuer's keys with {@code kid} (every key when {@code kid} is null); empty when it has
   * none. Fails with {@link TokenRejected} ({@code ISSUER_UNREACHABLE}) when it cannot be fetched.
   */
  CompletableFuture<List<JWK>> keys(String issuerUrl, String kid) {
    Instant now = clock.instant();
    Fetched cached = cache.get(issuerUrl);
    if (cached != null && now.isBefore(cached.at().plus(TTL))) {
      List<JWK> found = select(cached.keys(), kid);
      if (!found.isEmpty() || now.isBefore(cached.at().plus(MIN_REFETCH))) {
        return CompletableFuture.completedFuture(found);
      }
    }
    return fetch(issuerUrl).thenApply(f -> select(f.keys(), kid));
  }

  private static List<JWK> select(JWKSet set, String kid) {
    if (kid == null) {
      return set.getKeys();
    }
    List<JWK> out = new ArrayList<>();
    for (JWK k : set.getKeys()) {
      if (kid.equals(k.getKeyID())) {
        out.add(k);
      }
    }
    return out;
  }

  private CompletableFuture<Fetched> fetch(String issuerUrl) {
    CompletableFuture<Fetched> mine = new CompletableFuture<>();
    CompletableFuture<Fetched> running = inFlight.putIfAbsent(issuerUrl, mine);
    if (running != null) {
      return running;
    }
    CompletableFuture<Fetched> started;
    try {
      started = get(issuerUrl + DISCOVERY)
          .thenCompose(discovery -> get(jwksUri(issuerUrl, discovery)))
          .thenApply(jwks -> new Fetched(parseKeys(issuerUrl, jwks), clock.instant()))
          .orTimeout(TOTAL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (CompletionException e) {
      started = CompletableFuture.failedFuture(e.getCause());
    }
    started.whenComplete((fetched, error) -> {
      inFlight.remove(issuerUrl, mine);
      if (error == null) {
        cache.put(issuerUrl, fetched);
        mine.complete(fetched);
      } else {
        Throwable cause = unwrap(error);
        LOG.warn("OIDC issuer {}: keys not fetched: {}", issuerUrl, describe(cause));
        mine.completeExceptionally(cause instanceof TokenRejected ? cause
            : unreachable(issuerUrl, describe(cause)));
      }
    });
    return mine;
  }

  private CompletableFuture<byte[]> get(String url) {
    if (!fetchable(url)) {
      throw new CompletionException(unreachable(url, "only https URLs are fetched"));
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new CompletionException(unreachable(url, "not a URL"));
    }
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(RESPONSE_TIMEOUT).header("Accept", "application/json")
        .GET().build();
    return http.sendAsync(request, info -> info.statusCode() == 200 ? new Limited(MAX_DOCUMENT_BYTES)
            : HttpResponse.BodySubscribers.replacing(null))
        .thenApply(response -> {
          if (response.statusCode() != 200) {
            throw new CompletionException(unreachable(url, "HTTP " + response.statusCode()));
          }
          return response.body();
        });
  }

  private String jwksUri(String issuerUrl, byte[] discovery) {
    try {
      JsonNode doc = JSON.readTree(discovery);
      JsonNode uri = doc == null ? null : doc.get("jwks_uri");
      if (uri == null || !uri.isTextual()) {
        throw new CompletionException(unreachable(issuerUrl, "the discovery document has no jwks_uri"));
      }
      return uri.asText();
    } catch (IOException e) {
      throw new CompletionException(unreachable(issuerUrl, "the discovery document is no JSON"));
    }
  }

  private static JWKSet parseKeys(String issuerUrl, byte[] jwks) {
    try {
      // Public parts only: an issuer publishing a private key must not make us hold it.
      return JWKSet.parse(new String(jwks, StandardCharsets.UTF_8)).toPublicJWKSet();
    } catch (java.text.ParseException e) {
      throw new CompletionException(unreachable(issuerUrl, "the JWKS does not parse"));
    }
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String describe(Throwable t) {
    if (t instanceof TimeoutException || t instanceof java.net.http.HttpTimeoutException) {
      return "timed out";
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  private static TokenRejected unreachable(String url, String why) {
    return new TokenRejected(TokenRejected.Reason.ISSUER_UNREACHABLE,
        "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity"
            + " documentation for requirements (" + why + ")");
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  /** The body, unless it grows beyond {@code max} bytes: then the response is dropped. */
  private static final class Limited implements HttpResponse.BodySubscriber<byte[]> {
    private final HttpResponse.BodySubscriber<byte[]> all = HttpResponse.BodySubscribers.ofByteArray();
    private final long max;
    private Flow.Subscription subscription;
    private long seen;
    private boolean done;

    Limited(long max) {
      this.max = max;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return all.getBody();
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      all.onSubscribe(s);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (done) {
        return;
      }
      for (ByteBuffer b : items) {
        seen += b.remaining();
      }
      if (seen > max) {
        done = true;
        subscription.cancel();
        all.onError(new IOException("document larger than " + max + " bytes"));
        return;
      }
      all.onNext(items);
    }

    @Override
    public void onError(Throwable t) {
      if (!done) {
        done = true;
        all.onError(t);
      }
    }

    @Override
    public void onComplete() {
      if (!done) {
        done = true;
        all.onComplete();
      }
    }
  }
}
