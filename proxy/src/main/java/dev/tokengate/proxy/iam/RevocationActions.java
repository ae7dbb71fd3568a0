package dev.tokengate.proxy.iam;

import dev.tokengate.proxy.identity.IdentityStore;
import dev.tokengate.proxy.identity.Role;
import dev.tokengate.proxy.identity.UniqueIds;
import dev.tokengate.proxy.identity.User;
import dev.tokengate.proxy.revocation.Revocation;
import dev.tokengate.proxy.revocation.RevocationList;
import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * tokengate's session revocation, as IAM-style actions on the IAM endpoint (AWS has none; its own
 * idiom, a Deny on {@code aws:TokenIssueTime}, works too): {@code RevokeSession} (one session by
 * its {@code ASIA…} key id), {@code RevokeSessions} (every session of a user or role, with a
 * source identity, or issued before a time) and {@code ListSessionRevocations}. Authorized as
 * {@code iam:RevokeSession} / {@code iam:RevokeSessions} / {@code iam:ListSessionRevocations}.
 */
final class RevocationActions {
  private static final Pattern SESSION_KEY = Pattern.compile("ASIA[A-Z0-9]{12,124}");
  private static final Pattern SOURCE_IDENTITY = Pattern.compile("[\\w+=,.@-]{2,64}");

  private final IdentityStore identities;
  private final IamState state;
  private final RevocationList revocations;
  private final SecureRandom random;
  private final Clock clock;

  RevocationActions(IdentityStore identities, IamState state, RevocationList revocations, SecureRandom random,
      Clock clock) {
    this.identities = identities;
    this.state = state;
    this.revocations = revocations;
    this.random = random;
    this.clock = clock;
  }

  Map<String, Object> revokeSession(IamCall call) throws StsException {
    String keyId = call.required("AccessKeyId");
    if (!SESSION_KEY.matcher(keyId).matches()) {
      throw new StsException(StsError.VALIDATION_ERROR,
          "1 validation error detected: Value at 'accessKeyId' failed to satisfy constraint: "
              + "a temporary access key id (ASIA…).");
    }
    call.authorize("arn:aws:iam::" + call.accountId() + ":session/" + keyId);
    return write(Revocation.Kind.SESSION, keyId, now());
  }

  Map<String, Object> revokeSessions(IamCall call) throws StsException {
    List<String> given = new ArrayList<>();
    for (String p : List.of("UserName", "RoleName", "SourceIdentity", "IssuedBefore")) {
      if (call.get(p) != null) {
        given.add(p);
      }
    }
    if (given.size() != 1) {
      throw new StsException(StsError.VALIDATION_ERROR,
          "Exactly one of UserName, RoleName, SourceIdentity and IssuedBefore must be given.");
    }
    Instant now = now();
    switch (given.get(0)) {
      case "UserName" -> {
        String name = call.name("UserName", 64);
        User u = identities.findUser(name).filter(x -> !x.accountRoot()).orElseThrow(() ->
            new StsException(StsError.NO_SUCH_ENTITY, "The user with name " + name + " cannot be found."));
        call.authorize(u.arn());
        return write(Revocation.Kind.USER, u.name(), now);
      }
      case "RoleName" -> {
        String name = call.name("RoleName", 64);
        Role r = identities.findRole(name).orElseThrow(() ->
            new StsException(StsError.NO_SUCH_ENTITY, "The role with name " + name + " cannot be found."));
        call.authorize(r.arn());
        return write(Revocation.Kind.ROLE, r.name(), now);
      }
      case "SourceIdentity" -> {
        String source = call.get("SourceIdentity");
        if (!SOURCE_IDENTITY.matcher(source).matches()) {
          throw new StsException(StsError.VALIDATION_ERROR,
              "1 validation error detected: Value at 'sourceIdentity' failed to satisfy constraint: "
                  + "Member must satisfy regular expression pattern: [\\w+=,.@-]*");
        }
        call.authorize("*");
        return write(Revocation.Kind.SOURCE_IDENTITY, source, now);
      }
      default -> {
        Instant before;
        try {
          before = Instant.parse(call.get("IssuedBefore"));
        } catch (DateTimeParseException e) {
          throw new StsException(StsError.VALIDATION_ERROR,
              "IssuedBefore must be an ISO-8601 time such as 2026-12-03T10:00:00Z.");
        }
        if (before.isAfter(now.plusSeconds(1))) {
          throw new StsException(StsError.VALIDATION_ERROR,
              "IssuedBefore must not be in the future: it would refuse sessions not issued yet.");
        }
        call.authorize("*");
        return write(Revocation.Kind.ISSUED_BEFORE, null, before);
      }
    }
  }

  Map<String, Object> listSessionRevocations(IamCall call) throws StsException {
    call.authorize("*");
    List<Revocation> all = new ArrayList<>(revocations.current());
    all.sort(Comparator.comparing(Revocation::id));
    return IamPages.page(call, "Revocations", all, Revocation::id, RevocationActions::render);
  }

  private Map<String, Object> write(Revocation.Kind kind, String value, Instant at) throws StsException {
    Revocation r = Revocation.of(UniqueIds.random("RVK", random), kind, value, at);
    if (!state.create(r.key(), r)) {
      throw new StsException(StsError.SERVICE_UNAVAILABLE, "Revocation id collision; retry.");
    }
    revocations.added(r); // in force here at once; other replicas through the store's watch
    return Map.of("Revocation", render(r));
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }

  private static Map<String, Object> render(Revocation r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("RevocationId", r.id());
    m.put("Kind", r.kind().wireName());
    if (r.value() != null) {
      m.put("Value", r.value());
    }
    m.put("RevokedBefore", r.revokedAtText());
    m.put("ExpiresAfter", r.dropAfterText());
    return m;
  }
}
