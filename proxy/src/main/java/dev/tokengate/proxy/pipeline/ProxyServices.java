package dev.tokengate.proxy.pipeline;

import dev.tokengate.proxy.audit.AuditTrail;
import dev.tokengate.proxy.metrics.ProxyMetrics;
import dev.tokengate.proxy.authz.AuthorizationMessages;
import dev.tokengate.proxy.authz.BucketPolicyStore;
import dev.tokengate.proxy.cors.BucketCorsStore;
import dev.tokengate.proxy.tagging.BucketTaggingStore;
import dev.tokengate.proxy.authz.PermissionResolver;
import dev.tokengate.proxy.authz.RequestContextFactory;
import dev.tokengate.proxy.backend.BackendPool;
import dev.tokengate.proxy.authz.acl.AclLookup;
import dev.tokengate.proxy.backend.BackendRequestFactory;
import dev.tokengate.proxy.s3.post.PostObjectAuthenticator;
import dev.tokengate.proxy.identity.CredentialResolver;
import dev.tokengate.proxy.s3.VirtualHosts;
import dev.tokengate.proxy.sts.QueryApi;
import java.util.Map;
import dev.tokengate.sigv4.SigV2Verifier;
import dev.tokengate.sigv4.SignatureVerifier;
import java.util.Set;

/**
 * The shared, thread-safe services the per-connection handlers use, built once by {@code
 * ProxyServer}.
 *
 * @param sigV2 null unless legacy SigV2 is accepted ({@code acceptSigV2: true})
 * @param regions S3 signing regions accepted, preferred first
 * @param repeatedTagKeys PutBucketTagging keeps a key given twice (Ceph RGW's tenant-less dialect)
 * @param acls null to apply no ACLs
 */
public record ProxyServices(
    CredentialResolver credentials,
    Map<Service, QueryApi> queryApis,
    SignatureVerifier verifier,
    SigV2Verifier sigV2,
    Set<String> regions,
    PermissionResolver permissions,
    BucketPolicyStore bucketPolicies,
    BucketCorsStore bucketCors,
    BucketTaggingStore bucketTags,
    boolean repeatedTagKeys,
    RequestContextFactory contexts,
    AuthorizationMessages messages,
    VirtualHosts virtualHosts,
    boolean shadowMode,
    BackendPool backendPool,
    BackendRequestFactory backendRequests,
    PostObjectAuthenticator postUploads,
    AclLookup acls,
    ProxyMetrics metrics,
    AuditTrail audit) {}
