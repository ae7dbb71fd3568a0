package dev.tokengate.proxy.sts;

import dev.tokengate.proxy.sts.saml.VerifiedAssertion;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The AWS attributes of a verified assertion ("Configure SAML assertions for the authentication
 * response", IAM User Guide): Role ("roleArn,providerArn" pairs, either order), RoleSessionName
 * (required), SessionDuration, SourceIdentity, PrincipalTag:KEY and TransitiveTagKeys. A bad one
 * is InvalidIdentityToken with IAM's wording.
 *
 * @param tagParams the session tags as AssumeRole's {@code Tags.member.N.Key/Value} and {@code
 *     TransitiveTagKeys.member.N}, so they are checked by the same rules
 */
record SamlSessionAttributes(Set<String> rolePairs, String sessionName, Integer sessionDuration,
    String sourceIdentity, Map<String, String> tagParams) {
  private static final String PREFIX = AssumeRoleWithSamlAction.ATTRIBUTES;
  private static final String PRINCIPAL_TAG = PREFIX + "PrincipalTag:";
  private static final Pattern NAME = Pattern.compile("[\\w+=,.@-]{2,64}");

  static SamlSessionAttributes read(VerifiedAssertion assertion) throws StsException {
    Set<String> pairs = new HashSet<>();
    for (String value : assertion.attribute(PREFIX + "Role")) {
      String[] parts = value.split(",");
      if (parts.length == 2) {
        String a = parts[0].strip();
        String b = parts[1].strip();
        // Either order is allowed: the provider is the one that names a saml-provider.
        pairs.add(a.contains(":saml-provider/") ? b + "," + a : a + "," + b);
      }
    }
    if (pairs.isEmpty()) {
      throw invalid("The SAML assertion has no " + PREFIX + "Role attribute of roleArn,providerArn pairs.");
    }
    String sessionName = single(assertion.attribute(PREFIX + "RoleSessionName"));
    if (sessionName == null) {
      throw invalid("RoleSessionName is required in AuthnResponse");
    }
    if (!NAME.matcher(sessionName).matches()) {
      throw invalid("RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}");
    }
    String source = single(assertion.attribute(PREFIX + "SourceIdentity"));
    if (source != null && (!NAME.matcher(source).matches() || source.toLowerCase(Locale.ROOT).startsWith("aws:"))) {
      throw invalid("Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with \"aws:\"");
    }
    Integer duration = null;
    String rawDuration = single(assertion.attribute(PREFIX + "SessionDuration"));
    if (rawDuration != null) {
      try {
        duration = Integer.valueOf(rawDuration);
      } catch (NumberFormatException e) {
        duration = -1;
      }
      if (duration < 900 || duration > 43200) {
        throw invalid("SessionDuration in AuthnResponse must be a number of seconds from 900 to 43200");
      }
    }
    Map<String, String> tags = new LinkedHashMap<>();
    int n = 0;
    for (Map.Entry<String, List<String>> a : assertion.attributes().entrySet()) {
      if (a.getKey().startsWith(PRINCIPAL_TAG)) {
        n++;
        tags.put("Tags.member." + n + ".Key", a.getKey().substring(PRINCIPAL_TAG.length()));
        tags.put("Tags.member." + n + ".Value", String.join(",", a.getValue()));
      }
    }
    int t = 0;
    for (String key : assertion.attribute(PREFIX + "TransitiveTagKeys")) {
      tags.put("TransitiveTagKeys.member." + (++t), key);
    }
    return new SamlSessionAttributes(Set.copyOf(pairs), sessionName, duration, source, Map.copyOf(tags));
  }

  /** Whether the assertion maps the user to {@code roleArn} through {@code providerArn}. */
  boolean pairs(String roleArn, String providerArn) {
    return rolePairs.contains(roleArn + "," + providerArn);
  }

  private static String single(List<String> values) throws StsException {
    if (values.size() > 1) {
      throw invalid("An AWS SAML attribute that takes one value has several.");
    }
    return values.isEmpty() ? null : values.get(0);
  }

  private static StsException invalid(String message) {
    return new StsException(StsError.INVALID_IDENTITY_TOKEN, message);
  }
}
