/**
 * The hostile-request corpus (issue 8): raw-socket requests, validly signed over their exact bytes
 * ({@link dev.tokengate.proxy.hostile.HostileSigner}: SigV4 header and presigned, SigV2 header and
 * query, aws-chunked with signed chunks or an unsigned trailer), each asserting the exact S3 error
 * and status and that the backend did not act: the spy saw no request (for refusals), and the
 * backend's listing, the targeted objects' bytes, the proxy's stored bucket policies and, when the
 * backend was asked, its full state (bytes, metadata, ACLs, uploads) are what they were.
 *
 * <p>One class per family, one proxy per class ({@link dev.tokengate.proxy.hostile.CorpusWorld}):
 * query parsing, sub-resources, headers and copy sources, paths and Host, DeleteObjects bodies,
 * signatures and replays, STS/tokens/framing, bucket-policy lifecycle. Principals: the admin (set-up),
 * anonymous (on a bucket with a public-read bucket policy), a read-only role session
 * (AmazonS3ReadOnlyAccess via AssumeRole), a one-bucket user and a prefix-limited user.
 *
 * <p>Expected answers follow the decision table of issue 8 for the model's refusals and AWS's
 * documented answers otherwise; where a case accepts more than one refusal, its {@code Expect.or}
 * says why. Each run writes {@code proxy/target/hostile-corpus.txt}: one PASS/FAIL line per case with
 * what came back.
 */
package dev.tokengate.proxy.hostile;
