package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.backend.HeadBucket;
import dev.tokengate.proxy.config.LimitsConfig;
import dev.tokengate.proxy.tls.ServerTlsContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The proxy's architecture in one method: every handler a request passes, in order.
 *
 * <ol>
 *   <li>{@code SslHandler} (the HTTPS listener only): TLS 1.2/1.3 with the certificate in use when
 *       the connection opened ({@link ServerTlsContext}).
 *   <li>{@code IdleStateHandler} + {@link IdleConnectionCloser}: connections idle both ways close.
 *   <li>{@link RequestHeadTimeout} (its {@code bytes} part before the codec, {@code heads} after):
 *       a request head not whole within the header timeout → 408 and close (slowloris).
 *   <li>{@code HttpServerCodec}: HTTP/1.1 framing; bodies stream as chunks of at most 64 KiB.
 *   <li>{@link PipelinedRequestHolder}: pipelined requests are held until the response before
 *       them has been written, so every later handler sees one request at a time.
 *   <li>{@link HttpFramingValidator}: a head the decoder failed on, Content-Length with
 *       Transfer-Encoding, a repeated framing or authentication header → 400/431/414 and close.
 *   <li>{@link ConnectionLimiter}: a connection beyond the open-connection bound → 503 SlowDown.
 *   <li>{@link BodyIdleTimeout}: a request body that stops arriving → 400 RequestTimeout and close.
 *   <li>{@code HttpServerKeepAliveHandler}: connection reuse and {@code Connection: close}.
 *   <li>{@link RequestsPerConnectionLimit}: the last request a connection may carry is answered
 *       with {@code Connection: close}.
 *   <li>{@link StsRequestAggregator}: STS calls are buffered whole (their signature covers the
 *       form body); S3 requests keep streaming.
 *   <li>{@link CorsHandler}: CORS preflights answered from the proxy's CORS configurations; the
 *       grant added to every response to an allowed origin, the backend's own dropped.
 *   <li>{@link PostObjectHandler}: a browser-form upload (POST Object) read up to its file part,
 *       authenticated from its signed policy, and passed on as the PutObject it stands for; its
 *       200 answered as the form asked (204, 201, or a redirect).
 *   <li>{@link RequestAuthenticator}: scheme, access key, time, token, signature → {@link
 *       AuthenticatedRequest} or {@link FailedRequest}.
 *   <li>{@link QueryApiHandler}: STS calls answered (sessions minted, sealed into tokens); IAM's
 *       SimulatePrincipalPolicy answered from the proxy's policies.
 *   <li>{@link S3RequestModeler}: the strict request model, parsed once; ambiguous requests refused.
 *   <li>{@link RequestMetrics}: each S3 request counted by operation and status when answered; body
 *       bytes both ways; time to the response head.
 *   <li>{@link RequestAuthorizer}: the model's operation → IAM actions, policy evaluation per resource,
 *       then ACL grants for what no policy decided; explained denials.
 *   <li>{@link ExpectContinueResponder}: {@code 100 Continue} only for authorised requests.
 *   <li>{@link PayloadVerifier}: the body against its signed SHA-256, holding back the end.
 *   <li>{@link PostFileVerifier}: a form upload's file bytes passed on exactly; the close delimiter checked.
 *   <li>{@link AwsChunkedDecoder}: aws-chunked framing removed, chunk/trailer signatures and checksums verified.
 *   <li>{@link DeleteObjectsFilter}: DeleteObjects parsed strictly, authorized key by key, re-serialised;
 *       denied keys merged into the backend's result.
 *   <li>{@link BucketDocumentHandler}: bucket policies, CORS configurations and tag sets are the
 *       proxy's own, never forwarded, and go with their bucket.
 *   <li>{@link AclCacheInvalidator}: a write that changes an ACL, or the bucket or object it belongs to,
 *       drops the cached ACL when it passes and again when it is answered.
 *   <li>{@link MissingKeyMasker}: a 404 becomes 403 for callers who may not list the bucket.
 *   <li>{@link BackendErrorRewriter}: a backend's error answered as the proxy's own S3 error, never relayed raw.
 *   <li>{@link BackendForwarder}: the backend request built from the model, re-signed; response
 *       streamed back.
 *   <li>{@link ErrorResponder}: every error response, and 500 for anything unexpected.
 * </ol>
 */
public final class ProxyInitializer extends ChannelInitializer<SocketChannel> {

  /** Long keys (1024 bytes, percent-encoded up to three times that) must fit the request line. */
  private static final int MAX_INITIAL_LINE = 16 * 1024;

  private static final int MAX_HEADER_SIZE = 64 * 1024;
  /** Longer than any client's keep-alive idle time we know of, short enough to shed dead peers. */
  private static final int IDLE_SECONDS = 120;
  private static final int MAX_CHUNK_SIZE = 64 * 1024;

  /**
   * Strict framing: Content-Length with Transfer-Encoding, or Transfer-Encoding in HTTP/1.0, fails
   * the decoder (RFC 9112) instead of being silently resolved; several Content-Length values fail
   * it; lines must end in CRLF. {@link HttpFramingValidator} answers every failure.
   */
  private static final HttpDecoderConfig DECODER =
      new HttpDecoderConfig()
          .setMaxInitialLineLength(MAX_INITIAL_LINE)
          .setMaxHeaderSize(MAX_HEADER_SIZE)
          .setMaxChunkSize(MAX_CHUNK_SIZE)
          .setUseRfc9112TransferEncoding(true)
          .setAllowDuplicateContentLengths(false)
          .setStrictLineParsing(true);

  /** The codec's own pipelining bound would throw; {@link PipelinedRequestHolder} bounds it instead. */
  private static final int UNBOUNDED_PIPELINE = Integer.MAX_VALUE;

  private static final String TLS = "tls";

  private final ProxyServices services;
  private final LimitsConfig limits;
  private final HeadBucket headBucket;
  /** Client connections open on this listener, for {@link ConnectionLimiter}. */
  private final AtomicInteger openConnections = new AtomicInteger();

  /** Null on the plain-HTTP listener. */
  private final ServerTlsContext tls;

  /** Every client connection of the server, for a graceful shutdown. */
  private final GracefulDrain.Drain drain;

  /**
   * @param tls the HTTPS listener's certificates, or null for plain HTTP
   * @param drain the server's connections (shared by its listeners), drained on shutdown
   */
  public ProxyInitializer(ProxyServices services, LimitsConfig limits, ServerTlsContext tls,
      GracefulDrain.Drain drain) {
    this.services = services;
    this.limits = limits;
    this.tls = tls;
    this.drain = drain;
    this.headBucket = new HeadBucket(services.backendPool(), services.backendRequests());
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    RequestHeadTimeout headTimeout = new RequestHeadTimeout(limits.headerTimeoutSeconds());
    if (tls != null) {
      ch.pipeline().addLast(TLS, tls.current().newHandler(ch.alloc()));
    }
    ch.pipeline()
        .addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
        .addLast("idleClose", new IdleConnectionCloser())
        .addLast("headStart", headTimeout.bytes())
        .addLast("http", new HttpServerCodec(DECODER, UNBOUNDED_PIPELINE))
        .addLast("drain", new GracefulDrain(drain))
        .addLast("headEnd", headTimeout.heads())
        .addLast("pipelining", new PipelinedRequestHolder())
        .addLast("framing", new HttpFramingValidator(MAX_INITIAL_LINE, MAX_HEADER_SIZE))
        .addLast("connections", new ConnectionLimiter(openConnections, limits.maxConnections()))
        .addLast("bodyIdle", new BodyIdleTimeout(limits.bodyIdleTimeoutSeconds()))
        .addLast("keepAlive", new HttpServerKeepAliveHandler())
        .addLast("requestsPerConnection", new RequestsPerConnectionLimit(limits.maxRequestsPerConnection()))
        .addLast("sts", new StsRequestAggregator(limits.maxQueryFormBytes()))
        .addLast("cors", new CorsHandler(services.bucketCors(), services.virtualHosts()))
        .addLast("postObject", new PostObjectHandler(services.postUploads(), services.virtualHosts()))
        .addLast("authenticate", new RequestAuthenticator(
            services.credentials(), services.verifier(), services.sigV2(), services.regions(),
            services.virtualHosts(), services.metrics()))
        .addLast("queryApis", new QueryApiHandler(services.queryApis()))
        .addLast("model", new S3RequestModeler(services.virtualHosts()))
        .addLast("metrics", new RequestMetrics(services.metrics()))
        .addLast("audit", new AuditRecorder(services.audit()))
        .addLast("authorize", new RequestAuthorizer(
            services.permissions(), services.bucketPolicies(), services.contexts(), services.messages(),
            services.shadowMode(), services.acls(), services.metrics()))
        .addLast("continue", new ExpectContinueResponder())
        .addLast("payload", new PayloadVerifier())
        .addLast("postFile", new PostFileVerifier())
        .addLast("awsChunked", new AwsChunkedDecoder(limits.maxAwsChunkBytes()))
        .addLast("deleteObjects", new DeleteObjectsFilter())
        .addLast("bucketDocuments", new BucketDocumentHandler(List.of(
            new BucketPolicyOperations(services.bucketPolicies()),
            new BucketCorsOperations(services.bucketCors()),
            new BucketTaggingOperations(services.bucketTags(), services.repeatedTagKeys())), headBucket))
        .addLast("aclCache", new AclCacheInvalidator(services.acls()))
        .addLast("missingKeys", new MissingKeyMasker())
        .addLast("backendErrors", new BackendErrorRewriter(services.regions().iterator().next().equals("us-east-1")))
        .addLast("forward", new BackendForwarder(services.backendPool(), services.backendRequests()))
        .addLast("errors", new ErrorResponder());
  }

  /** Whether the channel's requests came over TLS ({@code aws:SecureTransport}). */
  static boolean overTls(Channel ch) {
    return ch.pipeline().get(TLS) != null;
  }
}
