package dev.tokengate.proxy.iam;

import dev.tokengate.proxy.identity.IdentityStore;
import dev.tokengate.proxy.identity.StoredIdentities;
import dev.tokengate.proxy.identity.StoredIdentities.StoredMfaDevice;
import dev.tokengate.proxy.identity.StoredIdentities.StoredUser;
import dev.tokengate.proxy.identity.User;
import dev.tokengate.proxy.sts.MfaCodeLedger;
import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import dev.tokengate.proxy.sts.Totp;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Virtual MFA devices: created with a random TOTP seed, enabled for a user with two consecutive
 * codes, after which the user's GetSessionToken and AssumeRole accept the device's serial number
 * and codes. A configured {@code mfaSecret} is listed as the device {@code arn:aws:iam::ACCT:mfa/
 * PATH/USER}, which only the configuration changes. One device per user (AWS allows eight; STS
 * here checks one seed per user). CreateVirtualMFADevice returns no QRCodePNG: the JDK cannot draw
 * a QR code without a library; the seed itself ({@code --bootstrap-method Base32StringSeed}) works.
 */
final class MfaDeviceActions {
  /** AWS's seeds are 64 base32 characters: 40 random bytes. */
  private static final int SEED_BYTES = 40;
  private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final Pattern SERIAL = Pattern.compile("[\\w+=/:,.@-]{9,256}");
  private static final Pattern CODE = Pattern.compile("\\d{6}");

  private final IdentityStore identities;
  private final IamState state;
  private final SecureRandom random;
  private final MfaCodeLedger ledger;
  private final Clock clock;
  private final Totp totp = new Totp(6);

  MfaDeviceActions(IdentityStore identities, IamState state, SecureRandom random, MfaCodeLedger ledger, Clock clock) {
    this.identities = identities;
    this.state = state;
    this.random = random;
    this.ledger = ledger;
    this.clock = clock;
  }

  Map<String, Object> createVirtualMFADevice(IamCall call) throws StsException {
    String name = call.name("VirtualMFADeviceName", 226);
    String path = call.path();
    String serial = identities.mfaSerial(path, name);
    call.authorize(serial);
    if (identities.mfaDevices().containsKey(name) || identities.users().stream()
        .anyMatch(u -> serial.equals(u.mfaSerial()))) {
      throw exists();
    }
    byte[] raw = new byte[SEED_BYTES];
    random.nextBytes(raw);
    String seed = base32(raw);
    Map<String, String> tags = UserActions.tags(call);
    if (!state.create(StoredIdentities.MFA_DEVICES + name,
        new StoredMfaDevice(name, path, seed, IamDocuments.now(), null, null, tags))) {
      throw exists();
    }
    Map<String, Object> device = new LinkedHashMap<>();
    device.put("SerialNumber", serial);
    // A blob on the wire: base64 of the base32 text, which the CLI's --outfile writes decoded.
    device.put("Base32StringSeed", Base64.getEncoder().encodeToString(seed.getBytes(StandardCharsets.US_ASCII)));
    device.put("Tags", tags.isEmpty() ? null : tagList(tags));
    return Map.of("VirtualMFADevice", device);
  }

  private static StsException exists() {
    return new StsException(StsError.ENTITY_ALREADY_EXISTS, "MFADevice entity at the same path and name already exists.");
  }

  Map<String, Object> enableMFADevice(IamCall call) throws StsException {
    User u = user(call.name("UserName", 64));
    call.authorize(u.arn());
    String serial = serial(call);
    String code1 = code(call, "AuthenticationCode1");
    String code2 = code(call, "AuthenticationCode2");
    StoredMfaDevice device = device(serial);
    if (device.assigned()) {
      throw new StsException(StsError.ENTITY_ALREADY_EXISTS, "MFA Device is already in use.");
    }
    if (u.mfaSecret() != null) {
      throw new StsException(StsError.LIMIT_EXCEEDED, "Cannot exceed quota for MFADevicesPerUser: 1");
    }
    long step = consecutive(device.seed(), code1, code2);
    // The second code is spent: it (and the first) can never open a session afterwards.
    if (step < 0 || !ledger.consume(serial, step + 1)) {
      throw new StsException(StsError.INVALID_AUTHENTICATION_CODE, "Authentication code for device is not valid.");
    }
    String enabled = IamDocuments.now();
    state.update(StoredIdentities.MFA_DEVICES + device.name(), StoredMfaDevice.class, current -> {
      if (current.assigned()) {
        throw new StsException(StsError.ENTITY_ALREADY_EXISTS, "MFA Device is already in use.");
      }
      return new StoredMfaDevice(current.name(), current.path(), current.seed(), current.createDate(), u.name(),
          enabled, current.tags());
    });
    return Map.of();
  }

  /**
   * The step of {@code code1} when it and {@code code2} are the codes of two consecutive steps, the
   * second one the current step or one step off it (clock drift, a slow typist); else -1.
   */
  long consecutive(String seed, String code1, String code2) {
    byte[] key = Totp.base32(seed);
    long now = clock.instant().getEpochSecond() / 30;
    for (long s = now - 2; s <= now; s++) {
      if (totp.code(key, s).equals(code1) && totp.code(key, s + 1).equals(code2)) {
        return s;
      }
    }
    return -1;
  }

  Map<String, Object> deactivateMFADevice(IamCall call) throws StsException {
    User u = subject(call);
    String serial = serial(call);
    configured(serial);
    StoredMfaDevice device = device(serial);
    if (!u.name().equals(device.userName())) {
      throw new StsException(StsError.NO_SUCH_ENTITY, "MFA Device with serial number " + serial + " for user "
          + u.name() + " cannot be found.");
    }
    state.update(StoredIdentities.MFA_DEVICES + device.name(), StoredMfaDevice.class, current ->
        new StoredMfaDevice(current.name(), current.path(), current.seed(), current.createDate(), null, null,
            current.tags()));
    return Map.of();
  }

  Map<String, Object> deleteVirtualMFADevice(IamCall call) throws StsException {
    String serial = serial(call);
    call.authorize(serial);
    configured(serial);
    StoredMfaDevice device = device(serial);
    if (device.assigned()) {
      throw new StsException(StsError.DELETE_CONFLICT, "MFA VirtualDevice in use. Must deactivate first.");
    }
    state.delete(StoredIdentities.MFA_DEVICES + device.name());
    return Map.of();
  }

  Map<String, Object> listMFADevices(IamCall call) throws StsException {
    User u = subject(call);
    List<Map<String, Object>> out = new ArrayList<>();
    if (u.mfaSerial() != null) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("UserName", u.name());
      m.put("SerialNumber", u.mfaSerial());
      m.put("EnableDate", enableDate(u.mfaSerial()));
      out.add(m);
    }
    return IamPages.page(call, "MFADevices", out, m -> (String) m.get("SerialNumber"), m -> m);
  }

  Map<String, Object> listVirtualMFADevices(IamCall call) throws StsException {
    String status = call.get("AssignmentStatus") == null ? "Any" : call.get("AssignmentStatus");
    if (!List.of("Assigned", "Unassigned", "Any").contains(status)) {
      throw new StsException(StsError.VALIDATION_ERROR, "1 validation error detected: Value '" + status
          + "' at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set: [Assigned,"
          + " Unassigned, Any]");
    }
    call.authorize("*");
    List<Map<String, Object>> out = new ArrayList<>();
    for (StoredMfaDevice d : identities.mfaDevices().values()) {
      if (status.equals("Any") || status.equals("Assigned") == d.assigned()) {
        Optional<User> owner = d.assigned() ? identities.findUser(d.userName()) : Optional.empty();
        out.add(listed(identities.mfaSerial(d.path(), d.name()), owner.orElse(null), d.enableDate(), d.tags()));
      }
    }
    if (!status.equals("Unassigned")) {
      for (User u : identities.users()) {
        if (u.mfaSerial() != null && identities.isConfiguredUser(u.name()) && configuredDevice(u.mfaSerial())) {
          out.add(listed(u.mfaSerial(), u, IamDocuments.STARTED, Map.of()));
        }
      }
    }
    out.sort(Comparator.comparing(m -> (String) m.get("SerialNumber")));
    return IamPages.page(call, "VirtualMFADevices", out, m -> (String) m.get("SerialNumber"), m -> m);
  }

  private Map<String, Object> listed(String serial, User owner, String enableDate, Map<String, String> tags) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("SerialNumber", serial);
    if (owner != null) {
      m.put("User", IamDocuments.user(owner, identities.storedUser(owner.name()).map(StoredUser::createDate)
          .orElse(null)));
      m.put("EnableDate", enableDate);
    }
    m.put("Tags", tags.isEmpty() ? null : tagList(tags));
    return m;
  }

  private static List<Map<String, Object>> tagList(Map<String, String> tags) {
    return tags.entrySet().stream().map(e -> {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("Key", e.getKey());
      t.put("Value", e.getValue());
      return t;
    }).toList();
  }

  private String enableDate(String serial) {
    return stored(serial).map(StoredMfaDevice::enableDate).orElse(IamDocuments.STARTED);
  }

  /** Whether a serial is a configured mfaSecret's device (no stored device carries it). */
  private boolean configuredDevice(String serial) {
    return stored(serial).isEmpty();
  }

  private void configured(String serial) throws StsException {
    boolean isConfigured = identities.users().stream().anyMatch(u -> serial.equals(u.mfaSerial())
        && identities.isConfiguredUser(u.name()) && configuredDevice(serial));
    if (isConfigured) {
      throw new StsException(StsError.UNMODIFIABLE_ENTITY, "The MFA device " + serial
          + " is defined in tokengate's configuration; change it there.");
    }
  }

  private Optional<StoredMfaDevice> stored(String serial) {
    String name = serial.substring(serial.lastIndexOf('/') + 1);
    return Optional.ofNullable(identities.mfaDevices().get(name))
        .filter(d -> identities.mfaSerial(d.path(), d.name()).equals(serial));
  }

  private StoredMfaDevice device(String serial) throws StsException {
    return stored(serial).orElseThrow(() -> new StsException(StsError.NO_SUCH_ENTITY,
        "VirtualMFADevice with serial number " + serial + " doesn't exist."));
  }

  private User user(String name) throws StsException {
    return identities.findUser(name).orElseThrow(() ->
        new StsException(StsError.NO_SUCH_ENTITY, "The user with name " + name + " cannot be found."));
  }

  /** The UserName parameter, or the calling user's own name (as IAM does without one); authorized. */
  private User subject(IamCall call) throws StsException {
    User u;
    if (call.get("UserName") != null) {
      u = user(call.name("UserName", 64));
    } else if (call.caller().user() != null && call.caller().role() == null) {
      u = user(call.caller().user().name());
    } else {
      throw new StsException(StsError.VALIDATION_ERROR, "Must specify userName when calling with non-User credentials");
    }
    call.authorize(u.arn());
    return u;
  }

  private static String serial(IamCall call) throws StsException {
    String v = call.required("SerialNumber");
    if (!SERIAL.matcher(v).matches()) {
      throw new StsException(StsError.VALIDATION_ERROR, "1 validation error detected: Value '" + v
          + "' at 'serialNumber' failed to satisfy constraint: Member must satisfy regular expression pattern:"
          + " [\\w+=/:,.@-]+ and have length between 9 and 256");
    }
    return v;
  }

  private static String code(IamCall call, String parameter) throws StsException {
    String v = call.required(parameter);
    if (!CODE.matcher(v).matches()) {
      throw new StsException(StsError.VALIDATION_ERROR, "1 validation error detected: Value '" + v + "' at '"
          + Character.toLowerCase(parameter.charAt(0)) + parameter.substring(1)
          + "' failed to satisfy constraint: Member must have length 6 and satisfy regular expression pattern: [\\d]+");
    }
    return v;
  }

  /** RFC 4648 base32 without padding (40 bytes make exactly 64 characters). */
  static String base32(byte[] data) {
    StringBuilder out = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(BASE32.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(BASE32.charAt((buffer << (5 - bits)) & 31));
    }
    return out.toString();
  }
}
