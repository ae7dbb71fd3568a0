package dev.tokengate.sigv4;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** One case directory of the aws-c-auth SigV4 suite, read from test resources. */
record SuiteCase(String name, Path dir, JsonNode context) {

  /** A request file parsed into what the verifier sees, plus its body. */
  record HttpFile(SignedRequest request, byte[] body) {}

  static List<SuiteCase> all() {
    URL root = SuiteCase.class.getResource("/aws-sigv4-test-suite/v4");
    if (root == null) {
      throw new IllegalStateException("test resources must contain aws-sigv4-test-suite/v4");
    }
    try (Stream<Path> dirs = Files.list(Path.of(root.toURI()))) {
      List<SuiteCase> cases = new ArrayList<>();
      for (Path dir : dirs.sorted().toList()) {
        JsonNode context = new ObjectMapper().readTree(dir.resolve("context.json").toFile());
        cases.add(new SuiteCase(dir.getFileName().toString(), dir, context));
      }
      return cases;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Path cases run with normalisation on, which S3 never does. */
  boolean normalized() {
    return name.endsWith("-normalized");
  }

  String read(String file) {
    try {
      return Files.readString(dir.resolve(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String secret() {
    return context.path("credentials").path("secret_access_key").asText();
  }

  String token() {
    JsonNode t = context.path("credentials").path("token");
    return t.isMissingNode() ? null : t.asText();
  }

  boolean omitSessionToken() {
    return context.path("omit_session_token").asBoolean(false);
  }

  boolean signBody() {
    return context.path("sign_body").asBoolean(false);
  }

  /**
   * Parses an HTTP/1.1 request file: the target is everything between the method and the final
   * {@code HTTP/1.1} (it may hold raw spaces); lines starting with whitespace continue the previous
   * header value (obsolete folding).
   */
  HttpFile http(String file) {
    String text = read(file);
    int headEnd = text.indexOf("\n\n");
    String head = headEnd < 0 ? text : text.substring(0, headEnd);
    byte[] body = headEnd < 0 ? new byte[0]
        : text.substring(headEnd + 2).getBytes(StandardCharsets.UTF_8);
    String[] lines = head.split("\n");
    String requestLine = lines[0];
    String method = requestLine.substring(0, requestLine.indexOf(' '));
    String target = requestLine.substring(method.length() + 1, requestLine.lastIndexOf(" HTTP/"));
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String query = q < 0 ? "" : target.substring(q + 1);
    List<String[]> headers = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) {
        continue;
      }
      if (Character.isWhitespace(line.charAt(0))) {
        String[] last = headers.get(headers.size() - 1);
        last[1] = last[1] + "\n" + line;
      } else {
        int colon = line.indexOf(':');
        headers.add(new String[] {line.substring(0, colon), line.substring(colon + 1)});
      }
    }
    List<SignedRequest.Header> list = new ArrayList<>();
    for (String[] h : headers) {
      list.add(new SignedRequest.Header(h[0], h[1]));
    }
    return new HttpFile(new SignedRequest(method, path, query, list), body);
  }
}
