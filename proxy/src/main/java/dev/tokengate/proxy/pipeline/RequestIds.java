package dev.tokengate.proxy.pipeline;

import java.util.concurrent.ThreadLocalRandom;

/** Request ids in S3's shape: 16 upper-case hex characters. */
public final class RequestIds {
  private RequestIds() {}

  public static String next() {
    return String.format("%016X", ThreadLocalRandom.current().nextLong());
  }
}
