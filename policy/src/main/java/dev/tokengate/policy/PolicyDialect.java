package dev.tokengate.policy;

/**
 * The grammar a policy document is read in. AWS's is the default; Ceph RGW's tenant-less users
 * need a second one, so that policies and tools written for RGW keep their meaning.
 */
public enum PolicyDialect {
  /** As AWS: IAM principal ARNs name a 12-digit account; identity policies may not name a principal. */
  AWS,
  /**
   * As Ceph RGW for users outside any tenant: IAM principal ARNs carry no account
   * ({@code arn:aws:iam:::user/NAME}), and a well-formed Principal in an identity policy is accepted
   * and ignored (it can only ever mean the policy's holder).
   */
  RGW_TENANTLESS;

  /** The dialect of an account: the one without an id is RGW's tenant-less world. */
  public static PolicyDialect of(String accountId) {
    return accountId.isEmpty() ? RGW_TENANTLESS : AWS;
  }
}
