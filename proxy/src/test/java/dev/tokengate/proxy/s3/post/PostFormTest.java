package dev.tokengate.proxy.s3.post;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostFormTest {
  private static final String B = "xYzZY";

  private static String part(String name, String value) {
    return "--" + B + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
  }

  private static final String FILE_HEAD =
      "--" + B + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n";

  private static ByteBuf buf(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
  }

  private static S3Error error(String body, boolean complete) {
    ByteBuf b = buf(body);
    try {
      return assertThrows(S3Exception.class, () -> PostForm.read(b, B, complete)).error();
    } finally {
      b.release();
    }
  }

  @Test
  void readsFieldsInOrderLowerCasedUpToTheFileData() throws Exception {
    String head = part("Key", "k") + part("x-amz-meta-A", "v\r\nwith CRLF") + FILE_HEAD;
    ByteBuf b = buf(head + "DATA\r\n--" + B + "--\r\n");
    try {
      PostForm form = PostForm.read(b, B, false);
      assertEquals(List.of("key", "x-amz-meta-a"), List.copyOf(form.fields().keySet()));
      assertEquals("v\r\nwith CRLF", form.fields().get("x-amz-meta-a"));
      assertEquals("a.txt", form.fileName());
      assertEquals(head.length(), form.fileDataOffset());
    } finally {
      b.release();
    }
  }

  @Test
  void anIncompleteFormAsksForMore() throws Exception {
    for (String partial : new String[] {"--x", part("key", "k"), part("key", "k") + "--" + B + "\r\nContent-Disp"}) {
      ByteBuf b = buf(partial);
      try {
        assertNull(PostForm.read(b, B, false), partial);
      } finally {
        b.release();
      }
      assertEquals(S3Error.MALFORMED_POST_REQUEST, error(partial, true), "complete bodies must not wait: " + partial);
    }
  }

  @Test
  void refusals() {
    assertEquals(S3Error.INVALID_ARGUMENT, error(part("key", "a") + part("KEY", "b") + FILE_HEAD, false));
    assertEquals(S3Error.INVALID_ARGUMENT, error(part("key", "a") + "--" + B + "--\r\n", true));
    assertEquals(S3Error.MALFORMED_POST_REQUEST, error("preamble\r\n" + part("key", "a") + FILE_HEAD, false));
    assertEquals(S3Error.MALFORMED_POST_REQUEST,
        error("--" + B + "\r\nContent-Type: text/plain\r\n\r\nv\r\n" + FILE_HEAD, false));
    assertEquals(S3Error.MALFORMED_POST_REQUEST,
        error("--" + B + "\r\nContent-Disposition: attachment; name=\"key\"\r\n\r\nv\r\n" + FILE_HEAD, false));
    assertEquals(S3Error.MAX_POST_PRE_DATA_LENGTH_EXCEEDED,
        error(part("x-amz-meta-big", "v".repeat(PostForm.MAX_PRE_FILE_BYTES + 1)), false));
  }

  @Test
  void boundaryFromTheContentType() throws Exception {
    assertEquals("abc", PostForm.boundary("multipart/form-data; boundary=abc"));
    assertEquals("a b", PostForm.boundary("Multipart/Form-Data;charset=utf-8; BOUNDARY=\"a b\""));
    assertNull(PostForm.boundary("application/x-www-form-urlencoded"));
    assertNull(PostForm.boundary(null));
    assertEquals(S3Error.MALFORMED_POST_REQUEST,
        assertThrows(S3Exception.class, () -> PostForm.boundary("multipart/form-data")).error());
    assertEquals(S3Error.MALFORMED_POST_REQUEST,
        assertThrows(S3Exception.class, () -> PostForm.boundary("multipart/form-data; boundary=" + "b".repeat(71)))
            .error());
  }

  @Test
  void uploadMapsFieldsToObjectHeadersAndSubstitutesTheFileName() throws Exception {
    ByteBuf b = buf(part("key", "up/${filename}") + part("acl", "public-read") + part("Content-Type", "text/plain")
        + part("x-amz-meta-k", "v") + part("x-ignore-me", "1") + part("success_action_status", "404")
        + part("tagging", "<Tagging><TagSet><Tag><Key>a b</Key><Value>c/d</Value></Tag></TagSet></Tagging>")
        + "--" + B + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"C:\\dir\\photo.png\"\r\n\r\n");
    try {
      PostUpload u = PostUpload.of(PostForm.read(b, B, false), "bkt");
      assertEquals("up/photo.png", u.key());
      assertEquals(Map.of("x-amz-acl", "public-read", "content-type", "text/plain", "x-amz-meta-k", "v",
          "x-amz-tagging", "a%20b=c%2Fd"), u.headers());
      assertEquals("bkt", u.fields().get("bucket"));
      assertEquals("up/photo.png", u.fields().get("key"));
      assertEquals(204, u.successStatus());
      assertNull(u.signature());
    } finally {
      b.release();
    }
  }

  @Test
  void uploadRefusals() {
    ByteBuf noKey = buf(part("acl", "private") + FILE_HEAD);
    ByteBuf unsignedPolicy = buf(part("key", "k") + part("policy", "e30=") + FILE_HEAD);
    ByteBuf v2WithoutSignature = buf(part("key", "k") + part("AWSAccessKeyId", "AKIA") + part("policy", "e30=") + FILE_HEAD);
    try {
      assertEquals(S3Error.INVALID_ARGUMENT,
          assertThrows(S3Exception.class, () -> PostUpload.of(PostForm.read(noKey, B, false), "b")).error());
      assertEquals(S3Error.INVALID_ARGUMENT,
          assertThrows(S3Exception.class, () -> PostUpload.of(PostForm.read(unsignedPolicy, B, false), "b")).error());
      assertEquals(S3Error.INVALID_ARGUMENT,
          assertThrows(S3Exception.class, () -> PostUpload.of(PostForm.read(v2WithoutSignature, B, false), "b"))
              .error());
    } finally {
      noKey.release();
      unsignedPolicy.release();
      v2WithoutSignature.release();
    }
  }
}
