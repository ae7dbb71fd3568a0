package dev.tokengate.proxy.sts;

import dev.tokengate.policy.MalformedPolicyException;
import dev.tokengate.policy.ManagedPolicies;
import dev.tokengate.proxy.authz.PermissionResolver;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.Deflater;

/**
 * The session-narrowing parameters shared by AssumeRole* and GetFederationToken: inline {@code
 * Policy} (≤ 2048 characters, U+0009/A/D and U+0020–U+00FF), {@code PolicyArns} (≤ 10), {@code
 * Tags} (≤ 50, keys case-insensitively unique, none starting with the reserved {@code aws:}, a
 * prefix AWS reserves "case-insensitive"ly) and {@code TransitiveTagKeys} (AssumeRole only:
 * GetFederationToken "can't set session tags as transitive"); plus the packed size.
 *
 * <p>PackedPolicySize is tokengate's own measure of how much of the token's budget the policies
 * and tags take: their deflated size as a percentage of {@link #PACKED_BUDGET_BYTES}. Over 100 %
 * the call fails with PackedPolicyTooLarge, which keeps every token small enough for GUI tools.
 */
record SessionPolicyParams(
    String policy, List<String> policyArns, Map<String, String> tags, List<String> transitiveTagKeys, int packedPercent) {

  static final int PACKED_BUDGET_BYTES = 1024;
  private static final Pattern POLICY_CHARS = Pattern.compile("[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
  private static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
  private static final Pattern TAG_VALUE = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");

  static SessionPolicyParams parse(StsRequest request, StsValidation v, boolean transitiveAllowed) {
    String policy = v.string(request, "Policy", 1, 2048, POLICY_CHARS);
    List<String> arns = new ArrayList<>();
    for (Map<String, String> entry : request.structList("PolicyArns", "arn")) {
      arns.add(v.string(entry.get("arn"), "PolicyArns.member.arn", 20, 2048, null));
    }
    if (arns.size() > 10) {
      v.add("Value '" + arns + "' at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10");
    }
    Map<String, String> tags = new LinkedHashMap<>();
    List<Map<String, String>> tagList = request.structList("Tags", "Key", "Value");
    if (tagList.size() > 50) {
      v.add("Value '" + tagList.size() + " tags' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50");
    }
    java.util.Set<String> lowerKeys = new java.util.HashSet<>();
    for (Map<String, String> tag : tagList) {
      String key = v.string(tag.get("Key"), "Tags.member.key", 1, 128, TAG_KEY);
      String value = v.string(tag.getOrDefault("Value", ""), "Tags.member.value", 0, 256, TAG_VALUE);
      if (key != null && !lowerKeys.add(key.toLowerCase(Locale.ROOT))) {
        v.add("Duplicate tag keys found. Please note that Tag keys are case insensitive.");
      }
      if (key != null) {
        tags.put(key, value);
      }
    }
    // GetFederationToken has no such parameter; like any parameter an action does not define, it is ignored.
    List<String> transitive = transitiveAllowed ? request.list("TransitiveTagKeys") : List.of();
    if (transitive.size() > 50) {
      v.add("Value '" + transitive + "' at 'transitiveTagKeys' failed to satisfy constraint: Member must have length less than or equal to 50");
    }
    return new SessionPolicyParams(policy, arns, tags, transitive, packedPercent(policy, arns, tags));
  }

  /** Whether the call passes session tags or marks tags transitive: it then needs sts:TagSession. */
  boolean tagsSession() {
    return !tags.isEmpty() || !transitiveTagKeys.isEmpty();
  }

  /**
   * Rejects a reserved tag key, a policy that does not parse, an unknown managed ARN, or an
   * over-budget pack.
   */
  void check(PermissionResolver permissions) throws StsException {
    for (String key : tags.keySet()) {
      if (key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
        throw new StsException(StsError.INVALID_PARAMETER_VALUE,
            "Session tag key " + key + " is not valid: the prefix aws: is reserved for AWS use.");
      }
    }
    if (policy != null) {
      try {
        permissions.parseSessionPolicy(policy);
      } catch (MalformedPolicyException e) {
        throw new StsException(StsError.MALFORMED_POLICY_DOCUMENT, e.getMessage());
      }
    }
    for (String arn : policyArns) {
      if (ManagedPolicies.lookup(arn).isEmpty()) {
        throw new StsException(StsError.INVALID_PARAMETER_VALUE, "Policy " + arn + " does not exist or is not attachable.");
      }
    }
    if (packedPercent > 100) {
      throw new StsException(
          StsError.PACKED_POLICY_TOO_LARGE,
          (tags.isEmpty() ? "Packed policy consumes " : "Packed size of policies and session tags consumes ")
              + packedPercent + "% of allotted space, please use smaller policy.");
    }
    for (String key : transitiveTagKeys) {
      if (tags.keySet().stream().noneMatch(k -> k.equalsIgnoreCase(key))) {
        throw new StsException(
            StsError.INVALID_PARAMETER_VALUE, "The specified transitive tag key " + key + " must be included in the requested tags.");
      }
    }
  }

  private static int packedPercent(String policy, List<String> arns, Map<String, String> tags) {
    StringBuilder all = new StringBuilder();
    if (policy != null) {
      all.append(policy.replaceAll("\\s+", " "));
    }
    arns.forEach(a -> all.append('\n').append(a));
    tags.forEach((k, val) -> all.append('\n').append(k).append('=').append(val));
    if (all.length() == 0) {
      return 0;
    }
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    deflater.setInput(all.toString().getBytes(StandardCharsets.UTF_8));
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[1024];
    while (!deflater.finished()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    return (int) Math.ceil(out.size() * 100.0 / PACKED_BUDGET_BYTES);
  }
}
