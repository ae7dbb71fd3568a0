package dev.tokengate.proxy.s3.request;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.sigv4.UriEncoding;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code <Tagging><TagSet><Tag><Key/><Value/></Tag>…</TagSet></Tagging>} document (the POST
 * form's {@code tagging} field), read strictly and turned into the {@code x-amz-tagging} header a
 * PutObject carries: {@code k=v&…}, URL-encoded, so the request model checks tags one way only.
 */
public final class TaggingBody {
  /** AWS's limit on an object's tags. */
  static final int MAX_TAGS = 10;

  private TaggingBody() {}

  public static String toHeader(String xml) throws S3Exception {
    Map<String, String> tags = new LinkedHashMap<>();
    TagSetXml.read(xml.getBytes(StandardCharsets.UTF_8), (key, value) -> {
      if (key == null || value == null || tags.putIfAbsent(key, value) != null) {
        throw new S3Exception(S3Error.INVALID_TAG, "The TagSet is not valid: every tag needs one Key, unique, and one Value.");
      }
    });
    if (tags.size() > MAX_TAGS) {
      throw new S3Exception(S3Error.INVALID_TAG, "Object tags cannot be greater than 10");
    }
    StringBuilder header = new StringBuilder();
    for (Map.Entry<String, String> t : tags.entrySet()) {
      if (header.length() > 0) {
        header.append('&');
      }
      header.append(UriEncoding.encode(t.getKey())).append('=').append(UriEncoding.encode(t.getValue()));
    }
    return header.toString();
  }
}
