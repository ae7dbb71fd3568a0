package dev.tokengate.proxy.iam;

import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * IAM's list pagination: {@code MaxItems} and an opaque {@code Marker} (here the last name
 * returned, so a page stays right while entities come and go), {@code IsTruncated} in the result.
 */
final class IamPages {
  /**
   * How IAM lists names: regardless of case (names are unique regardless of case), so {@code aa,
   * Ab, ac}; the exact spelling breaks ties only between configured names that differ in case.
   */
  static final Comparator<String> ORDER = String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder());

  private IamPages() {}

  /**
   * @param items every item, in the list's order (by {@link #ORDER} unless the list has its own)
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
        if (nameOf.apply(items.get(i)).equals(marker)) {
          start = i + 1;
          break;
        }
      }
      // The marker's item went away meanwhile: the first one after it in ORDER.
      for (int i = 0; start < 0 && i < items.size(); i++) {
        if (ORDER.compare(nameOf.apply(items.get(i)), marker) > 0) {
          start = i;
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
