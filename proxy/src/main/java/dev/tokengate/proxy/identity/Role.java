package dev.tokengate.proxy.identity;

import java.util.List;
import java.util.Map;

/** An IAM role: a trust policy saying who may assume it, and the policies its sessions get. */
public record Role(
    String name,
    String path,
    String arn,
    String roleId,
    String trustPolicy,
    Map<String, String> inlinePolicies,
    List<String> managedPolicyArns,
    String permissionsBoundaryArn,
    int maxSessionDurationSeconds,
    Map<String, String> tags) {}
