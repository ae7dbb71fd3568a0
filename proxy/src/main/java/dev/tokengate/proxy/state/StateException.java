package dev.tokengate.proxy.state;

/** The state store could not do what was asked: unreachable, unreadable, or (subclass) a conflict. */
public class StateException extends Exception {
  private static final long serialVersionUID = 1L;

  public StateException(String message, Throwable cause) {
    super(message, cause);
  }

  public StateException(String message) {
    super(message);
  }

  /** A compare-and-set write met another revision than it expected. */
  public static final class Conflict extends StateException {
    private static final long serialVersionUID = 1L;

    public Conflict(String key) {
      super("the state of " + key + " changed meanwhile");
    }
  }
}
