package dev.tokengate.policy;

import java.util.Map;
import java.util.Optional;

/**
 * The AWS managed policies the proxy knows by ARN ({@code AmazonS3ReadOnlyAccess},
 * {@code AmazonS3FullAccess}, {@code IAMReadOnlyAccess}, {@code IAMFullAccess}, {@code
 * AdministratorAccess}), with AWS's current documents.
 */
public final class ManagedPolicies {
  public static final String S3_READ_ONLY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
  public static final String S3_FULL_ACCESS = "arn:aws:iam::aws:policy/AmazonS3FullAccess";
  public static final String ADMINISTRATOR_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess";
  public static final String IAM_READ_ONLY = "arn:aws:iam::aws:policy/IAMReadOnlyAccess";
  public static final String IAM_FULL_ACCESS = "arn:aws:iam::aws:policy/IAMFullAccess";

  private static final Map<String, Policy> POLICIES = Map.of(
      S3_READ_ONLY, identity(S3_READ_ONLY, """
          {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": ["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"],
            "Resource": "*"}]}"""),
      S3_FULL_ACCESS, identity(S3_FULL_ACCESS, """
          {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": ["s3:*", "s3-object-lambda:*"], "Resource": "*"}]}"""),
      IAM_READ_ONLY, identity(IAM_READ_ONLY, """
          {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": ["iam:GenerateCredentialReport", "iam:GenerateServiceLastAccessedDetails", "iam:Get*",
              "iam:List*", "iam:SimulateCustomPolicy", "iam:SimulatePrincipalPolicy"],
            "Resource": "*"}]}"""),
      IAM_FULL_ACCESS, identity(IAM_FULL_ACCESS, """
          {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": ["iam:*", "organizations:DescribeAccount", "organizations:DescribeOrganization",
              "organizations:DescribeOrganizationalUnit", "organizations:DescribePolicy",
              "organizations:ListChildren", "organizations:ListParents", "organizations:ListPoliciesForTarget",
              "organizations:ListRoots", "organizations:ListPolicies", "organizations:ListTargetsForPolicy"],
            "Resource": "*"}]}"""),
      ADMINISTRATOR_ACCESS, identity(ADMINISTRATOR_ACCESS, """
          {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"""));

  private ManagedPolicies() {}

  private static Policy identity(String arn, String json) {
    return PolicyParser.parse(json, PolicyType.IDENTITY, arn);
  }

  /** The managed policy with this ARN as an identity policy, or empty if unknown. */
  public static Optional<Policy> lookup(String arn) {
    return Optional.ofNullable(POLICIES.get(arn));
  }

  /** The managed policy attached as a permissions boundary, or empty if unknown. */
  public static Optional<Policy> lookupAsBoundary(String arn) {
    return lookup(arn).map(p -> p.as(PolicyType.BOUNDARY, arn));
  }
}
