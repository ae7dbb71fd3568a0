package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses, before anything reads it, a request whose message framing is not one unambiguous thing:
 * a head the decoder could not parse ({@code decoderResult()} failed: a bad line, {@code
 * Content-Length} with {@code Transfer-Encoding}, several Content-Length values, an oversized
 * head), a {@code Transfer-Encoding} other than exactly {@code chunked}, a header that decides
 * framing or authentication sent more than once, an HTTP/1.1 request without {@code Host} or with
 * a Host that is not one authority, or a chunked body that stops parsing midway. A
 * proxy and a backend that split such a stream differently would each see other requests.
 *
 * <p>The answer is S3's error ({@link S3Error#BAD_REQUEST}, or {@link
 * S3Error#REQUEST_HEADER_SECTION_TOO_LARGE}/{@link S3Error#REQUEST_LINE_TOO_LONG}) with {@code
 * Connection: close}: after a framing error nothing that follows on the connection can be trusted,
 * so it is dropped until the connection closes. Client input, so no stack trace is logged.
 *
 * <pre>HttpServerCodec → PipelinedRequestHolder → <b>HttpFramingValidator</b> → HttpServerKeepAliveHandler → …</pre>
 */
public final class HttpFramingValidator extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(HttpFramingValidator.class);

  /** Headers whose second copy would let two readers disagree on framing or on who signed. */
  static final List<AsciiString> SINGLE_HEADERS =
      List.of(
          HttpHeaderNames.HOST,
          HttpHeaderNames.AUTHORIZATION,
          AsciiString.cached("x-amz-date"),
          AsciiString.cached("x-amz-security-token"),
          AsciiString.cached("x-amz-content-sha256"),
          HttpHeaderNames.CONTENT_LENGTH,
          HttpHeaderNames.TRANSFER_ENCODING,
          HttpHeaderNames.EXPECT);

  private final int maxHeaderSize;
  private final int maxInitialLine;
  private HttpRequest current;
  private boolean refused;

  /** The decoder's limits, reported to the client as {@code MaxSizeAllowed}. */
  public HttpFramingValidator(int maxInitialLine, int maxHeaderSize) {
    this.maxInitialLine = maxInitialLine;
    this.maxHeaderSize = maxHeaderSize;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refused) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      S3Exception refusal = check(request);
      if (refusal != null) {
        // The decoder's stand-in for a request line it could not parse is a FullHttpRequest "GET
        // /bad-request": no head of the client's to answer for.
        HttpRequest head = request instanceof FullHttpRequest ? null : request;
        ReferenceCountUtil.release(msg);
        refuse(ctx, head, refusal);
        return;
      }
      current = request;
    } else if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
      LOG.debug("connection {}: request body framing failed: {}", ctx.channel(), content.decoderResult().cause().toString());
      content.release();
      refuse(ctx, current, new S3Exception(S3Error.BAD_REQUEST));
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private void refuse(ChannelHandlerContext ctx, HttpRequest head, S3Exception refusal) {
    refused = true;
    current = null;
    ctx.fireChannelRead(new FailedRequest(head, RequestIds.next(), Service.S3, refusal, true));
  }

  /** The refusal for {@code request}, or null when its framing is unambiguous. */
  S3Exception check(HttpRequest request) {
    DecoderResult result = request.decoderResult();
    if (result.isFailure()) {
      Throwable cause = result.cause();
      LOG.debug("request head did not parse: {}", cause.toString());
      if (cause instanceof TooLongHttpHeaderException) {
        return tooLarge(S3Error.REQUEST_HEADER_SECTION_TOO_LARGE, maxHeaderSize);
      }
      if (cause instanceof TooLongHttpLineException) {
        return tooLarge(S3Error.REQUEST_LINE_TOO_LONG, maxInitialLine);
      }
      return new S3Exception(S3Error.BAD_REQUEST);
    }
    HttpHeaders headers = request.headers();
    HttpVersion version = request.protocolVersion();
    if (version.majorVersion() == 1 && version.minorVersion() >= 1 && !headers.contains(HttpHeaderNames.HOST)) {
      // RFC 9112 section 3.2: a server must answer an HTTP/1.1 request without Host with 400.
      LOG.debug("request refused: HTTP/1.1 without Host");
      return new S3Exception(S3Error.BAD_REQUEST);
    }
    for (AsciiString name : SINGLE_HEADERS) {
      if (headers.getAll(name).size() > 1) {
        LOG.debug("request refused: {} appears more than once", name);
        return new S3Exception(S3Error.BAD_REQUEST);
      }
    }
    String host = headers.get(HttpHeaderNames.HOST);
    if (host != null && !isOneAuthority(host.trim())) {
      // The decoder joins a folded continuation line onto the header before it ("Host: a\r\n b"
      // becomes "a b"), and a list is not one host either.
      LOG.debug("request refused: Host '{}' is not one authority", host);
      return new S3Exception(S3Error.BAD_REQUEST);
    }
    String transferEncoding = headers.get(HttpHeaderNames.TRANSFER_ENCODING);
    if (transferEncoding != null) {
      // The decoder refuses Content-Length with it already; checked again so that no decoder
      // setting can make the two framings coexist.
      if (!transferEncoding.trim().equalsIgnoreCase("chunked") || headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
        LOG.debug("request refused: Transfer-Encoding '{}' with Content-Length {}", transferEncoding,
            headers.get(HttpHeaderNames.CONTENT_LENGTH));
        return new S3Exception(S3Error.BAD_REQUEST);
      }
    }
    return null;
  }

  private static boolean isOneAuthority(String host) {
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c == ' ' || c == '\t' || c == ',') {
        return false;
      }
    }
    return true;
  }

  private static S3Exception tooLarge(S3Error error, int limit) {
    return new S3Exception(error, error.defaultMessage(), Map.of("MaxSizeAllowed", Integer.toString(limit)));
  }
}
