package dev.tokengate.proxy.identity;

import dev.tokengate.policy.Principal;
import java.util.List;
import java.util.Map;

/**
 * An IAM user: long-term keys, inline policies (JSON text by name), managed policy ARNs, an
 * optional permissions boundary, the seed and serial number of its MFA device (both null when it
 * has none). The bootstrap admin is the account's root user ({@code arn:aws:iam::ACCOUNT:root},
 * its user id the account id), as on AWS.
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
    Map<String, String> tags) {

  /** Whether this is the account root (the bootstrap admin), not an IAM user. */
  public boolean accountRoot() {
    return arn.endsWith(":root");
  }

  /** The principal policies see when this user signs (long-term keys or a GetSessionToken session). */
  public Principal principal() {
    return accountRoot() ? Principal.root(arn.split(":")[4]) : Principal.iamUser(arn, userId);
  }
}
