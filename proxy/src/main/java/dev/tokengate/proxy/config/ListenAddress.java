package dev.tokengate.proxy.config;

import java.util.List;

/** A listener's {@code host:port} (port 0 picks a free one), as written in the configuration. */
public record ListenAddress(String host, int port) {

  /** @return the address, or null after adding the problem (naming {@code field}) to {@code problems} */
  static ListenAddress parse(String field, String value, List<String> problems) {
    int colon = value == null ? -1 : value.lastIndexOf(':');
    if (colon <= 0 || !value.substring(colon + 1).matches("\\d{1,5}")
        || Integer.parseInt(value.substring(colon + 1)) > 65535) {
      problems.add(field + " must be host:port with a port from 0 to 65535, got '" + value + "'");
      return null;
    }
    return new ListenAddress(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
  }

  /** For a value already validated. */
  public static ListenAddress of(String value) {
    int colon = value.lastIndexOf(':');
    return new ListenAddress(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
  }
}
