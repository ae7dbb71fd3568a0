package dev.tokengate.proxy.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The audit trail: one CloudTrail-shaped JSON line per S3 request and per STS/IAM call.
 *
 * <pre>
 * audit:
 *   file: /var/log/tokengate/audit.log   # "-": standard output
 *   maxFileBytes: 104857600              # then FILE becomes FILE.1 (FILE.2 …); 0: never rotate
 *   keepFiles: 5                         # rotated files kept
 * </pre>
 *
 * <p>Absent: no audit trail.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record AuditConfig(
    @JsonProperty("file") String file,
    @JsonProperty("maxFileBytes") Long maxFileBytes,
    @JsonProperty("keepFiles") Integer keepFiles) {

  public AuditConfig {
    maxFileBytes = maxFileBytes == null ? 100L * 1024 * 1024 : maxFileBytes;
    keepFiles = keepFiles == null ? 5 : keepFiles;
  }

  /** Whether the lines go to standard output. */
  public boolean stdout() {
    return "-".equals(file);
  }

  void problems(String where, List<String> problems) {
    if (file == null || file.isBlank()) {
      problems.add(where + ".file is required (a path, or \"-\" for standard output)");
    }
    if (maxFileBytes < 0) {
      problems.add(where + ".maxFileBytes must be 0 (never rotate) or more, got " + maxFileBytes);
    } else if (maxFileBytes > 0 && maxFileBytes < 4096) {
      problems.add(where + ".maxFileBytes must be at least 4096 bytes, got " + maxFileBytes);
    }
    if (keepFiles < 0 || keepFiles > 1000) {
      problems.add(where + ".keepFiles must be from 0 to 1000, got " + keepFiles);
    }
  }
}
