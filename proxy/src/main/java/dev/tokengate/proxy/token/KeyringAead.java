package dev.tokengate.proxy.token;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM (JDK) under a {@link Keyring}: base64url(version byte, 4-byte key id, 12-byte random
 * nonce, ciphertext and tag). Seals with the primary key, opens by the key id in the header; the
 * header and the caller's associated data are authenticated, so a sealed blob opens only for the
 * purpose (and access key) it was sealed for.
 */
public final class KeyringAead {
  private static final byte VERSION = 1;
  private static final int HEADER = 1 + 4;
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;

  /** Why a blob did not open; for debug logs only, never for the wire. */
  public static final class NotOpened extends Exception {
    private static final long serialVersionUID = 1L;

    NotOpened(String why) {
      super(why, null, false, false);
    }
  }

  private volatile Keyring keyring;
  private final SecureRandom random;

  public KeyringAead(Keyring keyring, SecureRandom random) {
    this.keyring = keyring;
    this.random = random;
  }

  /** Seals with {@code next}'s primary from now on and opens with its keys only (rotation, retirement). */
  public void use(Keyring next) {
    keyring = next;
  }

  public Keyring keyring() {
    return keyring;
  }

  public String seal(byte[] plain, byte[] associatedData) {
    Keyring.Key key = keyring.primary(); // one read of the volatile: a rotation never splits a seal
    ByteBuffer out = ByteBuffer.allocate(HEADER + NONCE + plain.length + TAG_BITS / 8);
    out.put(VERSION).putInt(key.id());
    byte[] nonce = new byte[NONCE];
    random.nextBytes(nonce);
    out.put(nonce);
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key.material(), "AES"), new GCMParameterSpec(TAG_BITS, nonce));
      gcm.updateAAD(out.array(), 0, HEADER);
      gcm.updateAAD(associatedData);
      gcm.doFinal(plain, 0, plain.length, out.array(), HEADER + NONCE);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM must be available in every JDK 17", e);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(out.array());
  }

  public byte[] open(String sealed, byte[] associatedData) throws NotOpened {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(sealed);
    } catch (IllegalArgumentException e) {
      throw new NotOpened("not base64url");
    }
    if (bytes.length < HEADER + NONCE + TAG_BITS / 8 || bytes[0] != VERSION) {
      throw new NotOpened("too short or unknown version");
    }
    Keyring.Key key = keyring.find(ByteBuffer.wrap(bytes, 1, 4).getInt());
    if (key == null) {
      throw new NotOpened("unknown or retired key id");
    }
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key.material(), "AES"), new GCMParameterSpec(TAG_BITS, bytes, HEADER, NONCE));
      gcm.updateAAD(bytes, 0, HEADER);
      gcm.updateAAD(associatedData);
      return gcm.doFinal(bytes, HEADER + NONCE, bytes.length - HEADER - NONCE);
    } catch (GeneralSecurityException e) {
      throw new NotOpened("authentication failed (altered, or sealed for another purpose or access key)");
    }
  }
}
