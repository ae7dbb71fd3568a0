package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.s3.XmlDocuments;
import dev.tokengate.proxy.s3.post.PostUpload;
import dev.tokengate.sigv4.UriEncoding;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The answer AWS gives a successful browser-form upload, made from the backend's PUT answer. */
final class PostResponses {
  /** The PUT answer's headers that describe the stored object or the exchange. */
  private static final List<String> KEPT = List.of("etag", "x-amz-version-id", "x-amz-request-id", "x-amz-id-2",
      "x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id", "date", "server", "connection",
      "x-amz-checksum-crc32", "x-amz-checksum-crc32c", "x-amz-checksum-sha1", "x-amz-checksum-sha256");

  private PostResponses() {}

  static FullHttpResponse success(PostUpload upload, HttpResponse put, String host) {
    String etag = put.headers().get(HttpHeaderNames.ETAG, "");
    String location = "http://" + host + "/" + UriEncoding.encode(upload.bucket()) + "/"
        + UriEncoding.encode(upload.key(), true);
    FullHttpResponse r;
    if (upload.successRedirect() != null) {
      String redirect = upload.successRedirect();
      String target = redirect + (redirect.indexOf('?') >= 0 ? "&" : "?")
          + "bucket=" + UriEncoding.encode(upload.bucket()) + "&key=" + UriEncoding.encode(upload.key())
          + "&etag=" + UriEncoding.encode(etag);
      r = empty(HttpResponseStatus.SEE_OTHER);
      r.headers().set(HttpHeaderNames.LOCATION, target);
    } else if (upload.successStatus() == 201) {
      byte[] xml = XmlDocuments.document(w -> {
        w.writeStartElement("PostResponse");
        XmlDocuments.element(w, "Location", location);
        XmlDocuments.element(w, "Bucket", upload.bucket());
        XmlDocuments.element(w, "Key", upload.key());
        XmlDocuments.element(w, "ETag", etag);
        w.writeEndElement();
      }).getBytes(StandardCharsets.UTF_8);
      r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CREATED, Unpooled.wrappedBuffer(xml));
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/xml");
      r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, xml.length);
      r.headers().set(HttpHeaderNames.LOCATION, location);
    } else if (upload.successStatus() == 200) {
      r = empty(HttpResponseStatus.OK);
      r.headers().set(HttpHeaderNames.LOCATION, location);
    } else {
      r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER);
      r.headers().set(HttpHeaderNames.LOCATION, location);
    }
    HttpHeaders from = put.headers();
    for (String name : KEPT) {
      String v = from.get(name);
      if (v != null) {
        r.headers().set(name, v);
      }
    }
    return r;
  }

  private static FullHttpResponse empty(HttpResponseStatus status) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    return r;
  }
}
