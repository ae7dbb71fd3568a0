package dev.tokengate.proxy.backend;

/** Which wait on the backend ran out (see {@link BackendStallTimer}). */
public enum BackendStall {
  /** The request went out whole; no response head came within {@code backendTimeouts.responseSeconds}. */
  RESPONSE_HEAD("sent no response within backendTimeouts.responseSeconds"),
  /** The backend stopped taking the request body for {@code backendTimeouts.idleSeconds}. */
  REQUEST_BODY("stopped reading the request body for backendTimeouts.idleSeconds"),
  /** The response body stopped for {@code backendTimeouts.idleSeconds} while the proxy was reading. */
  RESPONSE_BODY("sent no byte of the response body for backendTimeouts.idleSeconds");

  private final String description;

  BackendStall(String description) {
    this.description = description;
  }

  /** For the operator's log: "the backend " + description. */
  public String description() {
    return description;
  }
}
