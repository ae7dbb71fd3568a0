/**
 * The IAM policy language and evaluator: parse documents, describe a request, decide.
 *
 * <pre>{@code
 * Policy identity = PolicyParser.parse(json, PolicyType.IDENTITY, "inline-name");
 * Policy readOnly = ManagedPolicies.lookup(ManagedPolicies.S3_READ_ONLY).orElseThrow();
 * PolicySet set = PolicySet.ofIdentity(List.of(identity, readOnly))
 *     .withResource(bucketPolicy)       // PolicyType.RESOURCE, may be null
 *     .withSession(sessionPolicy)       // PolicyType.SESSION, may be null
 *     .withBoundary(boundary);          // PolicyType.BOUNDARY, may be null
 *
 * S3Authorization authz = S3ActionTable.resolve(s3Request);   // UNKNOWN -> deny
 * Map<String, List<String>> s3Keys = S3ConditionKeys.derive(s3Request);
 * for (S3Permission p : authz.permissions()) {
 *   RequestContext ctx = RequestContext.of(principal, p.action(), p.resource())
 *       .putAll(s3Keys).put("aws:SourceIp", ip).put("aws:SecureTransport", "false");
 *   Decision d = PolicyEvaluator.evaluate(set, ctx);
 *   if (!d.allowed()) { reply AccessDenied with d.accessDeniedMessage(); }
 * }
 * }</pre>
 *
 * <p>Parsed policies are immutable and thread-safe; parse once and cache them. Bad documents throw
 * {@link dev.tokengate.policy.MalformedPolicyException} with AWS's MalformedPolicyDocument text.
 */
package dev.tokengate.policy;
