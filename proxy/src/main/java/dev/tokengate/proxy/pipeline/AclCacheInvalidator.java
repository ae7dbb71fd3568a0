package dev.tokengate.proxy.pipeline;

import dev.tokengate.policy.s3.S3Operation;
import dev.tokengate.proxy.authz.acl.AclLookup;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.EnumSet;
import java.util.Set;

/**
 * Keeps {@link AclLookup}'s cache true to the proxy's own writes: a request that changes an ACL,
 * or replaces or removes what one belongs to (an overwrite resets an object's ACL), drops the
 * cached entry as it passes and again when its answer goes out, so a read racing the write cannot
 * keep the old ACL cached.
 *
 * <pre>… → BucketDocumentHandler → <b>AclCacheInvalidator</b> → MissingKeyMasker → …</pre>
 */
public final class AclCacheInvalidator extends ChannelDuplexHandler {
  private static final Set<S3Operation> BUCKET_WIDE = EnumSet.of(
      S3Operation.CREATE_BUCKET, S3Operation.DELETE_BUCKET, S3Operation.PUT_BUCKET_ACL,
      S3Operation.PUT_BUCKET_OWNERSHIP_CONTROLS, S3Operation.DELETE_BUCKET_OWNERSHIP_CONTROLS,
      S3Operation.DELETE_OBJECTS);
  private static final Set<S3Operation> ONE_OBJECT = EnumSet.of(
      S3Operation.PUT_OBJECT, S3Operation.POST_OBJECT, S3Operation.COPY_OBJECT, S3Operation.PUT_OBJECT_ACL,
      S3Operation.DELETE_OBJECT, S3Operation.COMPLETE_MULTIPART_UPLOAD);

  private final AclLookup acls;
  private String bucket;
  private String key;

  /** @param acls null when ACLs are not applied: then this handler does nothing */
  public AclCacheInvalidator(AclLookup acls) {
    this.acls = acls;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (acls != null && msg instanceof AuthorizedRequest r) {
      boolean bucketWide = BUCKET_WIDE.contains(r.operation());
      if (bucketWide || ONE_OBJECT.contains(r.operation())) {
        bucket = r.s3().bucket();
        key = bucketWide ? null : r.s3().key();
        acls.invalidate(bucket, key);
      } else {
        bucket = null;
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (bucket != null && msg instanceof LastHttpContent) {
      acls.invalidate(bucket, key);
      bucket = null;
    }
    ctx.write(msg, promise);
  }
}
