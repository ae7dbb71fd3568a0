package dev.tokengate.sigv4.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals a {@link SessionToken} into an opaque session token string and opens it again, with
 * AES-256-GCM under a {@link Keyring}, so any replica holding the keyring validates a token with
 * no lookup.
 *
 * <p>A token is base64url without padding of {@code version (1 byte) || key id (4 bytes,
 * big-endian) || nonce (12 random bytes) || ciphertext || tag (16 bytes)}; the plaintext is the
 * {@link SessionTokenCodec} encoding. Sealing uses the keyring's primary key, and opening looks
 * the key up by the id in the header, so tokens sealed under an older key keep opening after a
 * rotation until that key is disabled or retired. Every failure to open is the same {@link
 * InvalidTokenException}, whose debug reason is for the log only.
 *
 * <p>The associated data is the header ({@code version || key id}) followed by the UTF-8 access
 * key id. The access key id is random and travels separately in every request (in the SigV4
 * credential scope), so the caller of {@link #open} passes the presented one, and a token moved
 * to another access key fails its tag check like any other forgery. The access key id is
 * therefore not in the plaintext: {@code open} puts the presented one in the result.
 *
 * <p>Expiry is not checked here: the caller compares {@link SessionToken#isExpired} with its
 * clock, to answer {@code ExpiredToken} rather than {@code InvalidToken}. Nonces are random, so
 * one key should seal well under 2<sup>32</sup> tokens (NIST SP 800-38D); rotate long before.
 *
 * <p>Immutable and thread-safe. To rotate, build a sealer for the new keyring and swap the
 * reference; construction only prepares one {@link SecretKeySpec} per key.
 */
public final class SessionTokenSealer {
  /** Token format version, the first byte of every token. */
  public static final int VERSION = 1;

  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final int HEADER_BYTES = 5;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BYTES = 16;
  private static final int PREFIX_BYTES = HEADER_BYTES + NONCE_BYTES;
  private static final int MIN_TOKEN_BYTES = PREFIX_BYTES + TAG_BYTES;
  /** Far above any token this sealer makes; refuse before decoding an attacker's megabytes. */
  private static final int MAX_TOKEN_CHARS = 32 * 1024;

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final Keyring keyring;
  private final SecureRandom random;
  // Parallel arrays: a keyring holds a handful of keys, and a scan beats boxing an Integer key.
  private final int[] ids;
  private final SecretKeySpec[] keys;
  private final int primaryIndex;

  /**
   * @param random source of nonces; shared by all calls (SecureRandom is thread-safe)
   */
  public SessionTokenSealer(Keyring keyring, SecureRandom random) {
    this.keyring = Objects.requireNonNull(keyring, "keyring");
    this.random = Objects.requireNonNull(random, "random");
    // Disabled keys are left out, so their tokens fail exactly like tokens of unknown keys.
    int n = (int) keyring.entries().stream().filter(e -> e.status() == KeyStatus.ENABLED).count();
    this.ids = new int[n];
    this.keys = new SecretKeySpec[n];
    int i = 0;
    int primary = -1;
    for (KeyringEntry e : keyring.entries()) {
      if (e.status() == KeyStatus.ENABLED) {
        ids[i] = e.id();
        keys[i] = new SecretKeySpec(e.keyNoCopy(), "AES");
        if (e.primary()) {
          primary = i;
        }
        i++;
      }
    }
    this.primaryIndex = primary; // Keyring guarantees an enabled primary
  }

  /** The keyring this sealer uses. */
  public Keyring keyring() {
    return keyring;
  }

  /**
   * Seals a session under the primary key.
   *
   * @throws IllegalArgumentException if the session policy is too large to seal
   */
  public String seal(SessionToken session) {
    SessionTokenCodec.Plaintext plain = SessionTokenCodec.encode(session);
    byte[] out = new byte[PREFIX_BYTES + plain.length() + TAG_BYTES];
    out[0] = (byte) VERSION;
    int keyId = ids[primaryIndex];
    out[1] = (byte) (keyId >>> 24);
    out[2] = (byte) (keyId >>> 16);
    out[3] = (byte) (keyId >>> 8);
    out[4] = (byte) keyId;
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    System.arraycopy(nonce, 0, out, HEADER_BYTES, NONCE_BYTES);
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.ENCRYPT_MODE, keys[primaryIndex],
          new GCMParameterSpec(TAG_BYTES * 8, out, HEADER_BYTES, NONCE_BYTES));
      cipher.updateAAD(out, 0, HEADER_BYTES);
      cipher.updateAAD(session.accessKeyId().getBytes(StandardCharsets.UTF_8));
      cipher.doFinal(plain.bytes(), 0, plain.length(), out, PREFIX_BYTES);
    } catch (GeneralSecurityException e) {
      // AES-GCM is mandatory in every JDK; failing here means a broken runtime.
      throw new IllegalStateException("AES-GCM sealing failed", e);
    }
    return ENCODER.encodeToString(out);
  }

  /**
   * Opens a token presented with {@code accessKeyId}; does not check expiry.
   *
   * @return the session, with {@code accessKeyId} as its access key id
   * @throws InvalidTokenException for any token this sealer would not have made for that key
   */
  public SessionToken open(String token, String accessKeyId) throws InvalidTokenException {
    byte[] in = decode(token);
    if (in.length < MIN_TOKEN_BYTES) {
      throw new InvalidTokenException("token has " + in.length + " bytes, fewer than " + MIN_TOKEN_BYTES);
    }
    if (in[0] != VERSION) {
      throw new InvalidTokenException("unknown token version " + (in[0] & 0xff));
    }
    int keyId = ((in[1] & 0xff) << 24) | ((in[2] & 0xff) << 16) | ((in[3] & 0xff) << 8) | (in[4] & 0xff);
    int k = indexOf(keyId);
    if (k < 0) {
      throw new InvalidTokenException("no enabled key " + keyId + " in the keyring");
    }
    byte[] plain;
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.DECRYPT_MODE, keys[k],
          new GCMParameterSpec(TAG_BYTES * 8, in, HEADER_BYTES, NONCE_BYTES));
      cipher.updateAAD(in, 0, HEADER_BYTES);
      cipher.updateAAD(Objects.requireNonNull(accessKeyId, "accessKeyId").getBytes(StandardCharsets.UTF_8));
      plain = cipher.doFinal(in, PREFIX_BYTES, in.length - PREFIX_BYTES);
    } catch (GeneralSecurityException e) { // AEADBadTagException above all
      throw new InvalidTokenException("GCM open failed under key " + keyId + ": " + e, e);
    }
    return SessionTokenCodec.decode(plain, 0, plain.length, accessKeyId);
  }

  private static byte[] decode(String token) throws InvalidTokenException {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
      throw new InvalidTokenException("token is null, empty or longer than " + MAX_TOKEN_CHARS);
    }
    if (!isCanonicalUnpadded(token)) {
      throw new InvalidTokenException("token is not canonical unpadded base64url");
    }
    try {
      return DECODER.decode(token);
    } catch (IllegalArgumentException e) {
      throw new InvalidTokenException("token is not base64url: " + e.getMessage(), e);
    }
  }

  /**
   * Rejects padding and nonzero leftover bits, which the JDK decoder accepts; otherwise several
   * strings would open as one token, and a revocation list keyed on the string could be dodged.
   */
  private static boolean isCanonicalUnpadded(String token) {
    int rem = token.length() % 4;
    if (rem == 1 || token.charAt(token.length() - 1) == '=') {
      return false;
    }
    if (rem == 0) {
      return true;
    }
    int v = base64UrlValue(token.charAt(token.length() - 1));
    int unusedBitsMask = rem == 2 ? 0x0f : 0x03;
    return v >= 0 && (v & unusedBitsMask) == 0;
  }

  private static int base64UrlValue(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    } else if (c == '-') {
      return 62;
    } else if (c == '_') {
      return 63;
    }
    return -1;
  }

  private int indexOf(int keyId) {
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] == keyId) {
        return i;
      }
    }
    return -1;
  }
}
