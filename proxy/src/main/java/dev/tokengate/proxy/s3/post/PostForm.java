package dev.tokengate.proxy.s3.post;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The fields of a {@code multipart/form-data} upload that precede its {@code file} part, read
 * strictly: the body starts with the first delimiter (no preamble), every part has a
 * {@code Content-Disposition: form-data; name="…"} header, field names are unique ignoring case, and
 * the {@code file} part is the last one read: its data streams on and is never buffered here (AWS
 * ignores fields after the file; the proxy refuses them later, see {@code PostFileVerifier}).
 */
public final class PostForm {
  /** AWS's bound on the form before the file (policy, signature, metadata…), in bytes. */
  public static final int MAX_PRE_FILE_BYTES = 64 * 1024;

  private final Map<String, String> fields;
  private final String fileName;
  private final int fileDataOffset;

  private PostForm(Map<String, String> fields, String fileName, int fileDataOffset) {
    this.fields = Collections.unmodifiableMap(fields);
    this.fileName = fileName;
    this.fileDataOffset = fileDataOffset;
  }

  /** Field names lower-cased → values, in form order; the file part is not among them. */
  public Map<String, String> fields() {
    return fields;
  }

  /** The file part's {@code filename} parameter, "" when it has none. */
  public String fileName() {
    return fileName;
  }

  /** Where, from the buffer's reader index, the file part's data starts. */
  public int fileDataOffset() {
    return fileDataOffset;
  }

  /**
   * The boundary of a {@code multipart/form-data} Content-Type, or null when the type is another.
   *
   * @throws S3Exception a form type without a usable boundary
   */
  public static String boundary(String contentType) throws S3Exception {
    if (contentType == null) {
      return null;
    }
    String[] parts = contentType.split(";");
    if (!parts[0].trim().equalsIgnoreCase("multipart/form-data")) {
      return null;
    }
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim();
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("boundary")) {
        String b = p.substring(eq + 1).trim();
        if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
          b = b.substring(1, b.length() - 1);
        }
        // RFC 2046: 1 to 70 characters; none of ours may break the delimiter scan.
        if (b.isEmpty() || b.length() > 70 || !b.chars().allMatch(c -> c > 0x20 && c < 0x7f || c == ' ')) {
          break;
        }
        return b;
      }
    }
    throw malformed();
  }

  /**
   * Reads the form up to the file part's data.
   *
   * @param body the body received so far, from its first byte (not consumed)
   * @param complete the whole body has arrived
   * @return the form, or null when more of the body is needed
   * @throws S3Exception a malformed form, a duplicate field, no file part, or too much before it
   */
  public static PostForm read(ByteBuf body, String boundary, boolean complete) throws S3Exception {
    byte[] dashBoundary = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
    byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
    int start = body.readerIndex();
    int end = body.writerIndex();
    Map<String, String> fields = new LinkedHashMap<>();
    if (end - start < dashBoundary.length + 2) {
      return needMore(complete, end - start);
    }
    if (!matches(body, start, dashBoundary) || !matches(body, start + dashBoundary.length, CRLF)) {
      throw malformed();
    }
    int pos = start + dashBoundary.length + 2;
    while (true) {
      int headersEnd = indexOf(body, pos, end, CRLFCRLF);
      if (headersEnd < 0) {
        return needMore(complete, end - start);
      }
      String[] disposition = disposition(body.toString(pos, headersEnd - pos, StandardCharsets.UTF_8));
      String name = disposition[0].toLowerCase(Locale.ROOT);
      int dataStart = headersEnd + 4;
      if (name.equals("file")) {
        return new PostForm(fields, disposition[1], dataStart - start);
      }
      int valueEnd = indexOf(body, dataStart, end, delimiter);
      if (valueEnd < 0 || valueEnd + delimiter.length + 2 > end) {
        return needMore(complete, end - start);
      }
      if (fields.putIfAbsent(name, body.toString(dataStart, valueEnd - dataStart, StandardCharsets.UTF_8)) != null) {
        throw new S3Exception(S3Error.INVALID_ARGUMENT, "POST requires exactly one value for the field '" + name + "'.");
      }
      pos = valueEnd + delimiter.length;
      if (matches(body, pos, DASHES)) {
        throw new S3Exception(S3Error.INVALID_ARGUMENT, "POST requires exactly one file upload per request.");
      }
      if (!matches(body, pos, CRLF)) {
        throw malformed();
      }
      pos += 2;
    }
  }

  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};
  private static final byte[] DASHES = {'-', '-'};

  private static PostForm needMore(boolean complete, int read) throws S3Exception {
    if (read > MAX_PRE_FILE_BYTES) {
      throw new S3Exception(S3Error.MAX_POST_PRE_DATA_LENGTH_EXCEEDED);
    }
    if (complete) {
      throw malformed();
    }
    return null;
  }

  /** [name, filename] from a part's headers; other headers (a part's Content-Type) are ignored. */
  private static String[] disposition(String headers) throws S3Exception {
    String name = null;
    String fileName = "";
    for (String line : headers.split("\r\n", -1)) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw malformed();
      }
      if (!line.substring(0, colon).trim().equalsIgnoreCase("content-disposition")) {
        continue;
      }
      if (name != null) {
        throw malformed();
      }
      String[] params = line.substring(colon + 1).split(";");
      if (!params[0].trim().equalsIgnoreCase("form-data")) {
        throw malformed();
      }
      for (int i = 1; i < params.length; i++) {
        String p = params[i].trim();
        int eq = p.indexOf('=');
        if (eq <= 0) {
          throw malformed();
        }
        String key = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        String value = unquote(p.substring(eq + 1).trim());
        if (key.equals("name")) {
          name = value;
        } else if (key.equals("filename")) {
          fileName = value;
        }
      }
    }
    if (name == null || name.isEmpty()) {
      throw malformed();
    }
    return new String[] {name, fileName};
  }

  private static String unquote(String v) throws S3Exception {
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      v = v.substring(1, v.length() - 1);
    }
    if (v.indexOf('"') >= 0) {
      throw malformed();
    }
    return v;
  }

  private static boolean matches(ByteBuf buf, int at, byte[] expected) {
    if (at + expected.length > buf.writerIndex()) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if (buf.getByte(at + i) != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(ByteBuf buf, int from, int to, byte[] needle) {
    int last = to - needle.length;
    for (int i = from; i <= last; i++) {
      i = ByteBufUtil.indexOf(buf, i, last + 1, needle[0]);
      if (i < 0) {
        return -1;
      }
      if (matches(buf, i, needle)) {
        return i;
      }
    }
    return -1;
  }

  static S3Exception malformed() {
    return new S3Exception(S3Error.MALFORMED_POST_REQUEST);
  }
}
