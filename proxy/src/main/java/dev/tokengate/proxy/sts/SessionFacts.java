package dev.tokengate.proxy.sts;

import dev.tokengate.policy.PrincipalType;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Everything about a session to be issued except its keys and times. */
record SessionFacts(
    String action,
    PrincipalType principalType,
    String accountId,
    String sourceName,
    String sessionName,
    String sessionPolicy,
    List<String> policyArns,
    Map<String, String> tags,
    List<String> transitiveTagKeys,
    String sourceIdentity,
    Instant mfaAuthenticatedAt,
    boolean chained,
    String sourceAccessKeyId) {}
