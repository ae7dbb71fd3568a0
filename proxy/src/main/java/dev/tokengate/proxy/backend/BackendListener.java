package dev.tokengate.proxy.backend;

/** The frontend side of an exchange, called on the shared event loop by the backend relay. */
public interface BackendListener {

  /** A response head or content; ownership passes to the listener. */
  void onBackendRead(Object msg);

  void onBackendInactive();

  void onBackendWritabilityChanged(boolean writable);

  /** A wait on the backend ran out; the connection is of no further use. */
  void onBackendStalled(BackendStall stall);
}
