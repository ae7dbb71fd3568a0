package dev.tokengate.proxy.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BackendErrorMapperTest {

  private static byte[] doc(String code, String message) {
    return ("<Error><Code>" + code + "</Code><Message>" + message + "</Message><RequestId>BACKEND-REQ</RequestId>"
        + "<HostId>backend-host</HostId></Error>").getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @CsvSource({"100,false", "200,false", "204,false", "206,false", "304,false", "300,true", "301,true",
      "307,true", "400,true", "404,true", "412,true", "416,true", "500,true", "503,true"})
  void whatIsAnError(int status, boolean error) {
    assertEquals(error, BackendErrorMapper.isError(status));
  }

  @ParameterizedTest
  @CsvSource({"404,NoSuchKey", "404,NoSuchBucket", "409,BucketNotEmpty", "412,PreconditionFailed",
      "416,InvalidRange", "403,AccessDenied", "400,InvalidArgument", "503,SlowDown", "500,InternalError",
      "403,InvalidObjectState", "400,XMinioInvalidObjectName"})
  void codeStatusAndMessageAreRelayed(int status, String code) {
    BackendErrorMapper.Mapped m = BackendErrorMapper.map(status, doc(code, "what the backend says"));
    assertNull(m.warning());
    assertEquals(code, m.error().code());
    assertEquals(status, m.error().status());
    assertEquals("what the backend says", m.error().getMessage());
    assertNotNull(m.error().relayed());
    assertNull(m.error().error());
    assertTrue(m.error().extraElements().isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"SignatureDoesNotMatch", "InvalidAccessKeyId", "AuthorizationHeaderMalformed",
      "RequestTimeTooSkewed", "InvalidToken", "ExpiredToken", "XAmzContentSHA256Mismatch"})
  void theBackendRefusingTheProxysSignatureIsAnInternalError(String code) {
    BackendErrorMapper.Mapped m = BackendErrorMapper.map(403, doc(code, "signature of BACKENDKEY"));
    assertEquals(S3Error.INTERNAL_ERROR, m.error().error());
    assertEquals(500, m.error().status());
    assertEquals(S3Error.INTERNAL_ERROR.defaultMessage(), m.error().getMessage());
    assertTrue(m.warning().contains(code), m.warning());
    assertFalse(m.warning().contains("BACKENDKEY"), m.warning());
  }

  @ParameterizedTest
  @ValueSource(ints = {301, 302, 307, 308})
  void redirectsAreAnInternalError(int status) {
    BackendErrorMapper.Mapped m = BackendErrorMapper.map(status,
        "<Error><Code>PermanentRedirect</Code><Endpoint>backend.internal:9000</Endpoint></Error>".getBytes(StandardCharsets.UTF_8));
    assertEquals(S3Error.INTERNAL_ERROR, m.error().error());
    assertTrue(m.warning().contains("PermanentRedirect"), m.warning());
    assertFalse(m.warning().contains("backend.internal"), m.warning());
    assertEquals(S3Error.INTERNAL_ERROR, BackendErrorMapper.map(status, null).error().error(), "HEAD");
  }

  @ParameterizedTest
  @CsvSource({"404,NotFound", "403,Forbidden", "412,PreconditionFailed", "400,BadRequest", "500,InternalServerError"})
  void headErrorsKeepTheirStatus(int status, String code) {
    BackendErrorMapper.Mapped m = BackendErrorMapper.map(status, null);
    assertNull(m.warning());
    assertEquals(status, m.error().status());
    assertEquals(code, m.error().code());
  }

  @ParameterizedTest
  @CsvSource({"502,ServiceUnavailable,503", "503,ServiceUnavailable,503", "504,ServiceUnavailable,503",
      "500,InternalError,500", "404,InternalError,500", "400,InternalError,500"})
  void unreadableBodies(int status, String code, int answered) {
    for (String body : new String[] {"<html>oops</html>", "", "<Error><Code>has space</Code></Error>",
        "<Error><Code>&lt;script&gt;</Code></Error>", "<Error><Code>" + "A".repeat(65) + "</Code></Error>"}) {
      BackendErrorMapper.Mapped m = BackendErrorMapper.map(status, body.getBytes(StandardCharsets.UTF_8));
      assertEquals(code, m.error().code(), body);
      assertEquals(answered, m.error().status(), body);
      assertNotNull(m.warning(), body);
    }
  }

  @Test
  void messagesAreOneBoundedLine() {
    assertEquals("line one line two", BackendErrorMapper.map(400, doc("InvalidArgument", "line one\n\tline two")).error().getMessage());
    assertEquals(1024, BackendErrorMapper.map(400, doc("InvalidArgument", "x".repeat(5000))).error().getMessage().length());
    assertEquals("NoSuchKey", BackendErrorMapper.map(404, "<Error><Code>NoSuchKey</Code></Error>".getBytes(StandardCharsets.UTF_8))
        .error().getMessage(), "no message: the code stands in");
  }

  @Test
  void relayedErrorsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> new RelayedError("No Such", 404));
    assertThrows(IllegalArgumentException.class, () -> new RelayedError("NoSuchKey", 200));
    assertThrows(IllegalArgumentException.class, () -> new RelayedError("NoSuchKey", 600));
    assertThrows(IllegalArgumentException.class, () -> new RelayedError(null, 404));
  }
}
