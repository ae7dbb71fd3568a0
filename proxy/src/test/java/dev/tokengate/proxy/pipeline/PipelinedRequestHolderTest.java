package dev.tokengate.proxy.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One request at a time downstream: the next waits until the previous response's last content is written. */
class PipelinedRequestHolderTest {

  static HttpRequest get(String uri) {
    return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
  }

  static HttpResponse ok() {
    return new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
  }

  static List<Object> drainInbound(EmbeddedChannel ch) {
    List<Object> out = new ArrayList<>();
    for (Object m = ch.readInbound(); m != null; m = ch.readInbound()) {
      out.add(m);
    }
    return out;
  }

  static void releaseOutbound(EmbeddedChannel ch) {
    for (Object m = ch.readOutbound(); m != null; m = ch.readOutbound()) {
      ReferenceCountUtil.release(m);
    }
  }

  @Test
  void theNextRequestWaitsForTheLastContentOfTheCurrentResponse() {
    EmbeddedChannel ch = new EmbeddedChannel(new PipelinedRequestHolder());
    HttpRequest first = get("/b/1");
    HttpRequest second = get("/b/2");
    ByteBuf body = Unpooled.copiedBuffer("second body", StandardCharsets.UTF_8);
    ch.writeInbound(first, LastHttpContent.EMPTY_LAST_CONTENT, second, new DefaultLastHttpContent(body));
    List<Object> passed = drainInbound(ch);
    assertEquals(2, passed.size());
    assertSame(first, passed.get(0));
    assertFalse(ch.config().isAutoRead(), "reading pauses while a request is held");

    ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    ch.writeOutbound(ok(), new DefaultHttpContent(Unpooled.copiedBuffer("part", StandardCharsets.UTF_8)));
    ch.runPendingTasks();
    assertNull(ch.readInbound(), "neither 100 Continue nor a partial response releases the next request");

    ch.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
    ch.runPendingTasks();
    List<Object> released = drainInbound(ch);
    assertEquals(2, released.size());
    assertSame(second, released.get(0));
    assertEquals("second body", ((LastHttpContent) released.get(1)).content().toString(StandardCharsets.UTF_8));
    assertTrue(ch.config().isAutoRead(), "reading resumes once nothing is held");
    ReferenceCountUtil.release(released.get(1));
    releaseOutbound(ch);
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void bodyOfTheCurrentRequestAfterItsResponseStillFlowsAndANewRequestThenPassesAtOnce() {
    EmbeddedChannel ch = new EmbeddedChannel(new PipelinedRequestHolder());
    ch.writeInbound(get("/b/early"));
    ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FORBIDDEN));
    ch.runPendingTasks();
    ch.writeInbound(new DefaultLastHttpContent(Unpooled.copiedBuffer("rest", StandardCharsets.UTF_8)), get("/b/next"));
    List<Object> passed = drainInbound(ch);
    assertEquals(3, passed.size(), "the early-answered request's body and the next request pass unheld");
    assertTrue(passed.get(2) instanceof HttpRequest);
    passed.forEach(ReferenceCountUtil::release);
    releaseOutbound(ch);
    ch.finishAndReleaseAll();
  }

  @Test
  void tooManyHeldRequestsCloseAfterTheCurrentResponseAndReleaseWhatWasHeld() {
    EmbeddedChannel ch = new EmbeddedChannel(new PipelinedRequestHolder());
    ch.writeInbound(get("/b/current"), LastHttpContent.EMPTY_LAST_CONTENT);
    List<ByteBuf> heldBodies = new ArrayList<>();
    for (int i = 0; i <= PipelinedRequestHolder.MAX_HELD_REQUESTS; i++) {
      ByteBuf b = Unpooled.copiedBuffer("body " + i, StandardCharsets.UTF_8);
      heldBodies.add(b);
      ch.writeInbound(get("/b/" + i), new DefaultLastHttpContent(b));
    }
    assertEquals(2, drainInbound(ch).size(), "only the current request went on");
    heldBodies.forEach(b -> assertEquals(0, b.refCnt(), "held messages are released on overflow"));

    HttpResponse response = ok();
    ch.writeOutbound(response);
    assertEquals("close", response.headers().get("Connection"));
    ch.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
    ch.runPendingTasks();
    assertFalse(ch.isOpen(), "closed after the current response");
    assertNull(ch.readInbound(), "nothing more went on");
    releaseOutbound(ch);
    ch.finishAndReleaseAll();
  }

  @Test
  void heldMessagesAreReleasedWhenTheConnectionCloses() {
    EmbeddedChannel ch = new EmbeddedChannel(new PipelinedRequestHolder());
    ByteBuf body = Unpooled.copiedBuffer("held", StandardCharsets.UTF_8);
    ch.writeInbound(get("/b/1"), LastHttpContent.EMPTY_LAST_CONTENT, get("/b/2"), new DefaultLastHttpContent(body));
    drainInbound(ch);
    ch.close();
    assertEquals(0, body.refCnt());
    ch.finishAndReleaseAll();
  }
}
