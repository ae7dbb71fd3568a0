package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.s3.request.S3RequestModel;

/**
 * An authenticated S3 request with its strict model, emitted by {@link S3RequestModeler}; the body
 * follows as {@code HttpContent}. Everything after this reads the model, never the raw head.
 */
public record ModeledRequest(AuthenticatedRequest authenticated, S3RequestModel model) {}
