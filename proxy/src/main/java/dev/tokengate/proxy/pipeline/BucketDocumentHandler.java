package dev.tokengate.proxy.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.policy.MalformedPolicyException;
import dev.tokengate.policy.s3.S3Operation;
import dev.tokengate.proxy.authz.BucketPolicyStore;
import dev.tokengate.proxy.backend.HeadBucket;
import dev.tokengate.proxy.cors.BucketCorsStore;
import dev.tokengate.proxy.cors.CorsConfiguration;
import dev.tokengate.proxy.s3.BucketName;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.proxy.state.StateException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the bucket documents the proxy keeps, both ways: bucket policies ({@link BucketPolicyStore})
 * and CORS configurations ({@link BucketCorsStore}). Inbound, it answers their operations itself
 * (Put/Get/DeleteBucketPolicy, GetBucketPolicyStatus, Put/Get/DeleteBucketCors), once the backend
 * confirmed the bucket exists ({@link HeadBucket}; else 404 NoSuchBucket): the proxy enforces
 * bucket policies and answers CORS preflights ({@link CorsHandler}), so it must own both, and many
 * backends would store but not apply them. Outbound, it keeps the documents from outliving their
 * bucket: when a DeleteBucket succeeds, they are removed before the client hears of it.
 *
 * <p>CreateBucket on a name the proxy still holds a policy for (the bucket was deleted behind the
 * proxy's back) asks the backend first, and removes the policy if the bucket is indeed gone. It
 * does not clear a policy on CreateBucket's success alone: AWS in us-east-1, and some backends,
 * answer 200 to CreateBucket on a bucket the caller already owns, and dropping that live bucket's
 * policy could drop its Deny statements.
 *
 * <pre>… → DeleteObjectsFilter → <b>BucketDocumentHandler</b> → MissingKeyMasker → BackendErrorRewriter → …</pre>
 */
public final class BucketDocumentHandler extends ChannelDuplexHandler {
  private static final Logger LOG = LoggerFactory.getLogger(BucketDocumentHandler.class);

  private static final Set<S3Operation> OWNED =
      Set.of(
          S3Operation.PUT_BUCKET_POLICY,
          S3Operation.GET_BUCKET_POLICY,
          S3Operation.DELETE_BUCKET_POLICY,
          S3Operation.GET_BUCKET_POLICY_STATUS,
          S3Operation.PUT_BUCKET_CORS,
          S3Operation.GET_BUCKET_CORS,
          S3Operation.DELETE_BUCKET_CORS);
  /** The largest body an owned operation takes, plus one to tell "over" from "at". */
  private static final int BODY_CAP = Math.max(BucketPolicyStore.MAX_BYTES, CorsConfiguration.MAX_BYTES) + 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  private record HeldWrite(Object msg, ChannelPromise promise) {}

  private final BucketPolicyStore store;
  private final BucketCorsStore cors;
  private final HeadBucket buckets;

  /** A policy operation whose body is being read. */
  private AuthorizedRequest current;
  private ByteBuf body;
  /** A CreateBucket and its body, held while the backend says whether a stale policy's bucket exists. */
  private final ArrayDeque<Object> heldRequest = new ArrayDeque<>();
  private boolean holdingRequest;
  /** The bucket of a DeleteBucket on its way to the backend. */
  private String deleting;
  /** Responses held until a deleted bucket's policy is out of force. */
  private final ArrayDeque<HeldWrite> heldWrites = new ArrayDeque<>();
  private boolean holdingWrites;

  public BucketDocumentHandler(BucketPolicyStore store, BucketCorsStore cors, HeadBucket buckets) {
    this.store = store;
    this.cors = cors;
    this.buckets = buckets;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof AuthorizedRequest r) {
      if (OWNED.contains(r.operation())) {
        current = r;
        body = ctx.alloc().buffer();
        return;
      }
      if (r.operation() == S3Operation.CREATE_BUCKET && holdsAny(r.s3().bucket())) {
        holdCreateBucket(ctx, r);
        return;
      }
      deleting = r.operation() == S3Operation.DELETE_BUCKET ? r.s3().bucket() : null;
    } else if (msg instanceof HttpContent content && current != null) {
      if (body.readableBytes() + content.content().readableBytes() <= BODY_CAP) {
        body.writeBytes(content.content());
      }
      content.release();
      if (content instanceof LastHttpContent) {
        bodyRead(ctx);
      }
      return;
    } else if (msg instanceof HttpContent && holdingRequest) {
      heldRequest.add(msg);
      return;
    } else if (msg instanceof FailedRequest) {
      releaseBody();
      releaseHeldRequest();
      deleting = null;
    }
    ctx.fireChannelRead(msg);
  }

  private void bodyRead(ChannelHandlerContext ctx) {
    AuthorizedRequest r = current;
    String text = body.toString(StandardCharsets.UTF_8);
    releaseBody();
    String bucket = r.s3().bucket();
    if (!BucketName.isValid(bucket)) {
      fail(ctx, r, BucketName.invalid(bucket));
      return;
    }
    // No next request is read until this one is answered: answers stay in order.
    ctx.channel().config().setAutoRead(false);
    buckets.exists(ctx.channel().eventLoop(), bucket).addListener((Future<Boolean> f) -> bucketAnswered(ctx, r, text, f));
  }

  private void bucketAnswered(ChannelHandlerContext ctx, AuthorizedRequest r, String text, Future<Boolean> exists) {
    if (!ctx.channel().isActive()) {
      return;
    }
    String bucket = r.s3().bucket();
    if (!exists.isSuccess()) {
      fail(ctx, r, backendFailure(r, exists.cause()));
      return;
    }
    if (!exists.getNow()) {
      removeStale(r, bucket);
      fail(ctx, r, new S3Exception(S3Error.NO_SUCH_BUCKET, S3Error.NO_SUCH_BUCKET.defaultMessage(),
          Map.of("BucketName", bucket)));
      return;
    }
    try {
      answer(r, text).whenComplete((response, error) -> ctx.executor().execute(() -> {
        if (error == null) {
          send(ctx, response);
        } else {
          fail(ctx, r, storeFailure(r, bucket, error));
        }
      }));
    } catch (S3Exception e) {
      fail(ctx, r, e);
    } catch (RuntimeException bug) {
      // Not the client's doing (its input failed as S3Exception above): a bug, logged once, answered 500.
      LOG.error("request {}: {} failed", r.requestId(), r.operation(), bug);
      fail(ctx, r, new S3Exception(S3Error.INTERNAL_ERROR));
    }
  }

  /** The answer to a policy operation on a bucket that exists. */
  private CompletableFuture<FullHttpResponse> answer(AuthorizedRequest r, String text) throws S3Exception {
    String bucket = r.s3().bucket();
    return switch (r.operation()) {
      case PUT_BUCKET_POLICY -> {
        if (text.length() > BucketPolicyStore.MAX_BYTES) {
          throw new S3Exception(S3Error.MALFORMED_POLICY, "Policy exceeds the maximum allowed document size.");
        }
        if (text.isBlank() || text.strip().charAt(0) != '{') {
          throw new S3Exception(S3Error.MALFORMED_POLICY);
        }
        try {
          boolean lockOut = "true".equalsIgnoreCase(r.head().headers().get("x-amz-confirm-remove-self-bucket-access"));
          yield store.put(bucket, text, lockOut).thenApply(v -> response(r, HttpResponseStatus.NO_CONTENT, null, null));
        } catch (MalformedPolicyException e) {
          throw new S3Exception(S3Error.MALFORMED_POLICY, e.getMessage());
        }
      }
      case GET_BUCKET_POLICY -> CompletableFuture.completedFuture(
          response(r, HttpResponseStatus.OK, "application/json", policyText(bucket)));
      case DELETE_BUCKET_POLICY ->
          store.delete(bucket).thenApply(had -> response(r, HttpResponseStatus.NO_CONTENT, null, null));
      case GET_BUCKET_POLICY_STATUS -> CompletableFuture.completedFuture(response(
          r,
          HttpResponseStatus.OK,
          "application/xml",
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PolicyStatus xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
              + "<IsPublic>" + isPublic(policyText(bucket)) + "</IsPublic></PolicyStatus>"));
      case PUT_BUCKET_CORS -> {
        CorsConfiguration configuration;
        try {
          configuration = CorsConfiguration.parse(text.getBytes(StandardCharsets.UTF_8));
        } catch (CorsConfiguration.Invalid e) {
          throw new S3Exception(e.malformedXml() ? S3Error.MALFORMED_XML : S3Error.INVALID_REQUEST, e.getMessage());
        }
        yield cors.put(bucket, configuration).thenApply(v -> response(r, HttpResponseStatus.OK, null, null));
      }
      case GET_BUCKET_CORS -> {
        CorsConfiguration c = cors.find(bucket).orElseThrow(() -> new S3Exception(S3Error.NO_SUCH_CORS_CONFIGURATION,
            S3Error.NO_SUCH_CORS_CONFIGURATION.defaultMessage(), Map.of("BucketName", bucket)));
        yield CompletableFuture.completedFuture(
            response(r, HttpResponseStatus.OK, "application/xml", new String(c.toXml(), StandardCharsets.UTF_8)));
      }
      case DELETE_BUCKET_CORS ->
          cors.delete(bucket).thenApply(had -> response(r, HttpResponseStatus.NO_CONTENT, null, null));
      default -> throw new IllegalStateException("BucketDocumentHandler only answers " + OWNED + ", got " + r.operation());
    };
  }

  private String policyText(String bucket) throws S3Exception {
    return store.text(bucket).orElseThrow(() -> new S3Exception(
        S3Error.NO_SUCH_BUCKET_POLICY, S3Error.NO_SUCH_BUCKET_POLICY.defaultMessage(), Map.of("BucketName", bucket)));
  }

  /** CreateBucket waits until a policy left from an earlier bucket of that name is known stale or not. */
  private void holdCreateBucket(ChannelHandlerContext ctx, AuthorizedRequest r) {
    String bucket = r.s3().bucket();
    holdingRequest = true;
    heldRequest.add(r);
    ctx.channel().config().setAutoRead(false);
    buckets.exists(ctx.channel().eventLoop(), bucket).addListener((Future<Boolean> f) -> {
      if (f.isSuccess() && !f.getNow()) {
        removeStale(r, bucket).whenComplete((v, error) -> ctx.executor().execute(() -> releaseCreateBucket(ctx)));
      } else {
        // The bucket exists (CreateBucket will say so), or the backend did not answer: its policy stays.
        releaseCreateBucket(ctx);
      }
    });
  }

  private void releaseCreateBucket(ChannelHandlerContext ctx) {
    if (!holdingRequest) {
      return;
    }
    holdingRequest = false;
    deleting = null;
    if (!ctx.channel().isActive()) {
      releaseHeldRequest();
      return;
    }
    while (!heldRequest.isEmpty()) {
      ctx.fireChannelRead(heldRequest.poll());
    }
  }

  private boolean holdsAny(String bucket) {
    return store.find(bucket) != null || cors.find(bucket).isPresent();
  }

  /** Every document of the bucket removed; completes when all are (or failed with the first failure). */
  private CompletableFuture<Void> removeAll(String bucket) {
    CompletableFuture<Boolean> policy = store.find(bucket) == null ? CompletableFuture.completedFuture(false)
        : store.delete(bucket);
    CompletableFuture<Boolean> corsRules = cors.find(bucket).isEmpty() ? CompletableFuture.completedFuture(false)
        : cors.delete(bucket);
    return CompletableFuture.allOf(policy, corsRules);
  }

  /** The backend says the bucket is gone: documents still held for it are stale. */
  private CompletableFuture<Void> removeStale(AuthorizedRequest r, String bucket) {
    if (!holdsAny(bucket)) {
      return CompletableFuture.completedFuture(null);
    }
    LOG.info("request {}: bucket {} no longer exists at the backend; removing the documents it left", r.requestId(),
        bucket);
    return removeAll(bucket).whenComplete((v, error) -> {
      if (error != null) {
        LOG.error("request {}: cannot delete the stale documents of {}", r.requestId(), bucket, error);
      }
    });
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (holdingWrites) {
      heldWrites.add(new HeldWrite(msg, promise));
      return;
    }
    if (deleting != null && msg instanceof HttpResponse response) {
      String bucket = deleting;
      deleting = null;
      if (response.status().code() / 100 == 2 && BucketName.isValid(bucket)) {
        // The bucket is gone: its documents go first, so no later request finds them in force.
        holdingWrites = true;
        heldWrites.add(new HeldWrite(msg, promise));
        removeAll(bucket).whenComplete((v, error) -> ctx.executor().execute(() -> {
          if (error != null) {
            LOG.error("cannot delete the documents of deleted bucket {}", bucket, error);
          }
          releaseWrites(ctx);
        }));
        return;
      }
    }
    ctx.write(msg, promise);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (!holdingWrites) {
      ctx.flush();
    }
  }

  private void releaseWrites(ChannelHandlerContext ctx) {
    holdingWrites = false;
    while (!heldWrites.isEmpty()) {
      HeldWrite w = heldWrites.poll();
      ctx.write(w.msg(), w.promise());
    }
    ctx.flush();
  }

  /** This handler's own answers go out behind any response held before them. */
  private void send(ChannelHandlerContext ctx, FullHttpResponse response) {
    if (holdingWrites) {
      heldWrites.add(new HeldWrite(response, ctx.newPromise()));
    } else {
      ctx.writeAndFlush(response);
    }
    ctx.channel().config().setAutoRead(true);
  }

  private void fail(ChannelHandlerContext ctx, AuthorizedRequest r, S3Exception e) {
    ctx.fireChannelRead(new FailedRequest(r.head(), r.requestId(), Service.S3, e, false));
    ctx.channel().config().setAutoRead(true);
  }

  /** The state store did not take the change (unreachable, or too contended): 503, retryable; else a bug. */
  private static S3Exception storeFailure(AuthorizedRequest r, String bucket, Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof StateException) {
      LOG.warn("request {}: {} on {} not done: {}", r.requestId(), r.operation(), bucket, cause.getMessage());
      return new S3Exception(S3Error.SERVICE_UNAVAILABLE, "The proxy's state store is unavailable. Please try again.");
    }
    LOG.error("request {}: {} on {} failed", r.requestId(), r.operation(), bucket, error);
    return new S3Exception(S3Error.INTERNAL_ERROR);
  }

  private static S3Exception backendFailure(AuthorizedRequest r, Throwable cause) {
    if (cause instanceof HeadBucket.UnexpectedStatus unexpected && unexpected.status() != 503) {
      LOG.warn("request {}: the backend answered HEAD bucket with HTTP {}: check backend.accessKey, "
          + "backend.secretKey and backend.region; answering 500 InternalError", r.requestId(), unexpected.status());
      return new S3Exception(S3Error.INTERNAL_ERROR);
    }
    LOG.warn("request {}: backend unavailable for HEAD bucket: {}", r.requestId(), cause.toString());
    return new S3Exception(S3Error.SERVICE_UNAVAILABLE, "The backend object store is unavailable. Please try again.");
  }

  /**
   * Public as AWS judges it, simplified: some Allow statement without conditions names every
   * principal ({@code "*"} or {@code {"AWS": "*"}}).
   */
  static boolean isPublic(String policyText) {
    JsonNode statements;
    try {
      statements = JSON.readTree(policyText).path("Statement");
    } catch (JsonProcessingException e) {
      return false;
    }
    for (JsonNode s : statements.isArray() ? statements : JSON.createArrayNode().add(statements)) {
      JsonNode principal = s.path("Principal");
      JsonNode aws = principal.isObject() ? principal.path("AWS") : principal;
      boolean everyone = "*".equals(aws.asText()) || (aws.isArray() && aws.toString().contains("\"*\""));
      if ("Allow".equals(s.path("Effect").asText()) && s.path("Condition").isMissingNode() && everyone) {
        return true;
      }
    }
    return false;
  }

  private static FullHttpResponse response(AuthorizedRequest r, HttpResponseStatus status, String type, String body) {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    if (type != null) {
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    }
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    response.headers().set("x-amz-request-id", r.requestId());
    return response;
  }

  private void releaseBody() {
    if (body != null) {
      body.release();
      body = null;
    }
    current = null;
  }

  private void releaseHeldRequest() {
    holdingRequest = false;
    while (!heldRequest.isEmpty()) {
      ReferenceCountUtil.release(heldRequest.poll());
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseBody();
    releaseHeldRequest();
    while (!heldWrites.isEmpty()) {
      HeldWrite w = heldWrites.poll();
      ReferenceCountUtil.release(w.msg());
      w.promise().tryFailure(new java.nio.channels.ClosedChannelException());
    }
    ctx.fireChannelInactive();
  }
}
