package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.metrics.ProxyMetrics;
import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.proxy.identity.CredentialResolver;
import dev.tokengate.proxy.identity.ResolvedCredential;
import dev.tokengate.proxy.s3.AuthFailureMapper;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.proxy.s3.VirtualHosts;
import dev.tokengate.sigv4.AuthenticationException;
import dev.tokengate.sigv4.AuthorizationParser;
import dev.tokengate.sigv4.ParsedAuthorization;
import dev.tokengate.sigv4.PayloadMode;
import dev.tokengate.sigv4.SigV2Authorization;
import dev.tokengate.sigv4.SigV2Verifier;
import dev.tokengate.sigv4.SigV4Authorization;
import dev.tokengate.sigv4.SignatureVerifier;
import dev.tokengate.sigv4.SignedRequest;
import dev.tokengate.sigv4.VerifiedRequest;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Authenticates each request from its head, exactly as received (raw request-target, header values
 * in arrival order): parses the scheme, resolves the access key, verifies time, token and
 * signature. Emits an {@link AuthenticatedRequest} followed by the body, or a {@link FailedRequest}
 * and then drops the body. STS calls arrive whole ({@link StsHttpRequest}) and are signed over
 * their form body's hash.
 *
 * <pre>StsRequestAggregator → CorsHandler → <b>RequestAuthenticator</b> → StsHandler → …</pre>
 */
public final class RequestAuthenticator extends ChannelInboundHandlerAdapter {

  private final CredentialResolver credentials;
  private final SignatureVerifier verifier;
  private final SigV2Verifier sigV2;
  private final Set<String> regions;
  private final VirtualHosts virtualHosts;
  private final MessageDigest sha256;
  private final BodyDiscarder body = new BodyDiscarder();
  private final ProxyMetrics metrics;

  /**
   * @param sigV2 verifies legacy SigV2 requests; null refuses them (the default)
   * @param regions the S3 signing regions accepted, preferred first; others get AuthorizationHeaderMalformed
   * @param virtualHosts names the Host bucket that SigV2 signs (SigV4 signs the Host header itself)
   */
  public RequestAuthenticator(
      CredentialResolver credentials, SignatureVerifier verifier, SigV2Verifier sigV2, Set<String> regions,
      VirtualHosts virtualHosts, ProxyMetrics metrics) {
    this.metrics = metrics;
    this.credentials = credentials;
    this.virtualHosts = virtualHosts;
    this.verifier = verifier;
    this.sigV2 = sigV2;
    this.regions = regions;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK must provide SHA-256", e);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof StsHttpRequest sts) {
      String requestId = RequestIds.next();
      try {
        ctx.fireChannelRead(authenticate(sts, requestId, sts.service()));
      } catch (S3Exception e) {
        metrics.authenticationFailure(e.code());
        sts.release();
        ctx.fireChannelRead(new FailedRequest(sts, requestId, sts.service(), e, false));
      }
    } else if (msg instanceof HttpRequest head) {
      String requestId = RequestIds.next();
      AuthenticatedRequest authenticated;
      try {
        authenticated = authenticate(head, requestId, Service.S3);
      } catch (S3Exception e) {
        metrics.authenticationFailure(e.code());
        boolean close = body.start(head);
        ctx.fireChannelRead(new FailedRequest(head, requestId, Service.S3, e, close));
        return;
      }
      ctx.fireChannelRead(authenticated);
    } else if (!body.discard(msg)) {
      ctx.fireChannelRead(msg);
    }
  }

  private AuthenticatedRequest authenticate(HttpRequest head, String requestId, Service service) throws S3Exception {
    SignedRequest signed = toSignedRequest(head);
    try {
      ParsedAuthorization parsed = AuthorizationParser.parse(signed);
      if (parsed == null) {
        if (service == Service.S3) {
          // Anonymous: only a bucket policy that grants "*" can allow it; the authorizer decides.
          credentials.checkFresh();
          return new AuthenticatedRequest(head, requestId, service, Caller.anonymous(), PayloadMode.UNSIGNED, null);
        }
        // Unsigned STS calls exist (AssumeRoleWithWebIdentity/SAML); the STS handler decides.
        return new AuthenticatedRequest(head, requestId, service, null, null, null);
      }
      if (parsed instanceof SigV2Authorization v2) {
        if (sigV2 == null || service != Service.S3) {
          throw new S3Exception(S3Error.INVALID_REQUEST, "Please use AWS4-HMAC-SHA256.");
        }
        String hostBucket = virtualHosts.bucketOf(head.headers().get(HttpHeaderNames.HOST));
        ResolvedCredential resolved = credentials.resolve(v2);
        sigV2.verify(signed, v2, resolved.secretAccessKey(), hostBucket);
        // SigV2 names no region: the preferred one stands in.
        credentials.authenticated(v2.accessKeyId(), "s3", regions.iterator().next());
        // SigV2 does not sign the body: it streams on unchecked, as UNSIGNED-PAYLOAD would.
        return new AuthenticatedRequest(head, requestId, service, resolved.caller(), PayloadMode.UNSIGNED, null);
      }
      SigV4Authorization v4 = (SigV4Authorization) parsed;
      if (service != Service.S3) {
        checkQueryScope(v4, service == Service.STS ? "sts" : "iam");
        v4 = withBodyHash(v4, (StsHttpRequest) head);
      } else {
        checkS3Scope(v4);
      }
      ResolvedCredential resolved = credentials.resolve(v4);
      VerifiedRequest verified = verifier.verify(signed, v4, resolved.secretAccessKey());
      credentials.authenticated(v4.accessKeyId(), v4.credential().scope().service(), v4.credential().scope().region());
      return new AuthenticatedRequest(head, requestId, service, resolved.caller(), verified.payloadMode(), verified);
    } catch (AuthenticationException e) {
      throw AuthFailureMapper.toS3(e);
    }
  }

  /**
   * The payload line of an STS/IAM call is always the SHA-256 of the form body as received (clients
   * sign it without sending it). A hash the client did send must be that one: trusting it would let
   * a captured signature be replayed over another body.
   */
  private SigV4Authorization withBodyHash(SigV4Authorization v4, StsHttpRequest request) throws S3Exception {
    sha256.reset();
    for (ByteBuffer b : request.content().nioBuffers()) {
      sha256.update(b);
    }
    String hash = HexFormat.of().formatHex(sha256.digest());
    if (v4.payloadHash() != null && !v4.payloadHash().equals(hash)) {
      throw new S3Exception(S3Error.X_AMZ_CONTENT_SHA256_MISMATCH);
    }
    return v4.withPayloadHash(hash);
  }

  private static void checkQueryScope(SigV4Authorization v4, String expected) throws S3Exception {
    if (!v4.credential().scope().service().equals(expected)) {
      throw new S3Exception(
          S3Error.AUTHORIZATION_HEADER_MALFORMED, "Credential should be scoped to correct service: '" + expected + "'.");
    }
  }

  private void checkS3Scope(SigV4Authorization v4) throws S3Exception {
    String service = v4.credential().scope().service();
    if (!service.equals("s3")) {
      throw new S3Exception(
          S3Error.AUTHORIZATION_HEADER_MALFORMED,
          "The authorization header is malformed; incorrect service '" + service + "'. This endpoint belongs to 's3'.");
    }
    String region = v4.credential().scope().region();
    if (!regions.contains(region)) {
      String expected = regions.iterator().next();
      throw new S3Exception(
          S3Error.AUTHORIZATION_HEADER_MALFORMED,
          "The authorization header is malformed; the region '" + region + "' is wrong; expecting '" + expected + "'",
          Map.of("Region", expected));
    }
  }

  /** The signature view of a request head: nothing here may normalise what the client sent. */
  static SignedRequest toSignedRequest(HttpRequest head) {
    String uri = head.uri();
    int q = uri.indexOf('?');
    List<SignedRequest.Header> headers = new ArrayList<>(head.headers().size());
    for (Map.Entry<String, String> h : head.headers()) {
      headers.add(new SignedRequest.Header(h.getKey(), h.getValue()));
    }
    return new SignedRequest(
        head.method().name(), q < 0 ? uri : uri.substring(0, q), q < 0 ? "" : uri.substring(q + 1), headers);
  }
}
