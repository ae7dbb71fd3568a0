package dev.tokengate.proxy.iam;

import dev.tokengate.policy.Decision;
import dev.tokengate.policy.PolicyEvaluator;
import dev.tokengate.proxy.authz.CallFacts;
import dev.tokengate.proxy.authz.PermissionResolver;
import dev.tokengate.proxy.authz.RequestContextFactory;
import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import dev.tokengate.proxy.sts.StsRequest;
import java.util.regex.Pattern;

/** One IAM call: its parameters, its caller, and the permission check every action makes. */
record IamCall(StsRequest request, Caller caller, CallFacts facts, PermissionResolver permissions,
    RequestContextFactory contexts, String accountId) {

  private static final Pattern NAME = Pattern.compile("[\\w+=,.@-]{1,128}");
  private static final Pattern PATH = Pattern.compile("/|/[\\u0021-\\u007e]{0,510}/");

  /** {@code iam:ACTION} on {@code resource}, evaluated in the caller's full context; AccessDenied names both. */
  void authorize(String resource) throws StsException {
    String action = "iam:" + request.action();
    Decision d = PolicyEvaluator.evaluate(permissions.forCaller(caller), contexts.forCall(caller, facts, action, resource));
    if (!d.allowed()) {
      throw new StsException(StsError.ACCESS_DENIED, d.accessDeniedMessage());
    }
  }

  String userArn(String path, String name) {
    return "arn:aws:iam::" + accountId + ":user" + path + name;
  }

  String roleArn(String path, String name) {
    return "arn:aws:iam::" + accountId + ":role" + path + name;
  }

  String get(String name) {
    return request.get(name);
  }

  /** A required parameter, with AWS's validation message when absent or empty. */
  String required(String name) throws StsException {
    String v = request.get(name);
    if (v == null || v.isEmpty()) {
      throw new StsException(StsError.VALIDATION_ERROR, "1 validation error detected: Value null at '"
          + Character.toLowerCase(name.charAt(0)) + name.substring(1) + "' failed to satisfy constraint: Member must not"
          + " be null");
    }
    return v;
  }

  /** A user, role, group or policy name (AWS's pattern {@code [\w+=,.@-]+}, at most {@code max} characters). */
  String name(String parameter, int max) throws StsException {
    String v = required(parameter);
    if (v.length() > max || !NAME.matcher(v).matches()) {
      throw new StsException(StsError.VALIDATION_ERROR, "1 validation error detected: Value '" + v + "' at '"
          + Character.toLowerCase(parameter.charAt(0)) + parameter.substring(1)
          + "' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+ and have"
          + " length less than or equal to " + max);
    }
    return v;
  }

  /** The {@code Path} parameter: "/" by default; else beginning and ending with a slash. */
  String path() throws StsException {
    String v = request.get("Path");
    if (v == null) {
      return "/";
    }
    if (!PATH.matcher(v).matches()) {
      throw new StsException(StsError.VALIDATION_ERROR,
          "The specified value for path is invalid. It must begin and end with / and contain only alphanumeric"
              + " characters and/or / characters.");
    }
    return v;
  }

  /** {@code MaxItems} (1–1000, default 100). */
  int maxItems() throws StsException {
    String v = request.get("MaxItems");
    if (v == null) {
      return 100;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= 1000) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw new StsException(StsError.VALIDATION_ERROR, "1 validation error detected: Value '" + v
        + "' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000");
  }
}
