package dev.tokengate.proxy.backend;

import dev.tokengate.proxy.config.BackendConfig;
import dev.tokengate.proxy.s3.request.S3RequestModel;
import dev.tokengate.sigv4.RequestSigner;
import dev.tokengate.sigv4.SignedRequest;
import dev.tokengate.sigv4.UriEncoding;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the request the backend receives from the {@link S3RequestModel} alone: path-style
 * canonical path, the operation's parameters re-encoded, the allow-listed headers, framing from the
 * model's body length, then signed afresh with the backend's credentials over exactly those bytes
 * (sigv4.md §4). Nothing of the client's raw request-target or headers is copied.
 */
public final class BackendRequestFactory {

  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final BackendConfig backend;
  private final String hostHeader;
  private final RequestSigner signer;
  private final Clock clock;

  public BackendRequestFactory(BackendConfig backend, RequestSigner signer, Clock clock) {
    this.backend = backend;
    URI uri = backend.uri();
    this.hostHeader = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    this.signer = signer;
    this.clock = clock;
  }

  /**
   * @param payloadHash the client's verified hex SHA-256 of the body to pass on (the backend then
   *     checks the body too), or null to send {@code UNSIGNED-PAYLOAD}
   */
  public HttpRequest build(S3RequestModel model, String payloadHash) {
    String path = model.canonicalPath();
    String query = model.canonicalQuery();
    HttpRequest out = new DefaultHttpRequest(
        HttpVersion.HTTP_1_1, HttpMethod.valueOf(model.method()), query.isEmpty() ? path : path + "?" + query);
    HttpHeaders headers = out.headers();
    String amzDate = AMZ_DATE.format(clock.instant());
    String hash = payloadHash == null ? "UNSIGNED-PAYLOAD" : payloadHash;
    headers.set(HttpHeaderNames.HOST, hostHeader);
    for (S3RequestModel.Header h : model.headers()) {
      headers.add(h.name(), h.value());
    }
    if (model.contentLength() >= 0) {
      headers.set(HttpHeaderNames.CONTENT_LENGTH, model.contentLength());
    } else if (model.contentLength() == S3RequestModel.CHUNKED) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    headers.set("x-amz-date", amzDate);
    headers.set("x-amz-content-sha256", hash);
    List<SignedRequest.Header> signed = new ArrayList<>();
    signed.add(new SignedRequest.Header("host", hostHeader));
    for (S3RequestModel.Header h : model.headers()) {
      if (h.name().startsWith("x-amz-") || h.name().equals("content-md5")) {
        signed.add(new SignedRequest.Header(h.name(), h.value()));
      }
    }
    signed.add(new SignedRequest.Header("x-amz-content-sha256", hash));
    signed.add(new SignedRequest.Header("x-amz-date", amzDate));
    SignedRequest toSign = new SignedRequest(model.method(), path, query, signed);
    headers.set(
        HttpHeaderNames.AUTHORIZATION,
        signer.authorization(toSign, backend.accessKey(), backend.secretKey(), backend.region(), "s3", amzDate, hash));
    return out;
  }

  /**
   * {@code HEAD /bucket}, signed with the backend's keys: whether the backend has the bucket (the
   * proxy asks before it stores a bucket policy). A valid bucket name needs no path encoding.
   */
  public FullHttpRequest headBucket(String bucket) {
    return signed(HttpMethod.HEAD, "/" + bucket, "");
  }

  /** {@code GET /}, signed with the backend's keys: the readiness probe's sign of a working backend. */
  public FullHttpRequest listBuckets() {
    return signed(HttpMethod.GET, "/", "");
  }

  /**
   * {@code GET /bucket?acl} or {@code GET /bucket/key?acl[&versionId=…]}, signed with the backend's
   * keys: the ACL the proxy's authorizer consults when no policy allowed a request.
   */
  public FullHttpRequest getAcl(String bucket, String key, String versionId) {
    String path = key == null ? "/" + bucket : "/" + bucket + "/" + UriEncoding.encode(key, true);
    return signed(HttpMethod.GET, path, versionId == null ? "acl" : "acl&versionId=" + UriEncoding.encode(versionId));
  }

  /** {@code GET /bucket?ownershipControls}: whether the bucket's ACLs are disabled (BucketOwnerEnforced). */
  public FullHttpRequest getOwnershipControls(String bucket) {
    return signed(HttpMethod.GET, "/" + bucket, "ownershipControls");
  }

  /**
   * The User-Agent of the proxy's own requests (HEAD bucket, ACL reads), so a backend's log tells
   * them from forwarded ones; a forwarded request never carries a User-Agent (it is read, not passed on).
   */
  public static final String OWN_USER_AGENT = "tokengate (own request)";

  private FullHttpRequest signed(HttpMethod method, String path, String query) {
    String amzDate = AMZ_DATE.format(clock.instant());
    String hash = "UNSIGNED-PAYLOAD";
    String uri = query.isEmpty() ? path : path + "?" + query;
    FullHttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, Unpooled.EMPTY_BUFFER);
    out.headers().set(HttpHeaderNames.HOST, hostHeader).set("x-amz-date", amzDate).set("x-amz-content-sha256", hash)
        .set(HttpHeaderNames.USER_AGENT, OWN_USER_AGENT);
    SignedRequest toSign = new SignedRequest(method.name(), path, query, List.of(
        new SignedRequest.Header("host", hostHeader), new SignedRequest.Header("x-amz-date", amzDate),
        new SignedRequest.Header("x-amz-content-sha256", hash)));
    out.headers().set(HttpHeaderNames.AUTHORIZATION,
        signer.authorization(toSign, backend.accessKey(), backend.secretKey(), backend.region(), "s3", amzDate, hash));
    return out;
  }
}
