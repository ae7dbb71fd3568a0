package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.sigv4.PayloadMode;
import dev.tokengate.sigv4.VerifiedRequest;
import io.netty.handler.codec.http.HttpRequest;

/**
 * A request head whose signature, token and time checked out, enriched with who sent it. Emitted by
 * {@link RequestAuthenticator} in place of the raw {@link HttpRequest}; the body follows as plain
 * {@code HttpContent} messages.
 *
 * @param caller null for an unsigned STS call (AssumeRoleWithWebIdentity/SAML)
 * @param verified the signature facts the body stage needs (null for SigV2)
 */
public record AuthenticatedRequest(
    HttpRequest head,
    String requestId,
    Service service,
    Caller caller,
    PayloadMode payloadMode,
    VerifiedRequest verified) {}
