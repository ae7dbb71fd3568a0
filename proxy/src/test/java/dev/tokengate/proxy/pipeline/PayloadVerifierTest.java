package dev.tokengate.proxy.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tokengate.policy.s3.S3Operation;
import dev.tokengate.proxy.s3.request.S3RequestModel;
import dev.tokengate.proxy.s3.request.S3RequestModelParser;
import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.sigv4.AuthStyle;
import dev.tokengate.sigv4.Credential;
import dev.tokengate.sigv4.CredentialScope;
import dev.tokengate.sigv4.PayloadMode;
import dev.tokengate.sigv4.SigV4Authorization;
import dev.tokengate.sigv4.VerifiedRequest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The body is checked against its signed hash, and its last piece only goes on once it matched. */
class PayloadVerifierTest {

  static AuthorizedRequest request(String hash) throws Exception {
    SigV4Authorization auth =
        new SigV4Authorization(AuthStyle.HEADER, new Credential("AKIAX", new CredentialScope("20260101", "us-east-1", "s3")),
            List.of("host"), "00", "20260101T000000Z", Instant.EPOCH, -1, hash, null);
    AuthenticatedRequest a =
        new AuthenticatedRequest(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/bkt/k"), "RID", Service.S3,
            null, PayloadMode.SIGNED, new VerifiedRequest(auth, PayloadMode.SIGNED, new byte[32]));
    S3RequestModel model = S3RequestModelParser.parse("PUT", "/bkt/k", List.of(), null, false);
    assertEquals(S3Operation.PUT_OBJECT, model.operation());
    return new AuthorizedRequest(a, model, null, false, false);
  }

  static String sha256(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  static HttpContent part(String s) {
    return new DefaultHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
  }

  @Test
  void matchingBodyPassesWithTheLastPieceHeldUntilTheEnd() throws Exception {
    EmbeddedChannel ch = new EmbeddedChannel(new PayloadVerifier());
    ch.writeInbound(request(sha256("abcdef")));
    assertNull(ch.readInbound(), "the head waits for the first piece of body");
    ch.writeInbound(part("ab"));
    assertInstanceOf(AuthorizedRequest.class, ch.readInbound());
    assertNull(ch.readInbound(), "the newest piece is held back");
    ch.writeInbound(part("cd"));
    HttpContent first = ch.readInbound();
    assertEquals("ab", first.content().toString(StandardCharsets.UTF_8));
    first.release();
    ch.writeInbound(new DefaultLastHttpContent(Unpooled.copiedBuffer("ef", StandardCharsets.UTF_8)));
    HttpContent second = ch.readInbound();
    assertEquals("cd", second.content().toString(StandardCharsets.UTF_8));
    second.release();
    LastHttpContent last = ch.readInbound();
    assertEquals("ef", last.content().toString(StandardCharsets.UTF_8));
    last.release();
    ch.finishAndReleaseAll();
  }

  @Test
  void mismatchReleasesTheHeldPieceAndFails() throws Exception {
    EmbeddedChannel ch = new EmbeddedChannel(new PayloadVerifier());
    ch.writeInbound(request(sha256("something else")));
    ch.writeInbound(part("ab"));
    assertInstanceOf(AuthorizedRequest.class, ch.readInbound());
    ch.writeInbound(new DefaultLastHttpContent(Unpooled.copiedBuffer("cd", StandardCharsets.UTF_8)));
    FailedRequest failed = ch.readInbound();
    assertEquals(S3Error.X_AMZ_CONTENT_SHA256_MISMATCH, failed.error().error());
    assertNull(ch.readInbound(), "no body byte may follow a failure");
    ch.finishAndReleaseAll();
  }

  /** An empty body has no piece to hold back: the head itself is held until the hash matched. */
  @Test
  void emptyBodyWithAnotherHashNeverPassesTheHead() throws Exception {
    EmbeddedChannel ch = new EmbeddedChannel(new PayloadVerifier());
    ch.writeInbound(request(sha256("not empty")));
    assertNull(ch.readInbound());
    ch.writeInbound(LastHttpContent.EMPTY_LAST_CONTENT);
    FailedRequest failed = ch.readInbound();
    assertEquals(S3Error.X_AMZ_CONTENT_SHA256_MISMATCH, failed.error().error());
    assertNull(ch.readInbound(), "neither the head nor the end reaches the backend");
    ch.finishAndReleaseAll();
  }

  @Test
  void emptyBodyWithTheEmptyHashPassesHeadThenEnd() throws Exception {
    EmbeddedChannel ch = new EmbeddedChannel(new PayloadVerifier());
    ch.writeInbound(request(sha256("")));
    assertNull(ch.readInbound());
    ch.writeInbound(LastHttpContent.EMPTY_LAST_CONTENT);
    assertInstanceOf(AuthorizedRequest.class, ch.readInbound());
    assertInstanceOf(LastHttpContent.class, ch.readInbound());
    ch.finishAndReleaseAll();
  }
}
