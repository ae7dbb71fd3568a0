package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.identity.CredentialResolver;
import dev.tokengate.proxy.identity.ResolvedCredential;
import dev.tokengate.proxy.s3.AuthFailureMapper;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.sigv4.AuthenticationException;
import dev.tokengate.sigv4.AuthorizationParser;
import dev.tokengate.sigv4.ParsedAuthorization;
import dev.tokengate.sigv4.SigV2Authorization;
import dev.tokengate.sigv4.SigV4Authorization;
import dev.tokengate.sigv4.SignatureVerifier;
import dev.tokengate.sigv4.SignedRequest;
import dev.tokengate.sigv4.VerifiedRequest;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Authenticates each request from its head, exactly as received (raw request-target, header values
 * in arrival order): parses the scheme, resolves the access key, verifies time, token and
 * signature. Emits an {@link AuthenticatedRequest} followed by the body, or a {@link FailedRequest}
 * and then drops the body.
 *
 * <pre>HttpServerCodec → HttpServerKeepAliveHandler → <b>RequestAuthenticator</b> → …</pre>
 */
public final class RequestAuthenticator extends ChannelInboundHandlerAdapter {

  private final CredentialResolver credentials;
  private final SignatureVerifier verifier;
  private final Set<String> regions;
  private boolean discarding;

  /** @param regions the signing regions accepted; others get AuthorizationHeaderMalformed */
  public RequestAuthenticator(CredentialResolver credentials, SignatureVerifier verifier, Set<String> regions) {
    this.credentials = credentials;
    this.verifier = verifier;
    this.regions = regions;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest head) {
      discarding = false;
      String requestId = RequestIds.next();
      AuthenticatedRequest authenticated;
      try {
        authenticated = authenticate(head, requestId);
      } catch (S3Exception e) {
        boolean bodyFollows = !(head instanceof LastHttpContent) && hasBody(head);
        discarding = !(head instanceof LastHttpContent);
        // A client waiting for 100-continue never sends the body we would have to skip.
        boolean close = bodyFollows && HttpUtil.is100ContinueExpected(head);
        ctx.fireChannelRead(new FailedRequest(head, requestId, e, close));
        return;
      }
      ctx.fireChannelRead(authenticated);
      if (head instanceof HttpContent content) {
        // A full request: the body goes on after the enriched head.
        ctx.fireChannelRead(content.retain());
        ((HttpContent) head).release();
      }
    } else if (msg instanceof HttpContent content && discarding) {
      if (content instanceof LastHttpContent) {
        discarding = false;
      }
      content.release();
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  private static boolean hasBody(HttpRequest head) {
    return HttpUtil.isTransferEncodingChunked(head) || HttpUtil.getContentLength(head, 0L) > 0;
  }

  private AuthenticatedRequest authenticate(HttpRequest head, String requestId) throws S3Exception {
    SignedRequest signed = toSignedRequest(head);
    try {
      ParsedAuthorization parsed = AuthorizationParser.parse(signed);
      if (parsed == null) {
        throw new S3Exception(S3Error.ACCESS_DENIED, "Anonymous access is not allowed.");
      }
      if (parsed instanceof SigV2Authorization) {
        throw new S3Exception(S3Error.INVALID_REQUEST, "Please use AWS4-HMAC-SHA256.");
      }
      SigV4Authorization v4 = (SigV4Authorization) parsed;
      checkScope(v4);
      ResolvedCredential resolved = credentials.resolve(v4);
      VerifiedRequest verified = verifier.verify(signed, v4, resolved.secretAccessKey());
      return new AuthenticatedRequest(head, requestId, resolved.caller(), verified.payloadMode(), verified);
    } catch (AuthenticationException e) {
      throw AuthFailureMapper.toS3(e);
    }
  }

  private void checkScope(SigV4Authorization v4) throws S3Exception {
    String service = v4.credential().scope().service();
    if (!service.equals("s3")) {
      throw new S3Exception(
          S3Error.AUTHORIZATION_HEADER_MALFORMED,
          "The authorization header is malformed; incorrect service '" + service + "'. This endpoint belongs to 's3'.");
    }
    String region = v4.credential().scope().region();
    if (!regions.contains(region)) {
      String expected = regions.iterator().next();
      throw new S3Exception(
          S3Error.AUTHORIZATION_HEADER_MALFORMED,
          "The authorization header is malformed; the region '" + region + "' is wrong; expecting '" + expected + "'",
          Map.of("Region", expected));
    }
  }

  /** The signature view of a request head: nothing here may normalise what the client sent. */
  static SignedRequest toSignedRequest(HttpRequest head) {
    String uri = head.uri();
    int q = uri.indexOf('?');
    List<SignedRequest.Header> headers = new ArrayList<>(head.headers().size());
    for (Map.Entry<String, String> h : head.headers()) {
      headers.add(new SignedRequest.Header(h.getKey(), h.getValue()));
    }
    return new SignedRequest(
        head.method().name(), q < 0 ? uri : uri.substring(0, q), q < 0 ? "" : uri.substring(q + 1), headers);
  }
}
