package dev.tokengate.proxy.pipeline;

import dev.tokengate.policy.s3.S3Operation;
import dev.tokengate.proxy.backend.HeadBucket;
import dev.tokengate.proxy.s3.BucketName;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.proxy.s3.request.ContentMd5;
import dev.tokengate.proxy.state.StateException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the bucket documents the proxy keeps, both ways: bucket policies, CORS configurations and
 * tag sets ({@link BucketPolicyOperations}, {@link BucketCorsOperations}, {@link
 * BucketTaggingOperations}). Inbound, it answers their operations itself, never forwarded: the body
 * read whole (over the kind's limit refused, a Content-MD5 checked), then once the backend confirmed
 * the bucket exists ({@link HeadBucket}; else 404 NoSuchBucket) the kind answers. The proxy enforces
 * bucket policies, answers CORS preflights ({@link CorsHandler}) and conditions policies on bucket
 * tags, so it must own all three; many backends would store but not apply them, or keep none.
 * Outbound, it keeps the documents from outliving their bucket: when a DeleteBucket succeeds, they
 * are removed before the client hears of it.
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

  private record HeldWrite(Object msg, ChannelPromise promise) {}

  private final List<BucketDocumentOperations> kinds;
  /** Each owned operation's kind. */
  private final Map<S3Operation, BucketDocumentOperations> owned = new EnumMap<>(S3Operation.class);
  private final HeadBucket buckets;

  /** An owned operation whose body is being read, its kind, and whether the body went over the kind's limit. */
  private AuthorizedRequest current;
  private BucketDocumentOperations currentKind;
  private ByteBuf body;
  private boolean overflow;
  /** A CreateBucket and its body, held while the backend says whether a stale policy's bucket exists. */
  private final ArrayDeque<Object> heldRequest = new ArrayDeque<>();
  private boolean holdingRequest;
  /** The bucket of a DeleteBucket on its way to the backend. */
  private String deleting;
  /** Responses held until a deleted bucket's policy is out of force. */
  private final ArrayDeque<HeldWrite> heldWrites = new ArrayDeque<>();
  private boolean holdingWrites;

  /** @param kinds the documents owned; no two answer the same operation */
  BucketDocumentHandler(List<BucketDocumentOperations> kinds, HeadBucket buckets) {
    this.kinds = List.copyOf(kinds);
    for (BucketDocumentOperations kind : this.kinds) {
      for (S3Operation op : kind.operations()) {
        if (owned.put(op, kind) != null) {
          throw new IllegalArgumentException(op + " is answered by two document kinds");
        }
      }
    }
    this.buckets = buckets;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof AuthorizedRequest r) {
      BucketDocumentOperations kind = owned.get(r.operation());
      if (kind != null) {
        current = r;
        currentKind = kind;
        body = ctx.alloc().buffer();
        overflow = false;
        return;
      }
      if (r.operation() == S3Operation.CREATE_BUCKET && holdsAny(r.s3().bucket())) {
        holdCreateBucket(ctx, r);
        return;
      }
      deleting = r.operation() == S3Operation.DELETE_BUCKET ? r.s3().bucket() : null;
    } else if (msg instanceof HttpContent content && current != null) {
      if (body.readableBytes() + content.content().readableBytes() <= currentKind.maxBodyBytes()) {
        body.writeBytes(content.content());
      } else {
        overflow = true;
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
    BucketDocumentOperations kind = currentKind;
    byte[] bytes = new byte[body.readableBytes()];
    body.readBytes(bytes);
    boolean over = overflow;
    releaseBody();
    String bucket = r.s3().bucket();
    try {
      if (!BucketName.isValid(bucket)) {
        throw BucketName.invalid(bucket);
      }
      if (over) {
        throw kind.tooLarge();
      }
      ContentMd5.verify(r.model(), bytes);
    } catch (S3Exception e) {
      fail(ctx, r, e);
      return;
    }
    // No next request is read until this one is answered: answers stay in order.
    ctx.channel().config().setAutoRead(false);
    buckets.exists(ctx.channel().eventLoop(), bucket)
        .addListener((Future<Boolean> f) -> bucketAnswered(ctx, r, kind, bytes, f));
  }

  private void bucketAnswered(
      ChannelHandlerContext ctx, AuthorizedRequest r, BucketDocumentOperations kind, byte[] bytes,
      Future<Boolean> exists) {
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
      kind.answer(r, bytes).whenComplete((response, error) -> ctx.executor().execute(() -> {
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
    return kinds.stream().anyMatch(k -> k.holds(bucket));
  }

  /** Every document of the bucket removed; completes when all are (or failed with the first failure). */
  private CompletableFuture<Void> removeAll(String bucket) {
    return CompletableFuture.allOf(kinds.stream()
        .map(k -> k.holds(bucket) ? k.delete(bucket) : CompletableFuture.completedFuture(false))
        .toArray(CompletableFuture[]::new));
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

  private void releaseBody() {
    if (body != null) {
      body.release();
      body = null;
    }
    current = null;
    currentKind = null;
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
