package dev.tokengate.proxy.identity;

import java.util.List;
import java.util.Map;

/**
 * An IAM user: long-term keys, inline policies (JSON text by name), managed policy ARNs, an
 * optional permissions boundary and MFA seed.
 */
public record User(
    String name,
    String path,
    String arn,
    String userId,
    Map<String, String> inlinePolicies,
    List<String> managedPolicyArns,
    String permissionsBoundaryArn,
    String mfaSecret,
    Map<String, String> tags) {}
