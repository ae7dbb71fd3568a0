package dev.tokengate.sigv4.token;

/** Whether a keyring key may be used; retiring a key removes it from the keyring altogether. */
public enum KeyStatus {
  /** Opens tokens, and seals them when primary. */
  ENABLED,
  /**
   * Kept but unusable: its tokens stop opening at once, and it can be re-enabled. The switch to
   * pull when a key may have leaked, before deciding to retire it.
   */
  DISABLED
}
