package dev.tokengate.proxy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Environment variables over the file's keys: {@code TOKENGATE_CONFIG_} and the key's path in
 * upper case, one {@code _} between levels: {@code TOKENGATE_CONFIG_BACKEND_SECRETKEY} is {@code
 * backend.secretKey}, {@code TOKENGATE_CONFIG_LIMITS_MAXCONNECTIONS} is {@code
 * limits.maxConnections}. The value is a scalar, or YAML flow syntax for a list or mapping ({@code
 * [a, b]}, {@code {file: "-"}}). A variable naming no key is an error, so a typo is not ignored.
 * Keys are matched against the configuration records themselves, so every key has its variable.
 */
final class EnvironmentOverrides {
  static final String PREFIX = "TOKENGATE_CONFIG_";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private EnvironmentOverrides() {}

  /** Applies the overrides to the file's tree; returns the problems (each naming its variable). */
  static List<String> apply(ObjectNode root, Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      if (!e.getKey().startsWith(PREFIX)) {
        continue;
      }
      String[] segments = e.getKey().substring(PREFIX.length()).split("_");
      Class<?> type = ProxyConfig.class;
      ObjectNode at = root;
      List<String> path = new ArrayList<>();
      String problem = null;
      for (int i = 0; i < segments.length && problem == null; i++) {
        RecordComponent c = component(type, segments[i]);
        if (c == null) {
          problem = e.getKey() + " names no configuration key (" + (path.isEmpty() ? "top level" : String.join(".", path))
              + " has no '" + segments[i].toLowerCase(Locale.ROOT) + "')";
          break;
        }
        String name = c.getAccessor().getAnnotation(JsonProperty.class).value();
        path.add(name);
        if (i == segments.length - 1) {
          try {
            at.set(name, value(e.getValue()));
          } catch (IOException bad) {
            problem = e.getKey() + " is no value for " + String.join(".", path) + ": " + bad.getMessage();
          }
        } else if (c.getType().isRecord()) {
          JsonNode child = at.get(name);
          at = child instanceof ObjectNode o ? o : at.putObject(name);
          type = c.getType();
        } else {
          problem = e.getKey() + ": " + String.join(".", path) + " has no keys below it";
        }
      }
      if (problem != null) {
        problems.add(problem);
      }
    }
    return problems;
  }

  private static RecordComponent component(Class<?> type, String segment) {
    if (!type.isRecord()) {
      return null;
    }
    for (RecordComponent c : type.getRecordComponents()) {
      JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
      if (p != null && p.value().equalsIgnoreCase(segment)) {
        return c;
      }
    }
    return null;
  }

  private static JsonNode value(String text) throws IOException {
    String t = text.strip();
    if (t.startsWith("[") || t.startsWith("{")) {
      return YAML.readTree(t);
    }
    return JsonNodeFactory.instance.textNode(text);
  }
}
