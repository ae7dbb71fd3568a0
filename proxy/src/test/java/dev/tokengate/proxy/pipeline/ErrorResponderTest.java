package dev.tokengate.proxy.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tokengate.proxy.s3.RelayedError;
import dev.tokengate.proxy.s3.S3Exception;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The tail's answers: client-caused failures are S3 400s without a stack trace; bugs are 500s, logged once. */
class ErrorResponderTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger(ErrorResponder.class);
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();

  @BeforeEach
  void capture() {
    log.start();
    logger.addAppender(log);
  }

  @AfterEach
  void release() {
    logger.detachAppender(log);
  }

  private static String body(FullHttpResponse r) {
    return r.content().toString(StandardCharsets.UTF_8);
  }

  @Test
  void undecodableBytesAre400AndCloseWithoutAStackTrace() {
    EmbeddedChannel ch = new EmbeddedChannel(new ErrorResponder());
    ch.pipeline().fireExceptionCaught(new TooLongFrameException("HTTP header is larger than 65536 bytes."));
    FullHttpResponse r = ch.readOutbound();
    try {
      assertEquals(400, r.status().code());
      assertTrue(body(r).contains("<Code>InvalidRequest</Code>"), body(r));
      assertEquals("close", r.headers().get("Connection"));
    } finally {
      r.release();
    }
    assertFalse(ch.isActive());
    assertTrue(log.list.stream().noneMatch(e -> e.getThrowableProxy() != null || e.getLevel().isGreaterOrEqual(Level.WARN)));
  }

  @Test
  void aResetConnectionIsClosedQuietly() {
    EmbeddedChannel ch = new EmbeddedChannel(new ErrorResponder());
    ch.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
    assertNull(ch.readOutbound());
    assertFalse(ch.isActive());
    assertTrue(log.list.stream().noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN)));
  }

  @Test
  void aBugIs500LoggedOnceWithItsStackTrace() {
    EmbeddedChannel ch = new EmbeddedChannel(new ErrorResponder());
    ch.pipeline().fireExceptionCaught(new IllegalStateException("a handler's bug"));
    FullHttpResponse r = ch.readOutbound();
    try {
      assertEquals(500, r.status().code());
      assertTrue(body(r).contains("<Code>InternalError</Code>"));
      assertFalse(body(r).contains("a handler's bug"), "never shown to the client");
    } finally {
      r.release();
    }
    assertEquals(1, log.list.stream().filter(e -> e.getLevel() == Level.ERROR && e.getThrowableProxy() != null).count());
  }

  @Test
  void relayedErrorsRenderUnderTheBackendsCodeAndStatus() {
    FailedRequest failed = new FailedRequest(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.DELETE, "/b"), "RID",
        Service.S3, S3Exception.relayed(new RelayedError("BucketNotEmpty", 409), "The bucket you tried to delete is not empty"),
        false);
    FullHttpResponse r = ErrorResponder.render(failed);
    try {
      assertInstanceOf(RenderedError.class, r);
      assertEquals(409, r.status().code());
      assertEquals("<?xml version='1.0' encoding='UTF-8'?><Error><Code>BucketNotEmpty</Code>"
          + "<Message>The bucket you tried to delete is not empty</Message><Resource>/b</Resource>"
          + "<RequestId>RID</RequestId><HostId>tokengate</HostId></Error>", body(r));
      assertEquals("RID", r.headers().get("x-amz-request-id"));
    } finally {
      r.release();
    }
  }
}
