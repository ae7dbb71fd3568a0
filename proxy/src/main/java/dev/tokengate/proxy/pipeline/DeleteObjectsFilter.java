package dev.tokengate.proxy.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import dev.tokengate.policy.s3.S3Operation;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.proxy.s3.XmlDocuments;
import dev.tokengate.sigv4.PayloadMode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Authorizes DeleteObjects key by key, as AWS does: the body (≤ 1000 keys) is read whole, each key
 * is checked, only allowed keys go to the backend, and every denied key comes back as an {@code
 * <Error><Code>AccessDenied</Code>} entry merged into the backend's {@code <DeleteResult>}. When no
 * key is allowed the backend is not called at all.
 *
 * <pre>… → PayloadVerifier → <b>DeleteObjectsFilter</b> → BucketPolicyHandler → BackendForwarder</pre>
 */
public final class DeleteObjectsFilter extends ChannelInboundHandlerAdapter {
  private static final int MAX_BODY = 2 * 1024 * 1024;
  private static final XmlMapper XML = new XmlMapper();
  private static final String S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/";

  private record Entry(String key, String versionId) {}

  private AuthorizedRequest current;
  private ByteBuf body;
  private boolean tooLarge;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof AuthorizedRequest r && r.operation() == S3Operation.DELETE_OBJECTS && r.keyPermission() != null) {
      current = r;
      body = ctx.alloc().buffer();
    } else if (msg instanceof HttpContent content && current != null) {
      if (body.readableBytes() + content.content().readableBytes() <= MAX_BODY) {
        body.writeBytes(content.content());
      } else {
        tooLarge = true;
      }
      boolean last = content instanceof LastHttpContent;
      content.release();
      if (last) {
        AuthorizedRequest r = current;
        byte[] bytes = new byte[body.readableBytes()];
        body.readBytes(bytes);
        boolean overflow = tooLarge;
        release();
        try {
          if (overflow) {
            throw new S3Exception(S3Error.MALFORMED_XML, "A DeleteObjects body may list at most 1000 keys.");
          }
          decide(ctx, r, bytes);
        } catch (S3Exception e) {
          ctx.fireChannelRead(new FailedRequest(r.head(), r.requestId(), Service.S3, e, false));
        }
      }
    } else {
      if (msg instanceof FailedRequest) {
        release();
      }
      ctx.fireChannelRead(msg);
    }
  }

  private void decide(ChannelHandlerContext ctx, AuthorizedRequest r, byte[] bytes) throws S3Exception {
    JsonNode root;
    try {
      root = XML.readTree(bytes);
    } catch (IOException e) {
      throw new S3Exception(S3Error.MALFORMED_XML);
    }
    boolean quiet = "true".equalsIgnoreCase(root.path("Quiet").asText());
    JsonNode objects = root.path("Object");
    List<Entry> allowed = new ArrayList<>();
    Map<Entry, String> denied = new LinkedHashMap<>();
    for (JsonNode o : objects.isArray() ? objects : XML.createArrayNode().add(objects)) {
      if (o.isMissingNode()) {
        continue;
      }
      Entry e = new Entry(o.path("Key").asText(), o.hasNonNull("VersionId") ? o.path("VersionId").asText() : null);
      String denial = r.keyPermission().denial(e.key(), e.versionId());
      if (denial == null) {
        allowed.add(e);
      } else {
        denied.put(e, denial);
      }
    }
    if (allowed.isEmpty()) {
      ctx.writeAndFlush(localResult(r, denied));
    } else if (denied.isEmpty()) {
      ctx.fireChannelRead(r);
      ctx.fireChannelRead(new DefaultLastHttpContent(Unpooled.wrappedBuffer(bytes)));
    } else {
      byte[] reduced = deleteBody(allowed, quiet);
      AuthenticatedRequest a = r.authenticated();
      AuthenticatedRequest rewritten =
          new AuthenticatedRequest(reframed(a.head(), reduced), a.requestId(), a.service(), a.caller(), PayloadMode.UNSIGNED, a.verified());
      String errors = errorEntries(denied);
      ctx.fireChannelRead(
          new AuthorizedRequest(rewritten, r.s3(), r.operation(), null, xml -> insertBeforeClose(xml, errors), false));
      ctx.fireChannelRead(new DefaultLastHttpContent(Unpooled.wrappedBuffer(reduced)));
    }
  }

  /** The request head for a rewritten body: new length and Content-MD5, no stale checksums. */
  private static HttpRequest reframed(HttpRequest head, byte[] body) {
    HttpRequest copy = new DefaultHttpRequest(head.protocolVersion(), head.method(), head.uri());
    copy.headers().set(head.headers());
    copy.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
    copy.headers().remove(HttpHeaderNames.CONTENT_ENCODING);
    copy.headers().remove("x-amz-decoded-content-length");
    copy.headers().remove("x-amz-sdk-checksum-algorithm");
    copy.headers().remove("x-amz-trailer");
    List<String> names = new ArrayList<>(copy.headers().names());
    for (String name : names) {
      if (name.toLowerCase(java.util.Locale.ROOT).startsWith("x-amz-checksum-")) {
        copy.headers().remove(name);
      }
    }
    copy.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    copy.headers().set("Content-MD5", Base64.getEncoder().encodeToString(md5(body)));
    return copy;
  }

  private static FullHttpResponse localResult(AuthorizedRequest r, Map<Entry, String> denied) {
    String xml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult xmlns=\"" + S3_NS + "\">"
            + errorEntries(denied) + "</DeleteResult>";
    byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(bytes));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/xml");
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    response.headers().set("x-amz-request-id", r.requestId());
    return response;
  }

  private static String errorEntries(Map<Entry, String> denied) {
    return XmlDocuments.fragment(
        w -> {
          for (Map.Entry<Entry, String> d : denied.entrySet()) {
            w.writeStartElement("Error");
            XmlDocuments.element(w, "Key", d.getKey().key());
            if (d.getKey().versionId() != null) {
              XmlDocuments.element(w, "VersionId", d.getKey().versionId());
            }
            XmlDocuments.element(w, "Code", "AccessDenied");
            XmlDocuments.element(w, "Message", d.getValue());
            w.writeEndElement();
          }
        });
  }

  private static byte[] deleteBody(List<Entry> allowed, boolean quiet) {
    return XmlDocuments.fragment(
            w -> {
              w.writeStartElement("Delete");
              w.writeDefaultNamespace(S3_NS);
              if (quiet) {
                XmlDocuments.element(w, "Quiet", "true");
              }
              for (Entry e : allowed) {
                w.writeStartElement("Object");
                XmlDocuments.element(w, "Key", e.key());
                if (e.versionId() != null) {
                  XmlDocuments.element(w, "VersionId", e.versionId());
                }
                w.writeEndElement();
              }
              w.writeEndElement();
            })
        .getBytes(StandardCharsets.UTF_8);
  }

  static String insertBeforeClose(String deleteResult, String entries) {
    int end = deleteResult.lastIndexOf("</DeleteResult>");
    return end < 0 ? deleteResult : deleteResult.substring(0, end) + entries + deleteResult.substring(end);
  }

  private static byte[] md5(byte[] bytes) {
    try {
      return MessageDigest.getInstance("MD5").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK must provide MD5", e);
    }
  }

  private void release() {
    if (body != null) {
      body.release();
      body = null;
    }
    current = null;
    tooLarge = false;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    release();
    ctx.fireChannelInactive();
  }
}
