package dev.tokengate.proxy.token;

import dev.tokengate.proxy.identity.Session;
import dev.tokengate.proxy.sts.InvalidSessionTokenException;
import dev.tokengate.proxy.sts.SessionSealer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals sessions into stateless tokens with {@link KeyringAead} (AES-256-GCM under the keyring).
 *
 * <p>The access key id the token is presented with is authenticated data, so a token moved to
 * another access key, or altered in any byte, does not open. Tokens sealed before a key rotation
 * open until their key is retired. Every failure is the same {@link InvalidSessionTokenException};
 * the cause goes to the debug log only.
 */
public final class SessionTokenSealer implements SessionSealer {
  private static final Logger LOG = LoggerFactory.getLogger(SessionTokenSealer.class);
  /** Domain separation: a session token never opens as another kind of sealed blob. */
  private static final String PURPOSE = "tokengate session token\n";

  private final KeyringAead aead;

  public SessionTokenSealer(KeyringAead aead) {
    this.aead = aead;
  }

  public SessionTokenSealer(Keyring keyring, java.security.SecureRandom random) {
    this(new KeyringAead(keyring, random));
  }

  @Override
  public String seal(Session session) {
    return aead.seal(SessionTokenCodec.encode(session), associatedData(session.accessKeyId()));
  }

  @Override
  public Session open(String token, String accessKeyId) throws InvalidSessionTokenException {
    try {
      Session session = SessionTokenCodec.decode(aead.open(token, associatedData(accessKeyId)));
      if (!session.accessKeyId().equals(accessKeyId)) {
        throw invalid("access key mismatch");
      }
      return session;
    } catch (KeyringAead.NotOpened e) {
      throw invalid(e.getMessage());
    } catch (IOException e) {
      throw invalid("sealed content does not decode: " + e.getMessage());
    }
  }

  static byte[] associatedData(String accessKeyId) {
    return (PURPOSE + accessKeyId).getBytes(StandardCharsets.UTF_8);
  }

  private static InvalidSessionTokenException invalid(String why) {
    LOG.debug("session token did not open: {}", why);
    return new InvalidSessionTokenException();
  }
}
