package dev.tokengate.proxy.sts;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An STS query-protocol call: {@code Action}, {@code Version} and the other parameters, from a
 * {@code POST /} form body or a GET query (both are accepted, as by AWS).
 */
public record StsRequest(String action, String version, Map<String, String> params) {

  public static final String VERSION = "2011-06-15";
  static final String MALFORMED_QUERY = "The query string contains a syntax error.";

  /**
   * @throws StsException {@code InvalidParameterValue} when the query or form body does not decode
   *     (a bad {@code %} escape such as {@code Action=%z}): a client error, never a 500
   */
  public static StsRequest parse(FullHttpRequest request) throws StsException {
    Map<String, String> params = new LinkedHashMap<>();
    try {
      addAll(params, new QueryStringDecoder(request.uri()).parameters());
      String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
      if (HttpMethod.POST.equals(request.method())
          && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
        String body = request.content().toString(StandardCharsets.UTF_8);
        addAll(params, new QueryStringDecoder(body, StandardCharsets.UTF_8, false).parameters());
      }
    } catch (IllegalArgumentException e) {
      // Netty's decoder refuses a malformed escape with an unchecked exception.
      throw new StsException(StsError.INVALID_PARAMETER_VALUE, MALFORMED_QUERY);
    }
    return new StsRequest(params.remove("Action"), params.remove("Version"), params);
  }

  private static void addAll(Map<String, String> into, Map<String, List<String>> decoded) {
    decoded.forEach((k, v) -> into.put(k, v.isEmpty() ? "" : v.get(v.size() - 1)));
  }

  public String get(String name) {
    return params.get(name);
  }

  /** A query-protocol list: {@code Name.member.1}, {@code Name.member.2}, … in order. */
  public List<String> list(String name) {
    List<String> values = new ArrayList<>();
    for (int i = 1; params.containsKey(name + ".member." + i); i++) {
      values.add(params.get(name + ".member." + i));
    }
    return values;
  }

  /** A list of structures: {@code Name.member.N.Field} for each field asked for. */
  public List<Map<String, String>> structList(String name, String... fields) {
    List<Map<String, String>> values = new ArrayList<>();
    for (int i = 1; ; i++) {
      Map<String, String> entry = new LinkedHashMap<>();
      for (String field : fields) {
        String value = params.get(name + ".member." + i + "." + field);
        if (value != null) {
          entry.put(field, value);
        }
      }
      if (entry.isEmpty()) {
        return values;
      }
      values.add(entry);
    }
  }
}
