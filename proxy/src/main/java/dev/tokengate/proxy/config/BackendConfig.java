package dev.tokengate.proxy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.util.List;

/** An S3 endpoint to forward to (MinIO, Ceph RGW, AWS, …), with the keys the proxy signs with. */
public record BackendConfig(
    @JsonProperty("endpoint") String endpoint,
    @JsonProperty("accessKey") String accessKey,
    @JsonProperty("secretKey") String secretKey,
    @JsonProperty("region") String region) {

  public BackendConfig {
    region = region == null ? "us-east-1" : region;
  }

  public URI uri() {
    return URI.create(endpoint);
  }

  void problems(String where, List<String> problems) {
    if (endpoint == null) {
      problems.add(where + ".endpoint is required (e.g. http://127.0.0.1:9001)");
    } else {
      try {
        URI uri = URI.create(endpoint);
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
          problems.add(where + ".endpoint must be an http://host[:port] URL, got '" + endpoint + "'");
        }
      } catch (IllegalArgumentException e) {
        problems.add(where + ".endpoint is not a URL: '" + endpoint + "'");
      }
    }
    if (accessKey == null || accessKey.isBlank()) {
      problems.add(where + ".accessKey is required");
    }
    if (secretKey == null || secretKey.isBlank()) {
      problems.add(where + ".secretKey is required");
    }
  }
}
