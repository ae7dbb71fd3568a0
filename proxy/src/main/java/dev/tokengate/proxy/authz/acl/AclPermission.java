package dev.tokengate.proxy.authz.acl;

/** The permissions an S3 ACL grant gives (wire names as in {@code <Permission>}). */
public enum AclPermission {
  READ,
  WRITE,
  READ_ACP,
  WRITE_ACP,
  FULL_CONTROL
}
