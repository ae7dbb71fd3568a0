package dev.tokengate.proxy.sts;

import dev.tokengate.policy.PrincipalType;
import dev.tokengate.proxy.identity.Caller;
import java.util.Set;

/**
 * Which credentials may call which STS and IAM actions, from the table "Comparing the AWS STS API
 * operations" (IAM User Guide, id_credentials_temp_request):
 *
 * <ul>
 *   <li>AssumeRole sessions "cannot call GetFederationToken or GetSessionToken";
 *   <li>GetFederationToken sessions "cannot call IAM operations using the AWS CLI or AWS API" and
 *       "cannot call AWS STS operations except GetCallerIdentity";
 *   <li>GetSessionToken sessions "cannot call IAM API operations unless MFA information is included
 *       with the request" and "cannot call AWS STS API operations except AssumeRole or
 *       GetCallerIdentity".
 * </ul>
 *
 * <p>An IAM call refused this way answers 403 InvalidClientTokenId "The security token included in
 * the request is invalid", which is what IAM answers GetSessionToken credentials without MFA
 * (reported in 99designs/aws-vault#15 and #1056); the STS refusals answer AccessDenied.
 */
public final class SessionCallRules {
  private static final Set<String> USER_SESSION_STS = Set.of("AssumeRole", "GetCallerIdentity");
  private static final Set<String> ROLE_SESSION_REFUSED = Set.of("GetSessionToken", "GetFederationToken");

  private SessionCallRules() {}

  /** Refuses an STS action the caller's kind of credentials may not call. */
  public static void checkSts(Caller caller, String action) throws StsException {
    if (caller.session() == null || action.equals("GetCallerIdentity")) {
      return;
    }
    PrincipalType type = caller.session().principalType();
    boolean refused = switch (type) {
      case FEDERATED_USER -> true;
      case USER -> !USER_SESSION_STS.contains(action);
      default -> ROLE_SESSION_REFUSED.contains(action);
    };
    if (refused) {
      throw new StsException(StsError.ACCESS_DENIED, "Cannot call " + action + " with session credentials");
    }
  }

  /** Refuses any IAM call by federated-user credentials, or by GetSessionToken credentials without MFA. */
  public static void checkIam(Caller caller) throws StsException {
    if (caller.isFederatedSession() || (caller.isUserSession() && !caller.mfaAuthenticated())) {
      throw new StsException(StsError.INVALID_CLIENT_TOKEN_ID, "The security token included in the request is invalid");
    }
  }
}
