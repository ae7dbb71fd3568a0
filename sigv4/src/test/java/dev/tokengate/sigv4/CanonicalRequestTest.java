package dev.tokengate.sigv4;

import static dev.tokengate.sigv4.S3Examples.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CanonicalRequestTest {

  @Test
  void queryIsEncodedSortedAndEmptyValuesGetEquals() {
    assertEquals("lifecycle=", CanonicalRequest.canonicalQuery("lifecycle", false));
    assertEquals("max-keys=2&prefix=J", CanonicalRequest.canonicalQuery("prefix=J&max-keys=2", false));
    assertEquals("a=1&a=2&b=", CanonicalRequest.canonicalQuery("b=&a=2&&a=1", false));
    assertEquals("p=a%20b&q=x%2Fy", CanonicalRequest.canonicalQuery("q=x/y&p=a+b", false));
    assertEquals("A=1&a=1", CanonicalRequest.canonicalQuery("a=1&A=1", false));
  }

  @Test
  void presignedQueryDropsOnlyTheSignature() {
    assertEquals("X-Amz-Date=1&X-Amz-Security-Token=t",
        CanonicalRequest.canonicalQuery("X-Amz-Signature=abc&X-Amz-Date=1&X-Amz-Security-Token=t",
            true));
    assertEquals("X-Amz-Signature=abc", CanonicalRequest.canonicalQuery("X-Amz-Signature=abc", false));
  }

  @Test
  void headersAreTrimmedCollapsedAndJoinedInArrivalOrder() {
    SignedRequest r = request("GET", "/", "", "My-H", "  b   c \t d ", "my-h", "a",
        "Host", "h");
    assertEquals("host:h\nmy-h:b c d,a\n",
        CanonicalRequest.canonicalHeaders(r, List.of("host", "my-h")));
  }

  @Test
  void fullLayout() {
    SignedRequest r = request("PUT", "/k", "", "host", "h", "x-amz-date", "20130524T000000Z");
    assertEquals("PUT\n/k\n\nhost:h\nx-amz-date:20130524T000000Z\n\nhost;x-amz-date\nUNSIGNED-PAYLOAD",
        CanonicalRequest.of(r, List.of("host", "x-amz-date"), "UNSIGNED-PAYLOAD", false).text());
  }

  @Test
  void headersConsumedByTheHttpStackUseTheirOnlyValue() {
    SignedRequest r = request("PUT", "/k", "", "host", "h");
    assertEquals("expect:100-continue\nhost:h\ntransfer-encoding:chunked\n",
        CanonicalRequest.canonicalHeaders(r, List.of("expect", "host", "transfer-encoding")));
  }
}
