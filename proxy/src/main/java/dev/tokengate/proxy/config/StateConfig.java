package dev.tokengate.proxy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Where identities, revocations and the token keyring live.
 *
 * <pre>
 * state:
 *   engine: embedded          # embedded (files under dataDir/state) | etcd (shared by replicas)
 *   endpoints: [http://127.0.0.1:2379]   # etcd only
 *   prefix: /tokengate/       # etcd only: every key lives under it
 *   timeoutSeconds: 2         # etcd only: each store call gives up after this
 *   staleAfterSeconds: 60     # etcd only: unreachable this long, S3 and STS refuse (fail closed)
 * </pre>
 */
public record StateConfig(
    @JsonProperty("engine") String engine,
    @JsonProperty("endpoints") List<String> endpoints,
    @JsonProperty("prefix") String prefix,
    @JsonProperty("timeoutSeconds") Double timeoutSeconds,
    @JsonProperty("staleAfterSeconds") Double staleAfterSeconds) {

  public StateConfig {
    engine = engine == null ? "embedded" : engine;
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    prefix = prefix == null ? "/tokengate/" : prefix;
    timeoutSeconds = timeoutSeconds == null ? 2 : timeoutSeconds;
    staleAfterSeconds = staleAfterSeconds == null ? 60 : staleAfterSeconds;
  }

  public static StateConfig defaults() {
    return new StateConfig(null, null, null, null, null);
  }

  public boolean etcd() {
    return engine.equals("etcd");
  }

  public Duration timeout() {
    return Duration.ofMillis(Math.round(timeoutSeconds * 1000));
  }

  public Duration staleAfter() {
    return Duration.ofMillis(Math.round(staleAfterSeconds * 1000));
  }

  void problems(String where, List<String> problems) {
    if (!engine.equals("embedded") && !engine.equals("etcd")) {
      problems.add(where + ".engine must be embedded or etcd, got '" + engine + "'");
      return;
    }
    if (!etcd()) {
      if (!endpoints.isEmpty()) {
        problems.add(where + ".endpoints is for engine etcd only");
      }
      return;
    }
    if (endpoints.isEmpty()) {
      problems.add(where + ".endpoints must list at least one etcd endpoint (http://host:port) for engine etcd");
    }
    for (String e : endpoints) {
      URI u;
      try {
        u = URI.create(e);
      } catch (IllegalArgumentException bad) {
        u = null;
      }
      if (u == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
          || u.getPort() < 1) {
        problems.add(where + ".endpoints entries must be http(s)://host:port, got '" + e + "'");
      }
    }
    if (!prefix.startsWith("/") || !prefix.endsWith("/") || prefix.length() < 2) {
      problems.add(where + ".prefix must start and end with '/' and name something, got '" + prefix + "'");
    }
    if (!(timeoutSeconds >= 0.1 && timeoutSeconds <= 60)) {
      problems.add(where + ".timeoutSeconds must be from 0.1 to 60, got " + timeoutSeconds);
    }
    if (!(staleAfterSeconds >= 1 && staleAfterSeconds <= 86400)) {
      problems.add(where + ".staleAfterSeconds must be from 1 to 86400, got " + staleAfterSeconds);
    }
  }
}
