package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.s3.S3Exception;
import io.netty.handler.codec.http.HttpRequest;

/**
 * A request that ends in an S3 error; travels down the pipeline to {@link ErrorResponder}, the one
 * place that writes error responses. Handlers in between let it pass (a forwarder aborts its
 * backend exchange first).
 *
 * @param service decides the error document: S3 {@code <Error>} or STS {@code <ErrorResponse>}
 * @param closeConnection the rest of the request body will not be read (e.g. an {@code Expect:
 *     100-continue} request refused before its body), so the connection cannot be reused
 */
public record FailedRequest(
    HttpRequest head, String requestId, Service service, S3Exception error, boolean closeConnection) {}
