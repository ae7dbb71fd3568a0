package dev.tokengate.benchmarks.token;

import dev.tokengate.policy.PrincipalType;
import dev.tokengate.proxy.identity.Session;
import dev.tokengate.proxy.sts.InvalidSessionTokenException;
import dev.tokengate.proxy.token.Keyring;
import dev.tokengate.proxy.token.SessionTokenSealer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Sealing and opening a realistic AssumeRole session token (role session, ~300-character session
 * policy, a managed policy ARN, three tags, one transitive tag key: a ~580-character token) with
 * {@link SessionTokenSealer} under a {@link Keyring#generate generated} keyring, against a baseline
 * of one raw JDK {@code Cipher} AES-256-GCM encryption of exactly as many plaintext bytes as the
 * token seals (fresh {@code Cipher.getInstance} and random nonce, as the sealer does). Ratio =
 * {@code seal ÷ baselineRawAesGcm}: what the codec, framing, associated data and base64 add to the
 * cipher. {@code open} is also shown against {@code baselineRawAesGcmDecrypt}, the raw decryption
 * of a ciphertext of the same size, which is the like-for-like floor for opening.
 *
 * <p>Run (from the repository root; short settings for a shared machine):
 *
 * <pre>{@code
 * mvn -B -ntp -q install -DskipTests && mvn -B -ntp -q -f benchmarks/pom.xml package
 * java -jar benchmarks/target/benchmarks.jar SessionTokenBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SessionTokenBenchmark {
  private SessionTokenSealer sealer;
  private Session session;
  private Session sessionWithoutPolicy;
  private String token;
  private byte[] plaintext;
  private SecretKeySpec key;
  private SecureRandom random;
  private byte[] sealedNonce;
  private byte[] sealedBaseline;

  @Setup
  public void setUp() throws GeneralSecurityException, InvalidSessionTokenException {
    random = new SecureRandom();
    sealer = new SessionTokenSealer(Keyring.generate(random), random);
    StringBuilder policy = new StringBuilder("{\"Version\":\"2012-10-17\",\"Statement\":[");
    for (int i = 0; policy.length() < 280; i++) {
      policy.append(i == 0 ? "" : ",")
          .append("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b").append(i).append("/*\"}");
    }
    policy.append("]}");
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("team", "storage");
    tags.put("project", "tokengate");
    tags.put("cost-center", "1234");
    session = new Session("ASIAABCDEFGHIJKLMNOP", "abcdefghijklmnopqrstuvwxyz0123456789ABCD", "AssumeRole",
        PrincipalType.ASSUMED_ROLE, "123456789012", "sts-s3-read-only", "mytestsession", Instant.ofEpochSecond(1_800_000_000L),
        Instant.ofEpochSecond(1_800_003_600L), policy.toString(), List.of("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"),
        tags, List.of("team"), null, null, false);
    token = sealer.seal(session);
    sessionWithoutPolicy = new Session(session.accessKeyId(), session.secretAccessKey(), session.action(),
        session.principalType(), session.accountId(), session.sourceName(), session.sessionName(), session.issuedAt(),
        session.expiresAt(), null, session.policyArns(), session.tags(), session.transitiveTagKeys(), null, null, false);
    if (!sealer.open(token, session.accessKeyId()).equals(session)) {
      throw new IllegalStateException("the token does not open to the session sealed");
    }
    // The baseline encrypts as many bytes as the token seals: the decoded token minus its
    // version byte, key id, 12-byte nonce and 16-byte tag (KeyringAead's layout).
    plaintext = new byte[Base64.getUrlDecoder().decode(token).length - (1 + 4 + 12 + 16)];
    random.nextBytes(plaintext);
    byte[] k = new byte[32];
    random.nextBytes(k);
    key = new SecretKeySpec(k, "AES");
    sealedNonce = new byte[12];
    random.nextBytes(sealedNonce);
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, sealedNonce));
    sealedBaseline = gcm.doFinal(plaintext);
  }

  @Benchmark
  public String seal() {
    return sealer.seal(session);
  }

  /**
   * Diagnostic, not a headline figure: the same session without its session policy, which the
   * codec deflates on every seal. {@code seal − sealNoSessionPolicy} bounds the policy's share.
   */
  @Benchmark
  public String sealNoSessionPolicy() {
    return sealer.seal(sessionWithoutPolicy);
  }

  @Benchmark
  public Session open() throws InvalidSessionTokenException {
    return sealer.open(token, session.accessKeyId());
  }

  @Benchmark
  public byte[] baselineRawAesGcm() throws GeneralSecurityException {
    byte[] nonce = new byte[12];
    random.nextBytes(nonce);
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
    return gcm.doFinal(plaintext);
  }

  @Benchmark
  public byte[] baselineRawAesGcmDecrypt() throws GeneralSecurityException {
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealedNonce));
    return gcm.doFinal(sealedBaseline);
  }
}
