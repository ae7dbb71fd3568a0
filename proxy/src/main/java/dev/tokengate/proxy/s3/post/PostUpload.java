package dev.tokengate.proxy.s3.post;

import dev.tokengate.proxy.s3.S3Error;
import dev.tokengate.proxy.s3.S3Exception;
import dev.tokengate.proxy.s3.request.TaggingBody;
import dev.tokengate.sigv4.CredentialScope;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a browser-form upload asks for, read from its {@link PostForm}: the key ({@code ${filename}}
 * substituted), the object headers its fields stand for, how it is signed, and how success is
 * answered. Fields the form may carry but that are no object header (the signature's, the
 * policy, {@code x-ignore-*}) are not passed on; unknown ones are ignored, as AWS ignores them.
 *
 * @param fields the form's fields with {@code bucket} set to the bucket posted to and the key as
 *     substituted: what the policy's conditions are checked against
 * @param headers object headers (lower-case names) for the PutObject the upload becomes
 * @param signature null for an anonymous upload
 * @param successStatus 200, 201 or 204 (AWS's default, and what any other value means)
 * @param successRedirect where to send the browser after success, or null
 */
public record PostUpload(
    String bucket,
    String key,
    Map<String, String> fields,
    Map<String, String> headers,
    Signature signature,
    int successStatus,
    String successRedirect) {

  /** How the policy was signed. */
  public sealed interface Signature permits V2, V4 {
    String accessKeyId();

    String securityToken();

    String policy();
  }

  /** {@code AWSAccessKeyId}, {@code signature} (base64 HMAC-SHA1 of the policy field). */
  public record V2(String accessKeyId, String signature, String policy, String securityToken) implements Signature {}

  /** {@code x-amz-credential}, {@code x-amz-date}, {@code x-amz-signature} (hex HMAC-SHA256). */
  public record V4(String accessKeyId, CredentialScope scope, String date, String signature, String policy,
      String securityToken) implements Signature {}

  private static final Set<String> OBJECT_HEADERS = Set.of(
      "cache-control", "content-type", "content-disposition", "content-encoding", "expires",
      "x-amz-storage-class", "x-amz-website-redirect-location",
      "x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id",
      "x-amz-server-side-encryption-context", "x-amz-server-side-encryption-bucket-key-enabled",
      "x-amz-server-side-encryption-customer-algorithm", "x-amz-server-side-encryption-customer-key",
      "x-amz-server-side-encryption-customer-key-md5",
      "x-amz-checksum-algorithm", "x-amz-checksum-crc32", "x-amz-checksum-crc32c", "x-amz-checksum-crc64nvme",
      "x-amz-checksum-sha1", "x-amz-checksum-sha256",
      "x-amz-object-lock-mode", "x-amz-object-lock-retain-until-date", "x-amz-object-lock-legal-hold");

  /** AWS's field for the policy-covered canned ACL. */
  private static final String ACL = "acl";

  /**
   * @param bucket the bucket in the request's URL (path or host)
   * @throws S3Exception InvalidArgument for a missing key or an incomplete signature, MalformedXML
   *     for a {@code tagging} field that is not a tag set
   */
  public static PostUpload of(PostForm form, String bucket) throws S3Exception {
    Map<String, String> f = form.fields();
    String key = f.get("key");
    if (key == null) {
      throw new S3Exception(S3Error.INVALID_ARGUMENT,
          "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
          Map.of("ArgumentName", "key", "ArgumentValue", ""));
    }
    // AWS substitutes the browser's file name (its last path segment: old browsers sent full paths).
    String fileName = form.fileName();
    fileName = fileName.substring(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
    key = key.replace("${filename}", fileName);
    if (key.isEmpty()) {
      throw new S3Exception(S3Error.INVALID_ARGUMENT, "User key must have a length greater than 0.",
          Map.of("ArgumentName", "key", "ArgumentValue", ""));
    }
    Map<String, String> checked = new LinkedHashMap<>(f);
    checked.put("key", key);
    checked.put("bucket", bucket);

    Map<String, String> headers = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : f.entrySet()) {
      String name = e.getKey();
      if (OBJECT_HEADERS.contains(name) || name.startsWith("x-amz-meta-") || name.startsWith("x-amz-grant-")) {
        headers.put(name, e.getValue());
      }
    }
    if (f.containsKey(ACL)) {
      headers.put("x-amz-acl", f.get(ACL));
    }
    if (f.containsKey("tagging")) {
      headers.put("x-amz-tagging", TaggingBody.toHeader(f.get("tagging")));
    }
    return new PostUpload(bucket, key, checked, headers, signature(f), successStatus(f.get("success_action_status")),
        redirect(f));
  }

  private static Signature signature(Map<String, String> f) throws S3Exception {
    String token = f.get("x-amz-security-token");
    String policy = f.get("policy");
    if (f.containsKey("x-amz-signature") || f.containsKey("x-amz-credential") || f.containsKey("x-amz-algorithm")) {
      String algorithm = require(f, "x-amz-algorithm");
      if (!algorithm.equals("AWS4-HMAC-SHA256")) {
        throw new S3Exception(S3Error.INVALID_ARGUMENT, "Unsupported x-amz-algorithm: " + algorithm,
            Map.of("ArgumentName", "x-amz-algorithm", "ArgumentValue", algorithm));
      }
      String credential = require(f, "x-amz-credential");
      String date = require(f, "x-amz-date");
      String[] c = credential.split("/", -1);
      if (c.length != 5 || c[0].isEmpty() || !c[4].equals(CredentialScope.TERMINATOR) || !c[3].equals("s3")
          || c[1].length() != 8 || !date.startsWith(c[1])) {
        throw new S3Exception(S3Error.INVALID_ARGUMENT, "Invalid x-amz-credential: " + credential,
            Map.of("ArgumentName", "x-amz-credential", "ArgumentValue", credential));
      }
      return new V4(c[0], new CredentialScope(c[1], c[2], c[3]), date, require(f, "x-amz-signature"),
          require(f, "policy"), token);
    }
    if (f.containsKey("awsaccesskeyid") || f.containsKey("signature")) {
      return new V2(require(f, "awsaccesskeyid"), require(f, "signature"), require(f, "policy"), token);
    }
    if (policy != null || token != null) {
      // A policy nobody signed restricts nothing; AWS wants the signature that goes with it.
      throw new S3Exception(S3Error.INVALID_ARGUMENT,
          "Bucket POST must contain a field named 'AWSAccessKeyId'.  If it is specified, please check the order of the"
              + " fields.", Map.of("ArgumentName", "AWSAccessKeyId", "ArgumentValue", ""));
    }
    return null;
  }

  private static String require(Map<String, String> f, String name) throws S3Exception {
    String v = f.get(name);
    if (v == null || v.isEmpty()) {
      throw new S3Exception(S3Error.INVALID_ARGUMENT,
          "Bucket POST must contain a field named '" + name + "'.  If it is specified, please check the order of the"
              + " fields.", Map.of("ArgumentName", name, "ArgumentValue", ""));
    }
    return v;
  }

  /** AWS answers 200 or 201 when asked to, and 204 for any other value or none. */
  private static int successStatus(String v) {
    return "200".equals(v) ? 200 : "201".equals(v) ? 201 : 204;
  }

  /** {@code success_action_redirect}, or the older {@code redirect}; only http(s) URLs. */
  private static String redirect(Map<String, String> f) {
    String r = f.getOrDefault("success_action_redirect", f.get("redirect"));
    if (r == null) {
      return null;
    }
    String lower = r.toLowerCase(Locale.ROOT);
    return (lower.startsWith("http://") || lower.startsWith("https://")) && r.chars().noneMatch(c -> c < 0x21 || c == 0x7f)
        ? r
        : null;
  }
}
