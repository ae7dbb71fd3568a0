package dev.tokengate.sigv4;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StringToSignTest {

  @Test
  void layoutAndSpacedHex() {
    CanonicalRequest canonical = new CanonicalRequest("x");
    StringToSign sts = StringToSign.of("20130524T000000Z", S3Examples.SCOPE, canonical);
    assertEquals("AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
        + Sha256.hex("x"), sts.text());
    assertEquals("41 57 0a", StringToSign.spacedHex("AW\n"));
    assertEquals(64, sts.sign(new byte[32]).length());
  }
}
