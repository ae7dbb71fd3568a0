package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.s3.post.PostUpload;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The PutObject a browser-form upload becomes ({@link PostObjectHandler}): a head built from the
 * form's fields alone, which the rest of the pipeline models, authorizes and forwards like any
 * PUT. Its body is the rest of the form body from the file part's first byte: {@link
 * PostFileVerifier} passes on exactly {@link #fileLength()} bytes and checks that the close
 * delimiter, and nothing else, follows them.
 */
final class PostObjectRequest extends DefaultHttpRequest {
  private final PostUpload upload;
  private final long fileLength;
  private final byte[] delimiter;

  PostObjectRequest(String uri, HttpHeaders headers, PostUpload upload, long fileLength, String boundary) {
    super(HttpVersion.HTTP_1_1, HttpMethod.PUT, uri, headers);
    this.upload = upload;
    this.fileLength = fileLength;
    this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
  }

  PostUpload upload() {
    return upload;
  }

  long fileLength() {
    return fileLength;
  }

  /** {@code CRLF--boundary}: the file's data may not contain it. */
  byte[] delimiter() {
    return delimiter.clone();
  }

  /** What must follow the file's data, to the body's last byte. */
  byte[] closeDelimiter() {
    byte[] close = new byte[delimiter.length + 4];
    System.arraycopy(delimiter, 0, close, 0, delimiter.length);
    close[delimiter.length] = '-';
    close[delimiter.length + 1] = '-';
    close[delimiter.length + 2] = '\r';
    close[delimiter.length + 3] = '\n';
    return close;
  }

  /** Bytes of form body after the file's data. */
  int closeDelimiterLength() {
    return delimiter.length + 4;
  }
}
