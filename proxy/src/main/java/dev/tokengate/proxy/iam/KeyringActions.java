package dev.tokengate.proxy.iam;

import dev.tokengate.proxy.state.StateException;
import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import dev.tokengate.proxy.token.Keyring;
import dev.tokengate.proxy.token.SharedKeyring;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * tokengate's extension for the keys that seal session tokens, on the IAM endpoint: {@code
 * RotateSessionKeys} (a new primary; older keys still open the tokens they sealed), {@code
 * RetireSessionKeys} (every key but the primary goes: its tokens stop opening) and {@code
 * ListSessionKeys}. Through the state store, so every replica rotates together. Key material never
 * leaves the store: answers name key ids only. Authorized as {@code iam:ACTION} on {@code *}.
 */
final class KeyringActions {
  private final SharedKeyring keyring;
  private final SecureRandom random;

  KeyringActions(SharedKeyring keyring, SecureRandom random) {
    this.keyring = keyring;
    this.random = random;
  }

  Map<String, Object> rotate(IamCall call) throws StsException {
    call.authorize("*");
    return render(change(k -> k.rotate(random)));
  }

  Map<String, Object> retire(IamCall call) throws StsException {
    call.authorize("*");
    return render(change(Keyring::retireAllButPrimary));
  }

  Map<String, Object> list(IamCall call) throws StsException {
    call.authorize("*");
    return render(keyring.aead().keyring());
  }

  private Keyring change(java.util.function.UnaryOperator<Keyring> op) throws StsException {
    try {
      return keyring.update(op);
    } catch (StateException e) {
      throw new StsException(StsError.SERVICE_UNAVAILABLE, "The state store is unavailable: " + e.getMessage());
    }
  }

  private static Map<String, Object> render(Keyring k) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("PrimaryKeyId", String.valueOf(k.primary().id()));
    List<Object> keys = k.keys().stream().map(key -> {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("KeyId", String.valueOf(key.id()));
      one.put("Primary", String.valueOf(key.primary()));
      return (Object) one;
    }).toList();
    m.put("Keys", keys);
    return m;
  }
}
