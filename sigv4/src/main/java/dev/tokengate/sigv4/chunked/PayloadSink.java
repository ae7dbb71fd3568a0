package dev.tokengate.sigv4.chunked;

import java.nio.ByteBuffer;

/**
 * Receives decoded payload bytes from {@link AwsChunkedParser} without copying: each call names a
 * range of the very buffer passed to {@link AwsChunkedParser#feed}, by absolute index.
 */
@FunctionalInterface
public interface PayloadSink {

  /**
   * @param source the buffer being fed; read it with absolute gets or a {@code slice}/{@code
   *     duplicate}, and leave its position and limit alone (the parser restores them anyway)
   * @param position absolute index of the first payload byte
   * @param length number of payload bytes, at least 1
   */
  void payload(ByteBuffer source, int position, int length);
}
