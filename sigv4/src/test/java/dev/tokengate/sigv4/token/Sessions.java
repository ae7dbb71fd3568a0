package dev.tokengate.sigv4.token;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Realistic sessions for the token tests. */
final class Sessions {
  static final String AKID = "ASIAQ3EGUWR7XSB4KC5F";
  static final Instant ISSUED = Instant.parse("2024-05-24T10:15:30Z");

  private Sessions() {}

  /** Deterministic, so failures reproduce. */
  static SecureRandom seededRandom(long seed) {
    try {
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(seed);
      return r;
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** AssumeRole with a role ARN, a 300-character session policy and 3 tags. */
  static SessionToken assumeRole() {
    return assumeRole(policyOfLength(300));
  }

  static SessionToken assumeRole(String policy) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("Project", "Unicorn");
    tags.put("CostCenter", "12345");
    tags.put("Department", "Engineering");
    return new SessionToken(AKID, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", StsAction.ASSUME_ROLE,
        SessionToken.PrincipalType.ASSUMED_ROLE,
        "arn:aws:sts::123456789012:assumed-role/data-pipeline-reader/ci-job-20240524-101530",
        "arn:aws:iam::123456789012:role/data-pipeline-reader",
        "AROA3XFRBF535PLBIFPI4:ci-job-20240524-101530", "123456789012",
        ISSUED, ISSUED.plusSeconds(3600), policy,
        List.of("arn:aws:iam::123456789012:policy/ReadOnlyBuckets"), tags, List.of("Project"),
        "ci-runner-7", true, ISSUED.minusSeconds(42), true);
  }

  /** GetSessionToken for an IAM user: no policy, tags or MFA. */
  static SessionToken getSessionToken() {
    return new SessionToken(AKID, "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY", StsAction.GET_SESSION_TOKEN,
        SessionToken.PrincipalType.USER, "arn:aws:iam::123456789012:user/alice",
        "arn:aws:iam::123456789012:user/alice", "AIDAJQABLZS4A3QDU576Q", "123456789012",
        ISSUED, ISSUED.plusSeconds(43200), null, null, null, null, null, false, null, false);
  }

  /**
   * A minified policy of exactly {@code length} characters, of statements like a person writes:
   * repeated structure, varied bucket names and prefixes.
   */
  static String policyOfLength(int length) {
    StringBuilder s = new StringBuilder("{\"Version\":\"2012-10-17\",\"Statement\":[");
    String[] verbs = {"GetObject", "PutObject", "ListBucket", "DeleteObject", "GetObjectTagging"};
    for (int i = 0; s.length() < length; i++) {
      s.append(i == 0 ? "" : ",")
          .append("{\"Sid\":\"S").append(i).append("\",\"Effect\":\"Allow\",\"Action\":\"s3:")
          .append(verbs[i % verbs.length]).append("\",\"Resource\":\"arn:aws:s3:::team-")
          .append(Integer.toHexString(0x5eed * (i + 7))).append("-data/project-")
          .append(i * 37 % 101).append("/*\"}");
    }
    s.setLength(length - 2);
    return s.append("]}").toString();
  }
}
