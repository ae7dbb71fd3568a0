package dev.tokengate.benchmarks.s3;

import dev.tokengate.policy.s3.S3ActionTable;
import dev.tokengate.policy.s3.S3Authorization;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.proxy.s3.request.S3RequestModel;
import dev.tokengate.proxy.s3.request.S3RequestModelParser;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the strict request model costs per request against the lenient parsing it replaced, on the
 * same Netty request heads as the AWS CLI sends them:
 *
 * <ul>
 *   <li>{@code baselineLegacy}: the old {@link LegacyS3RequestParser} (QueryStringDecoder, first
 *       header wins) plus the action table — what the authorizer did before — plus what the old
 *       backend request factory derived from the raw request before signing ({@link
 *       LegacyBackendTarget}: presign parameters stripped from the query, headers filtered);
 *   <li>{@code strictModel}: {@link S3RequestModelParser} (strict decoding, duplicate and
 *       allow-list checks, copy source) plus the action table on the model's policy view, plus the
 *       backend's canonical path and query built from the model (work the old code left to the raw
 *       request). {@code strictModel ÷ baselineLegacy} is the figure to report.
 * </ul>
 *
 * <pre>{@code
 * mvn -B -ntp -q install -DskipTests && mvn -B -ntp -q -f benchmarks/pom.xml package
 * java -jar benchmarks/target/benchmarks.jar RequestModelBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RequestModelBenchmark {

  /** listV2: {@code aws s3 ls s3://photos/2026/}; put: a PutObject; copy: a CopyObject. */
  @Param({"listV2", "put", "copy"})
  public String request;

  private HttpRequest head;

  @Setup
  public void setUp() {
    head = switch (request) {
      case "listV2" -> new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
          "/photos?list-type=2&prefix=2026%2F&delimiter=%2F&encoding-type=url");
      case "put" -> new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/photos/2026/a%20b%2Bc.jpg");
      default -> new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/photos/2026/copy.jpg");
    };
    var h = head.headers();
    h.add("Host", "127.0.0.1:9000");
    h.add("Accept-Encoding", "identity");
    h.add("User-Agent", "aws-cli/2.9.19 Python/3.11.2 Linux/6.1.0 source/x86_64.debian.12 prompt/off command/s3.ls");
    h.add("X-Amz-Date", "20260101T000000Z");
    h.add("X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD");
    h.add("X-Amz-Security-Token", "t".repeat(600));
    h.add("amz-sdk-invocation-id", "5e1d2a2c-1111-2222-3333-444455556666");
    h.add("amz-sdk-request", "attempt=1");
    if (!request.equals("listV2")) {
      h.add("Content-Type", "image/jpeg");
      h.add("Content-Length", "1024");
      h.add("x-amz-meta-owner", "alice");
    }
    if (request.equals("copy")) {
      h.add("x-amz-copy-source", "photos/2026/a%20b%2Bc.jpg");
    }
    h.add("Authorization", "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20260101/us-east-1/s3/aws4_request, "
        + "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=" + "0".repeat(64));
  }

  @Benchmark
  public Object baselineLegacy() {
    S3Authorization needed = S3ActionTable.resolve(LegacyS3RequestParser.parse(head, null));
    return LegacyBackendTarget.derive(head) + needed.permissions().size();
  }

  @Benchmark
  public Object strictModel() throws S3Exception {
    S3RequestModel model = S3RequestModelParser.parse(head.method().name(), head.uri(), head.headers(), null, false);
    S3Authorization needed = S3ActionTable.resolve(model.policyView());
    return model.canonicalPath().length() + model.canonicalQuery().length() + model.headers().size()
        + needed.permissions().size();
  }
}
