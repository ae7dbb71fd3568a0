package dev.tokengate.proxy.iam;

import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * IAM's list pagination: {@code MaxItems} and an opaque {@code Marker} (here the last name
 * returned, so a page stays right while entities come and go), {@code IsTruncated} in the result.
 */
final class IamPages {
  private IamPages() {}

  /**
   * @param names every item's sort name, in order (names are unique)
   * @return the result map with {@code listName} → the page's items, IsTruncated and Marker
   */
  static <T> Map<String, Object> page(IamCall call, String listName, List<T> items, Function<T, String> nameOf,
      Function<T, ?> render) throws StsException {
    int max = call.maxItems();
    String marker = call.get("Marker");
    int start = 0;
    if (marker != null) {
      start = -1;
      for (int i = 0; i < items.size(); i++) {
        if (nameOf.apply(items.get(i)).compareTo(marker) > 0) {
          start = i;
          break;
        }
      }
      if (start < 0) {
        start = items.size();
      }
      if (marker.isEmpty()) {
        throw new StsException(StsError.VALIDATION_ERROR, "Invalid Marker.");
      }
    }
    int end = Math.min(items.size(), start + max);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put(listName, items.subList(start, end).stream().map(render).map(o -> (Object) o).toList());
    boolean truncated = end < items.size();
    result.put("IsTruncated", String.valueOf(truncated));
    if (truncated) {
      result.put("Marker", nameOf.apply(items.get(end - 1)));
    }
    return result;
  }
}
