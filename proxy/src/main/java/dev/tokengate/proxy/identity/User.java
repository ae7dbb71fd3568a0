package dev.tokengate.proxy.identity;

import java.util.List;
import java.util.Map;

/**
 * An IAM user: long-term keys, inline policies (JSON text by name), managed policy ARNs, an
 * optional permissions boundary, and the seed and serial number of its MFA device (both null when
 * it has none).
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
    String mfaSerial,
    Map<String, String> tags) {}
