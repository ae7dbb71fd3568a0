package dev.tokengate.proxy.pipeline;

import dev.tokengate.policy.MalformedPolicyException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokengate.policy.s3.S3Operation;
import dev.tokengate.proxy.authz.BucketPolicyStore;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Answers the bucket-policy operations itself (Put/Get/DeleteBucketPolicy, GetBucketPolicyStatus)
 * from the {@link BucketPolicyStore}: the proxy enforces bucket policies, so it must own them, and
 * many backends (S3Proxy, MinIO with other semantics) would store but not apply them.
 *
 * <pre>… → PayloadVerifier → <b>BucketPolicyHandler</b> → BackendForwarder → …</pre>
 */
public final class BucketPolicyHandler extends ChannelInboundHandlerAdapter {
  private static final Set<S3Operation> OWNED =
      Set.of(
          S3Operation.PUT_BUCKET_POLICY,
          S3Operation.GET_BUCKET_POLICY,
          S3Operation.DELETE_BUCKET_POLICY,
          S3Operation.GET_BUCKET_POLICY_STATUS);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BucketPolicyStore store;
  private AuthorizedRequest current;
  private ByteBuf body;

  public BucketPolicyHandler(BucketPolicyStore store) {
    this.store = store;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof AuthorizedRequest r && OWNED.contains(r.operation())) {
      current = r;
      body = ctx.alloc().buffer();
    } else if (msg instanceof HttpContent content && current != null) {
      if (body.readableBytes() + content.content().readableBytes() <= BucketPolicyStore.MAX_BYTES + 1) {
        body.writeBytes(content.content());
      }
      content.release();
      if (content instanceof LastHttpContent) {
        AuthorizedRequest r = current;
        String text = body.toString(StandardCharsets.UTF_8);
        releaseBody();
        try {
          ctx.writeAndFlush(answer(r, text));
        } catch (S3Exception e) {
          ctx.fireChannelRead(new FailedRequest(r.head(), r.requestId(), Service.S3, e, false));
        }
      }
    } else {
      if (msg instanceof FailedRequest) {
        releaseBody();
      }
      ctx.fireChannelRead(msg);
    }
  }

  private FullHttpResponse answer(AuthorizedRequest r, String text) throws S3Exception {
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
          store.put(bucket, text);
        } catch (MalformedPolicyException e) {
          throw new S3Exception(S3Error.MALFORMED_POLICY, e.getMessage());
        }
        yield response(r, HttpResponseStatus.NO_CONTENT, null, null);
      }
      case GET_BUCKET_POLICY -> response(r, HttpResponseStatus.OK, "application/json", noPolicy(bucket).text(bucket).orElseThrow());
      case DELETE_BUCKET_POLICY -> {
        store.delete(bucket);
        yield response(r, HttpResponseStatus.NO_CONTENT, null, null);
      }
      case GET_BUCKET_POLICY_STATUS -> {
        String policy = noPolicy(bucket).text(bucket).orElseThrow();
        yield response(
            r,
            HttpResponseStatus.OK,
            "application/xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PolicyStatus xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<IsPublic>" + isPublic(policy) + "</IsPublic></PolicyStatus>");
      }
      default -> throw new IllegalStateException("BucketPolicyHandler only answers " + OWNED + ", got " + r.operation());
    };
  }

  private BucketPolicyStore noPolicy(String bucket) throws S3Exception {
    if (store.find(bucket) == null) {
      throw new S3Exception(S3Error.NO_SUCH_BUCKET_POLICY, S3Error.NO_SUCH_BUCKET_POLICY.defaultMessage(), Map.of("BucketName", bucket));
    }
    return store;
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

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseBody();
    ctx.fireChannelInactive();
  }
}
