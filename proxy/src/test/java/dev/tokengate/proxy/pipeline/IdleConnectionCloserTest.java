package dev.tokengate.proxy.pipeline;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import org.junit.jupiter.api.Test;

class IdleConnectionCloserTest {
  @Test
  void idleEventClosesOtherEventsPass() {
    EmbeddedChannel ch = new EmbeddedChannel(new IdleConnectionCloser());
    ch.pipeline().fireUserEventTriggered("something else");
    assertTrue(ch.isOpen());
    ch.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
    assertFalse(ch.isOpen());
    ch.finishAndReleaseAll();
  }
}
