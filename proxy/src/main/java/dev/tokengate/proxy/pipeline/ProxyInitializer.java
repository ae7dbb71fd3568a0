package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.backend.BackendPool;
import dev.tokengate.proxy.backend.BackendRequestFactory;
import dev.tokengate.proxy.identity.CredentialResolver;
import dev.tokengate.sigv4.SignatureVerifier;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.util.Set;

/**
 * The proxy's architecture in one method: every handler a request passes, in order.
 *
 * <ol>
 *   <li>{@code HttpServerCodec}: HTTP/1.1 framing; bodies stream as chunks of at most 64 KiB.
 *   <li>{@code HttpServerKeepAliveHandler}: connection reuse and {@code Connection: close}.
 *   <li>{@link RequestAuthenticator}: scheme, access key, time, token, signature → {@link
 *       AuthenticatedRequest} or {@link FailedRequest}.
 *   <li>{@link ExpectContinueResponder}: {@code 100 Continue} only for authorised requests.
 *   <li>{@link PayloadVerifier}: the body against its signed SHA-256, holding back the end.
 *   <li>{@link BackendForwarder}: re-signed request to the backend, response streamed back.
 *   <li>{@link ErrorResponder}: every error response, and 500 for anything unexpected.
 * </ol>
 */
public final class ProxyInitializer extends ChannelInitializer<SocketChannel> {

  /** Long keys (1024 bytes, percent-encoded up to three times that) must fit the request line. */
  private static final int MAX_INITIAL_LINE = 16 * 1024;

  private static final int MAX_HEADER_SIZE = 64 * 1024;
  private static final int MAX_CHUNK_SIZE = 64 * 1024;

  private final CredentialResolver credentials;
  private final SignatureVerifier verifier;
  private final Set<String> regions;
  private final BackendPool backendPool;
  private final BackendRequestFactory backendRequests;

  public ProxyInitializer(
      CredentialResolver credentials,
      SignatureVerifier verifier,
      Set<String> regions,
      BackendPool backendPool,
      BackendRequestFactory backendRequests) {
    this.credentials = credentials;
    this.verifier = verifier;
    this.regions = regions;
    this.backendPool = backendPool;
    this.backendRequests = backendRequests;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ch.pipeline()
        .addLast("http", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, MAX_CHUNK_SIZE))
        .addLast("keepAlive", new HttpServerKeepAliveHandler())
        .addLast("authenticate", new RequestAuthenticator(credentials, verifier, regions))
        .addLast("continue", new ExpectContinueResponder())
        .addLast("payload", new PayloadVerifier())
        .addLast("forward", new BackendForwarder(backendPool, backendRequests))
        .addLast("errors", new ErrorResponder());
  }
}
