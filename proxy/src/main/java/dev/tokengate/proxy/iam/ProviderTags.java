package dev.tokengate.proxy.iam;

import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The tags of OIDC and SAML providers, with IAM's rules: at most 50, keys and values of IAM's
 * character set, keys compared without case (a key given again in another case replaces the old).
 */
final class ProviderTags {
  static final int MAX = 50;
  private static final String CHARS = "\\p{L}\\p{Z}\\p{N}_.:/=+\\-@";
  private static final Pattern KEY = Pattern.compile("[" + CHARS + "]{1,128}");
  private static final Pattern VALUE = Pattern.compile("[" + CHARS + "]{0,256}");

  private ProviderTags() {}

  /** The call's {@code Tags.member.N.Key/Value}, checked. */
  static Map<String, String> of(IamCall call) throws StsException {
    List<Map<String, String>> given = call.request().structList("Tags", "Key", "Value");
    if (given.size() > MAX) {
      throw new StsException(StsError.VALIDATION_ERROR, "1 validation error detected: Value at 'tags' failed to"
          + " satisfy constraint: Member must have length less than or equal to " + MAX);
    }
    Map<String, String> tags = new LinkedHashMap<>();
    for (Map<String, String> t : given) {
      String key = t.getOrDefault("Key", "");
      String value = t.getOrDefault("Value", "");
      if (!KEY.matcher(key).matches()) {
        throw pattern(key, "tags.member.key", "+");
      }
      if (!VALUE.matcher(value).matches()) {
        throw pattern(value, "tags.member.value", "*");
      }
      if (find(tags, key) != null) {
        throw new StsException(StsError.INVALID_INPUT,
            "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
      }
      tags.put(key, value);
    }
    return tags;
  }

  private static StsException pattern(String value, String at, String repeat) {
    return new StsException(StsError.VALIDATION_ERROR, "1 validation error detected: Value '" + value + "' at '" + at
        + "' failed to satisfy constraint: Member must satisfy regular expression pattern: [" + CHARS + "]" + repeat);
  }

  /**
   * @param quota IAM's name for the limit, as its LimitExceeded message gives it
   */
  static Map<String, String> added(Map<String, String> current, Map<String, String> added, String quota)
      throws StsException {
    Map<String, String> tags = new LinkedHashMap<>(current);
    for (Map.Entry<String, String> t : added.entrySet()) {
      String old = find(tags, t.getKey());
      if (old != null) {
        tags.remove(old);
      }
      tags.put(t.getKey(), t.getValue());
    }
    if (tags.size() > MAX) {
      throw new StsException(StsError.LIMIT_EXCEEDED, "Cannot exceed quota for " + quota + ": " + MAX);
    }
    return tags;
  }

  /** Without the given keys (any case); absent keys are no error, as on AWS. */
  static Map<String, String> removed(Map<String, String> current, List<String> keys) {
    Map<String, String> tags = new LinkedHashMap<>(current);
    for (String key : keys) {
      String old = find(tags, key);
      if (old != null) {
        tags.remove(old);
      }
    }
    return tags;
  }

  /** {@code TagKeys.member.N}, required by the Untag actions. */
  static List<String> keys(IamCall call) throws StsException {
    List<String> keys = call.request().list("TagKeys");
    if (keys.isEmpty()) {
      call.required("TagKeys");
    }
    return keys;
  }

  /** Tags as responses list them: sorted by key; null for none, so the element is left out. */
  static List<Map<String, Object>> render(Map<String, String> tags) {
    if (tags.isEmpty()) {
      return null;
    }
    return tags.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("Key", e.getKey());
      m.put("Value", e.getValue());
      return m;
    }).toList();
  }

  /** List…Tags: one page of the tags, with Marker and MaxItems. */
  static Map<String, Object> page(IamCall call, Map<String, String> tags) throws StsException {
    List<Map<String, Object>> all = tags.isEmpty() ? List.of() : render(tags);
    return IamPages.page(call, "Tags", all, m -> (String) m.get("Key"), m -> m);
  }

  private static String find(Map<String, String> tags, String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    return tags.keySet().stream().filter(k -> k.toLowerCase(Locale.ROOT).equals(lower)).findFirst().orElse(null);
  }
}
