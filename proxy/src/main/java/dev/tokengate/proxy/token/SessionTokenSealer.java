package dev.tokengate.proxy.token;

import dev.tokengate.proxy.identity.Session;
import dev.tokengate.proxy.sts.InvalidSessionTokenException;
import dev.tokengate.proxy.sts.SessionSealer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals sessions into stateless tokens with AES-256-GCM (JDK) under a {@link Keyring}.
 *
 * <p>Format: base64url(version byte, 4-byte key id, 12-byte random nonce, ciphertext and tag).
 * Sealing uses the primary key; opening finds the key by the id in the header, so tokens sealed
 * before a rotation open until their key is retired. The header and the access key id the token
 * is presented with are authenticated data, so a token moved to another access key, or altered in
 * any byte, does not open; every such failure is the same {@link InvalidSessionTokenException},
 * with the cause only in the debug log.
 */
public final class SessionTokenSealer implements SessionSealer {
  private static final Logger LOG = LoggerFactory.getLogger(SessionTokenSealer.class);
  private static final byte VERSION = 1;
  private static final int HEADER = 1 + 4;
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;

  private final Keyring keyring;
  private final SecureRandom random;

  public SessionTokenSealer(Keyring keyring, SecureRandom random) {
    this.keyring = keyring;
    this.random = random;
  }

  @Override
  public String seal(Session session) {
    Keyring.Key key = keyring.primary();
    byte[] plain = SessionTokenCodec.encode(session);
    ByteBuffer token = ByteBuffer.allocate(HEADER + NONCE + plain.length + TAG_BITS / 8);
    token.put(VERSION).putInt(key.id());
    byte[] nonce = new byte[NONCE];
    random.nextBytes(nonce);
    token.put(nonce);
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key.material(), "AES"), new GCMParameterSpec(TAG_BITS, nonce));
      gcm.updateAAD(token.array(), 0, HEADER);
      gcm.updateAAD(session.accessKeyId().getBytes(StandardCharsets.US_ASCII));
      gcm.doFinal(plain, 0, plain.length, token.array(), HEADER + NONCE);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM must be available in every JDK 17", e);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(token.array());
  }

  @Override
  public Session open(String token, String accessKeyId) throws InvalidSessionTokenException {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw invalid("not base64url");
    }
    if (bytes.length < HEADER + NONCE + TAG_BITS / 8 || bytes[0] != VERSION) {
      throw invalid("too short or unknown version");
    }
    Keyring.Key key = keyring.find(ByteBuffer.wrap(bytes, 1, 4).getInt());
    if (key == null) {
      throw invalid("unknown or retired key id");
    }
    byte[] plain;
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key.material(), "AES"), new GCMParameterSpec(TAG_BITS, bytes, HEADER, NONCE));
      gcm.updateAAD(bytes, 0, HEADER);
      gcm.updateAAD(accessKeyId.getBytes(StandardCharsets.US_ASCII));
      plain = gcm.doFinal(bytes, HEADER + NONCE, bytes.length - HEADER - NONCE);
    } catch (GeneralSecurityException e) {
      throw invalid("authentication failed (altered, or presented with another access key)");
    }
    try {
      Session session = SessionTokenCodec.decode(plain);
      if (!session.accessKeyId().equals(accessKeyId)) {
        throw invalid("access key mismatch");
      }
      return session;
    } catch (IOException e) {
      throw invalid("sealed content does not decode: " + e.getMessage());
    }
  }

  private static InvalidSessionTokenException invalid(String why) {
    LOG.debug("session token did not open: {}", why);
    return new InvalidSessionTokenException();
  }
}
