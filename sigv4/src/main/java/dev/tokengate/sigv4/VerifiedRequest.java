package dev.tokengate.sigv4;

/**
 * A request whose signature checked out: what the body stage needs to go on verifying (the payload
 * mode and, for signed aws-chunked bodies, the signing key and seed signature of the chunk chain).
 */
public record VerifiedRequest(
    SigV4Authorization authorization, PayloadMode payloadMode, byte[] signingKey) {}
