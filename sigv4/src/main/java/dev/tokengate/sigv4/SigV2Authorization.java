package dev.tokengate.sigv4;

import java.time.Instant;

/**
 * A legacy SigV2 {@code Authorization: AWS AKID:sig} header or {@code AWSAccessKeyId}/{@code
 * Signature}/{@code Expires} query.
 *
 * @param requestTime the {@code x-amz-date}/{@code Date} header time (header style), or the
 *     {@code Expires} instant (query style)
 */
public record SigV2Authorization(
    AuthStyle style, String accessKeyId, String signature, Instant requestTime, String securityToken)
    implements ParsedAuthorization {}
