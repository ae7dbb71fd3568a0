package dev.tokengate.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a policy is evaluated against: the caller, the action, the resource ARN and the condition
 * keys of the request (case-insensitive names, each with one or more string values).
 *
 * <p>Create with {@link #of}; it fills the principal's global keys, then add request keys with
 * {@link #put}. {@link #withAction} reuses the keys for the
 * other (action, resource) pairs of a multi-permission S3 request.
 */
public final class RequestContext {
  private static final List<String> FALSE = List.of("false");
  private final Principal principal;
  private final String action;
  private final String actionLower;
  private final String resource;
  private final Map<String, List<String>> values;

  private RequestContext(Principal principal, String action, String resource, Map<String, List<String>> values) {
    this.principal = Objects.requireNonNull(principal, "principal");
    this.action = Objects.requireNonNull(action, "action");
    this.actionLower = action.toLowerCase(Locale.ROOT);
    this.resource = Objects.requireNonNull(resource, "resource");
    this.values = values;
  }

  /**
   * A context for {@code principal} doing {@code action} (e.g. {@code s3:GetObject}) on {@code
   * resource}, with the principal's global keys as AWS's condition-key reference gives them:
   * {@code aws:PrincipalArn} (the role ARN for a role session), {@code aws:PrincipalAccount},
   * {@code aws:PrincipalType}, {@code aws:userid}, {@code aws:username} (IAM users only), {@code
   * aws:ViaAWSService} and {@code aws:PrincipalIsAWSService} (always false: no AWS service calls
   * through the proxy). An anonymous caller has only the type and the two false flags.
   */
  public static RequestContext of(Principal principal, String action, String resource) {
    // Keys written pre-lower-cased: this runs once per request on the proxy's hot path.
    Map<String, List<String>> keys = new HashMap<>();
    String principalArn = principal.principalArn();
    if (principalArn != null) {
      keys.put("aws:principalarn", List.of(principalArn));
      keys.put("aws:principalaccount", List.of(principal.accountId()));
      keys.put("aws:principalisawsservice", FALSE);
    }
    keys.put("aws:principaltype", List.of(principal.type().awsName()));
    keys.put("aws:viaawsservice", FALSE);
    if (principal.userId() != null) {
      keys.put("aws:userid", List.of(principal.userId()));
    }
    if (principal.username() != null) {
      keys.put("aws:username", List.of(principal.username()));
    }
    return new RequestContext(principal, action, resource, keys);
  }

  /** The same principal and condition keys (shared, not copied) for another action and resource. */
  public RequestContext withAction(String otherAction, String otherResource) {
    return new RequestContext(principal, otherAction, otherResource, values);
  }

  /** Sets (replaces) a condition key; no values means the key is absent. */
  public RequestContext put(String key, String... keyValues) {
    return put(key, keyValues.length == 1 ? List.of(keyValues[0]) : List.of(keyValues));
  }

  /** Sets (replaces) a multi-valued condition key; an empty list means the key is absent. */
  public RequestContext put(String key, List<String> keyValues) {
    String lower = key.toLowerCase(Locale.ROOT);
    if (keyValues.isEmpty()) {
      values.remove(lower);
    } else {
      values.put(lower, List.copyOf(keyValues));
    }
    return this;
  }

  /** Adds every entry of {@code keys} (e.g. the S3 keys derived from the request). */
  public RequestContext putAll(Map<String, List<String>> keys) {
    keys.forEach(this::put);
    return this;
  }

  /** Values of {@code key} (any case), or an empty list when the request does not have it. */
  public List<String> values(String key) {
    List<String> v = values.get(key.toLowerCase(Locale.ROOT));
    return v == null ? List.of() : v;
  }

  /** Whether the request carries {@code key}. */
  public boolean has(String key) {
    return values.containsKey(key.toLowerCase(Locale.ROOT));
  }

  /** Values for an already lower-cased key, or null; the evaluator's allocation-free path. */
  List<String> valuesLower(String lowerKey) {
    return values.get(lowerKey);
  }

  /** First value for an already lower-cased key, or null. */
  String firstLower(String lowerKey) {
    List<String> v = values.get(lowerKey);
    return v == null ? null : v.get(0);
  }

  public Principal principal() {
    return principal;
  }

  public String action() {
    return action;
  }

  String actionLower() {
    return actionLower;
  }

  public String resource() {
    return resource;
  }

  /** A read-only view of the keys (lower-cased names). */
  public Map<String, List<String>> keys() {
    return Collections.unmodifiableMap(values);
  }

  @Override
  public String toString() {
    List<String> keys = new ArrayList<>(values.keySet());
    Collections.sort(keys);
    StringBuilder sb = new StringBuilder();
    sb.append(principal.arn()).append(' ').append(action).append(' ').append(resource);
    for (String k : keys) {
      sb.append(' ').append(k).append('=').append(values.get(k));
    }
    return sb.toString();
  }
}
