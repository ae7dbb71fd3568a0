package dev.tokengate.proxy.token;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tokengate.proxy.identity.Session;
import dev.tokengate.proxy.sts.InvalidSessionTokenException;
import java.io.IOException;
import java.security.SecureRandom;

/**
 * Fuzzes the session-token opener. Contract: any presented token either opens or fails with
 * {@link InvalidSessionTokenException}; any decrypted content either decodes or fails with
 * {@link IOException} (so a token sealed by a buggy or older writer can never crash the proxy); a
 * real token with any byte changed never opens.
 */
class SessionTokenFuzzTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final SessionTokenSealer SEALER = new SessionTokenSealer(Keyring.generate(RANDOM), RANDOM);
  private static final Session SESSION = SessionTokenCodecTest.full(SessionTokenCodecTest.policy(300, true));
  private static final String TOKEN = SEALER.seal(SESSION);

  @FuzzTest(maxDuration = "10m")
  void open(FuzzedDataProvider data) {
    String accessKeyId = data.consumeBoolean() ? SESSION.accessKeyId() : data.consumeString(24);
    String token;
    boolean altered = false;
    if (data.consumeBoolean()) {
      // A genuine token with fuzzed edits: it must not open unless it decodes to the very same bytes.
      char[] chars = TOKEN.toCharArray();
      int edits = data.consumeInt(1, 4);
      for (int i = 0; i < edits; i++) {
        chars[data.consumeInt(0, chars.length - 1)] = data.consumeChar();
      }
      token = new String(chars);
      altered = !token.equals(TOKEN);
    } else {
      token = data.consumeRemainingAsString();
    }
    try {
      Session opened = SEALER.open(token, accessKeyId);
      if (altered && !java.util.Arrays.equals(decode(token), decode(TOKEN))) {
        throw new AssertionError("an altered token opened: " + token);
      }
      if (!opened.accessKeyId().equals(accessKeyId)) {
        throw new AssertionError("a token opened for another access key");
      }
    } catch (InvalidSessionTokenException expected) {
      // the only allowed failure
    }
  }

  @FuzzTest(maxDuration = "10m")
  void decodeContent(byte[] plain) {
    try {
      SessionTokenCodec.decode(plain);
    } catch (IOException expected) {
      // the only allowed failure
    }
  }

  private static byte[] decode(String token) {
    try {
      return java.util.Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }
}
