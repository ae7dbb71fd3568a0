package dev.tokengate.benchmarks.sigv4;

import dev.tokengate.sigv4.AuthenticationException;
import dev.tokengate.sigv4.AuthorizationParser;
import dev.tokengate.sigv4.CanonicalRequest;
import dev.tokengate.sigv4.CredentialScope;
import dev.tokengate.sigv4.RequestSigner;
import dev.tokengate.sigv4.SigV4Authorization;
import dev.tokengate.sigv4.SignatureVerifier;
import dev.tokengate.sigv4.SignedRequest;
import dev.tokengate.sigv4.SigningKeyCache;
import dev.tokengate.sigv4.VerifiedRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Full SigV4 verification of a realistic {@code aws s3 ls s3://photos/2026/} request made with
 * temporary credentials: {@link AuthorizationParser#parse} then {@link SignatureVerifier#verify} on
 * a {@link SignedRequest} of 9 headers as the AWS CLI sends them (Host, Accept-Encoding,
 * User-Agent, X-Amz-Date, X-Amz-Content-SHA256, a 600-character X-Amz-Security-Token,
 * amz-sdk-invocation-id, amz-sdk-request, Authorization; 7 of them signed) and a ListObjectsV2
 * query of four parameters.
 *
 * <ul>
 *   <li>{@code verifyCachedKey}: the normal path, the signing key cached per (secret, date,
 *       region, service) in one long-lived {@link SigningKeyCache};
 *   <li>{@code verifyUncachedKey}: a fresh {@code SigningKeyCache} (and verifier) per request, so
 *       the four-HMAC key derivation runs every time. {@code uncached ÷ cached} is the cache's worth;
 *   <li>{@code baselineSha256}: one bare JDK SHA-256 (including {@code MessageDigest.getInstance},
 *       as the verifier does) of a string as long as this request's canonical request. Both
 *       verifications are reported as a multiple of it.
 *   <li>{@code diagnostic*}: the parse alone and the canonical request (built and hashed) alone,
 *       to show where a verification's time goes. Not headline figures.
 * </ul>
 *
 * <p>Run (from the repository root; short settings for a shared machine):
 *
 * <pre>{@code
 * mvn -B -ntp -q install -DskipTests && mvn -B -ntp -q -f benchmarks/pom.xml package
 * java -jar benchmarks/target/benchmarks.jar SignatureVerifierBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SignatureVerifierBenchmark {
  private static final String ACCESS_KEY = "ASIAQWERTYUIOPASDFGH";
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  private static final String AMZ_DATE = "20261123T021530Z";
  private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private Clock clock;
  private SignedRequest request;
  private SignatureVerifier cachedVerifier;
  private byte[] canonicalSized;
  private List<String> signedHeaders;

  @Setup
  public void setUp() throws AuthenticationException {
    clock = Clock.fixed(Instant.parse("2026-11-23T02:15:34Z"), ZoneOffset.UTC);
    // A sealed session token is ~600 base64url characters for an AssumeRole session (README).
    StringBuilder token = new StringBuilder(600);
    for (int i = 0; token.length() < 600; i++) {
      token.append((char) ('A' + i % 26)).append((char) ('a' + (i * 7) % 26)).append(i % 10).append(i % 3 == 0 ? '-' : '_');
    }
    List<SignedRequest.Header> headers = new ArrayList<>();
    headers.add(new SignedRequest.Header("Host", "127.0.0.1:9000"));
    headers.add(new SignedRequest.Header("Accept-Encoding", "identity"));
    headers.add(new SignedRequest.Header("User-Agent",
        "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.1.0-27-amd64 md/arch#x86_64 lang/python#3.11.8"
            + " md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#debian.12 md/prompt#off"
            + " md/command#s3.ls"));
    headers.add(new SignedRequest.Header("X-Amz-Date", AMZ_DATE));
    headers.add(new SignedRequest.Header("X-Amz-Content-SHA256",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    headers.add(new SignedRequest.Header("X-Amz-Security-Token", token.toString()));
    headers.add(new SignedRequest.Header("amz-sdk-invocation-id", "5f1b6e7c-3a4d-4e8f-9b2a-1c0d3e4f5a6b"));
    headers.add(new SignedRequest.Header("amz-sdk-request", "attempt=1"));
    String rawPath = "/photos";
    String rawQuery = "list-type=2&prefix=2026%2F&delimiter=%2F&encoding-type=url";
    SignedRequest unsigned = new SignedRequest("GET", rawPath, rawQuery, headers);
    // botocore signs every header but User-Agent (and Expect, Transfer-Encoding, X-Amzn-Trace-Id).
    signedHeaders = List.of("accept-encoding", "amz-sdk-invocation-id", "amz-sdk-request", "host",
        "x-amz-content-sha256", "x-amz-date", "x-amz-security-token");
    CredentialScope scope = new CredentialScope(AMZ_DATE.substring(0, 8), "us-east-1", "s3");
    String payloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    String signature = new RequestSigner(new SigningKeyCache(1))
        .signature(unsigned, signedHeaders, SECRET, scope, AMZ_DATE, payloadHash);
    headers.add(new SignedRequest.Header("Authorization", "AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/" + scope
        + ", SignedHeaders=" + String.join(";", signedHeaders) + ", Signature=" + signature));
    request = new SignedRequest("GET", rawPath, rawQuery, headers);
    if (request.headers().size() != 9) {
      throw new IllegalStateException("expected 9 headers");
    }
    cachedVerifier = new SignatureVerifier(clock, new SigningKeyCache(4096));
    // Fail at setup, not silently during measurement, if the request does not verify.
    verifyCachedKey();
    verifyUncachedKey();
    String canonical = CanonicalRequest.of(request, signedHeaders, payloadHash, false).text();
    canonicalSized = new byte[canonical.getBytes(StandardCharsets.UTF_8).length];
    for (int i = 0; i < canonicalSized.length; i++) {
      canonicalSized[i] = (byte) ('a' + i % 26);
    }
  }

  /** Parse + verify with the long-lived signing-key cache: what the proxy does per request. */
  @Benchmark
  public VerifiedRequest verifyCachedKey() throws AuthenticationException {
    SigV4Authorization auth = (SigV4Authorization) AuthorizationParser.parse(request);
    return cachedVerifier.verify(request, auth, SECRET);
  }

  /** Parse + verify with a fresh cache: the signing key is derived (four HMACs) every time. */
  @Benchmark
  public VerifiedRequest verifyUncachedKey() throws AuthenticationException {
    SigV4Authorization auth = (SigV4Authorization) AuthorizationParser.parse(request);
    return new SignatureVerifier(clock, new SigningKeyCache(1)).verify(request, auth, SECRET);
  }

  /** Diagnostic (where the time goes): parsing the Authorization header and x-amz-date only. */
  @Benchmark
  public Object diagnosticParseOnly() throws AuthenticationException {
    return AuthorizationParser.parse(request);
  }

  /** Diagnostic: building the canonical request and hashing it, no parsing, no HMAC. */
  @Benchmark
  public String diagnosticCanonicalRequestOnly() {
    return CanonicalRequest.of(request, signedHeaders, EMPTY_SHA256, false).sha256Hex();
  }

  /** The floor: one SHA-256 of as many bytes as the canonical request has. */
  @Benchmark
  public byte[] baselineSha256() throws NoSuchAlgorithmException {
    return MessageDigest.getInstance("SHA-256").digest(canonicalSized);
  }
}
