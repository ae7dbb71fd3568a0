package dev.tokengate.proxy.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokengate.proxy.harness.Boto3Script;
import dev.tokengate.proxy.harness.Credentials;
import dev.tokengate.proxy.harness.MutableClock;
import dev.tokengate.proxy.harness.StsClient;
import dev.tokengate.proxy.harness.TokengateExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expired session credentials presented to STS get what STS answers: code ExpiredToken with HTTP
 * 403 (observed from AWS, aws/aws-sdk-java-v2#1649), as boto3 reports it; on S3 the same token is
 * 400 ExpiredToken, as S3 answers. The sessions are minted at the proxy's clock, which then moves
 * past their end; boto3 signs with the real time, which is the proxy's again by then.
 */
@Timeout(120)
class ExpiredTokenStatusTest {
  static final MutableClock clock = new MutableClock(Instant.now().minus(Duration.ofHours(2)));

  @RegisterExtension
  static final TokengateExtension proxy = TokengateExtension.withConfig("""
      users:
        - name: expiring
          accessKeys: [{id: AKIAEXPIRING00000001, secret: expiring-secret-expiring-secret-expir0}]
          managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
      """).clock(clock);

  @TempDir Path dir;

  @Test
  void expiredCredentialsAre403ExpiredTokenOnStsAnd400OnS3() throws Exception {
    StsClient sts = proxy.sts();
    StsClient.Response minted = sts.call("AKIAEXPIRING00000001", "expiring-secret-expiring-secret-expir0", null,
        "GetSessionToken", Map.of("DurationSeconds", "900"));
    assertEquals(200, minted.status(), minted.body());
    Credentials c = minted.credentials("GetSessionToken");
    clock.advance(Duration.ofHours(2)); // the proxy's clock is the real time again; the session ended 1 h 45 min ago
    Boto3Script.Run run = Boto3Script.run(dir, proxy.endpoint(), """
        c = {'key': sys.argv[2], 'secret': sys.argv[3], 'token': sys.argv[4]}
        out('sts', **attempt(lambda: client('sts', c).get_caller_identity()))
        out('s3', **attempt(lambda: client('s3', c).list_buckets()))
        """, c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
    assertEquals("ExpiredToken", run.step("sts").path("code").asText(), run.transcript());
    assertEquals(403, run.step("sts").path("status").asInt(), run.transcript());
    assertEquals("The security token included in the request is expired", run.step("sts").path("message").asText());
    assertEquals("ExpiredToken", run.step("s3").path("code").asText(), run.transcript());
    assertEquals(400, run.step("s3").path("status").asInt(), run.transcript());
  }
}
