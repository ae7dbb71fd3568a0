package dev.tokengate.proxy.backend;

import dev.tokengate.proxy.config.BackendConfig;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.proxy.s3.VirtualHosts;
import dev.tokengate.sigv4.PayloadMode;
import dev.tokengate.sigv4.RequestSigner;
import dev.tokengate.sigv4.SignedRequest;
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
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the request the backend receives: the client's method, path and S3 headers, minus the
 * client's authentication, presign parameters, aws-chunked framing headers and hop-by-hop headers,
 * then signed afresh with the backend's credentials (sigv4.md §4).
 */
public final class BackendRequestFactory {

  /** Inbound headers that never reach the backend (lower case). */
  private static final Set<String> STRIPPED =
      Set.of(
          "authorization",
          "x-amz-security-token",
          "x-amz-content-sha256",
          "x-amz-date",
          "host",
          "connection",
          "keep-alive",
          "proxy-authorization",
          "proxy-authenticate",
          "proxy-connection",
          "te",
          "trailer",
          "upgrade",
          "expect",
          "x-amz-decoded-content-length",
          "x-amz-trailer");

  /** Query parameters that carry presigned-URL authentication (lower case). */
  private static final Set<String> PRESIGN_PARAMS =
      Set.of(
          "x-amz-algorithm",
          "x-amz-credential",
          "x-amz-date",
          "x-amz-expires",
          "x-amz-signedheaders",
          "x-amz-signature",
          "x-amz-security-token",
          "x-amz-content-sha256",
          "awsaccesskeyid",
          "signature",
          "expires");

  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final BackendConfig backend;
  private final String hostHeader;
  private final RequestSigner signer;
  private final Clock clock;
  private final VirtualHosts virtualHosts;

  public BackendRequestFactory(BackendConfig backend, RequestSigner signer, Clock clock, VirtualHosts virtualHosts) {
    this.virtualHosts = virtualHosts;
    this.backend = backend;
    URI uri = backend.uri();
    this.hostHeader = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    this.signer = signer;
    this.clock = clock;
  }

  /**
   * @param payloadHash the client's verified hex SHA-256 to pass on (the backend then checks the
   *     body too), or null to send {@code UNSIGNED-PAYLOAD}
   * @param decodedLength the plain body length when the inbound body was aws-chunked (-1 unknown)
   */
  public HttpRequest build(HttpRequest inbound, PayloadMode mode, String payloadHash, long decodedLength) {
    String uri = inbound.uri();
    int q = uri.indexOf('?');
    String rawPath = q < 0 ? uri : uri.substring(0, q);
    String hostBucket;
    try {
      hostBucket = virtualHosts.bucketOf(inbound.headers().get(HttpHeaderNames.HOST));
    } catch (S3Exception invalid) {
      throw new IllegalStateException("the authorizer refuses an invalid virtual-host bucket before forwarding", invalid);
    }
    if (hostBucket != null) {
      // Virtual-hosted in, path-style out: bucket names are DNS-safe, so no encoding is needed.
      rawPath = "/" + hostBucket + rawPath;
    }
    String rawQuery = q < 0 ? "" : withoutPresignParams(uri.substring(q + 1));
    HttpRequest out =
        new DefaultHttpRequest(
            HttpVersion.HTTP_1_1, inbound.method(), rawQuery.isEmpty() ? rawPath : rawPath + "?" + rawQuery);
    HttpHeaders headers = out.headers();
    for (Map.Entry<String, String> h : inbound.headers()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (STRIPPED.contains(name)) {
        continue;
      }
      if (name.equals("content-encoding") && mode.isAwsChunked()) {
        String rest = withoutAwsChunked(h.getValue());
        if (!rest.isEmpty()) {
          headers.add(h.getKey(), rest);
        }
        continue;
      }
      if (mode.isAwsChunked() && (name.equals("content-length") || name.equals("transfer-encoding"))) {
        continue;
      }
      if (mode.isAwsChunked() && name.equals("x-amz-sdk-checksum-algorithm")) {
        // The checksum itself arrives in a trailer, which the proxy verifies and does not forward.
        continue;
      }
      headers.add(h.getKey(), h.getValue());
    }
    if (mode.isAwsChunked()) {
      if (decodedLength >= 0) {
        headers.set(HttpHeaderNames.CONTENT_LENGTH, decodedLength);
      } else {
        headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      }
    }
    String amzDate = AMZ_DATE.format(clock.instant());
    String hash = payloadHash == null ? "UNSIGNED-PAYLOAD" : payloadHash;
    headers.set(HttpHeaderNames.HOST, hostHeader);
    headers.set("x-amz-date", amzDate);
    headers.set("x-amz-content-sha256", hash);
    List<SignedRequest.Header> signed = new ArrayList<>();
    for (Map.Entry<String, String> h : headers) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (name.equals("host") || name.startsWith("x-amz-") || name.equals("content-md5")) {
        signed.add(new SignedRequest.Header(name, h.getValue()));
      }
    }
    SignedRequest toSign = new SignedRequest(out.method().name(), rawPath, rawQuery, signed);
    headers.set(
        HttpHeaderNames.AUTHORIZATION,
        signer.authorization(
            toSign, backend.accessKey(), backend.secretKey(), backend.region(), "s3", amzDate, hash));
    return out;
  }

  /**
   * {@code HEAD /bucket}, signed with the backend's keys: whether the backend has the bucket (the
   * proxy asks before it stores a bucket policy). A valid bucket name needs no path encoding.
   */
  public FullHttpRequest headBucket(String bucket) {
    String path = "/" + bucket;
    String amzDate = AMZ_DATE.format(clock.instant());
    String hash = "UNSIGNED-PAYLOAD";
    FullHttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.HEAD, path, Unpooled.EMPTY_BUFFER);
    out.headers().set(HttpHeaderNames.HOST, hostHeader).set("x-amz-date", amzDate).set("x-amz-content-sha256", hash);
    SignedRequest toSign = new SignedRequest("HEAD", path, "", List.of(
        new SignedRequest.Header("host", hostHeader), new SignedRequest.Header("x-amz-date", amzDate),
        new SignedRequest.Header("x-amz-content-sha256", hash)));
    out.headers().set(HttpHeaderNames.AUTHORIZATION,
        signer.authorization(toSign, backend.accessKey(), backend.secretKey(), backend.region(), "s3", amzDate, hash));
    return out;
  }

  private static String withoutAwsChunked(String contentEncoding) {
    List<String> kept = new ArrayList<>();
    for (String coding : contentEncoding.split(",")) {
      String c = coding.trim();
      if (!c.isEmpty() && !c.equalsIgnoreCase("aws-chunked")) {
        kept.add(c);
      }
    }
    return String.join(",", kept);
  }

  /** The raw query without authentication parameters; the others keep their exact encoding. */
  static String withoutPresignParams(String rawQuery) {
    StringBuilder kept = new StringBuilder(rawQuery.length());
    for (String param : rawQuery.split("&")) {
      if (param.isEmpty()) {
        continue;
      }
      int eq = param.indexOf('=');
      String name = (eq < 0 ? param : param.substring(0, eq)).toLowerCase(Locale.ROOT);
      if (PRESIGN_PARAMS.contains(name)) {
        continue;
      }
      if (kept.length() > 0) {
        kept.append('&');
      }
      kept.append(param);
    }
    return kept.toString();
  }
}
