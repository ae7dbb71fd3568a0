package dev.tokengate.proxy.iam;

import dev.tokengate.proxy.authz.CallFacts;
import dev.tokengate.proxy.authz.PermissionResolver;
import dev.tokengate.proxy.authz.RequestContextFactory;
import dev.tokengate.proxy.identity.ConfiguredProviders;
import dev.tokengate.proxy.identity.AccessKeys;
import dev.tokengate.proxy.identity.Caller;
import dev.tokengate.proxy.identity.IdentityStore;
import dev.tokengate.proxy.sts.MfaCodeLedger;
import dev.tokengate.proxy.sts.QueryApi;
import dev.tokengate.proxy.sts.QueryXml;
import dev.tokengate.proxy.sts.SessionCallRules;
import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import dev.tokengate.proxy.sts.StsRequest;
import dev.tokengate.proxy.sts.StsXmlNamespace;
import dev.tokengate.proxy.revocation.RevocationList;
import dev.tokengate.proxy.token.SharedKeyring;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The IAM query API (version 2010-05-08) on the proxy's port: users, access keys, roles and their
 * inline and attached policies, kept in the state store ({@link IdentityStore} sees every change at
 * once), and SimulatePrincipalPolicy ({@link PolicySimulation}). Every action is authorized as
 * {@code iam:ACTION} on the ARN AWS uses; who may call IAM at all follows AWS ({@link
 * SessionCallRules#checkIam}).
 */
public final class IamService implements QueryApi {
  private static final String VERSION = "2010-05-08";

  /** One IAM action. */
  @FunctionalInterface
  private interface Action {
    Map<String, ?> handle(IamCall call) throws StsException;
  }

  private final IdentityStore identities;
  private final PermissionResolver permissions;
  private final RequestContextFactory contexts;
  private final PolicySimulation simulation;
  private final Map<String, Action> actions = new HashMap<>();

  /**
   * @param revocations the revocations in force, or null when there is no state store
   * @param keyring the keys that seal session tokens, kept in the state store
   */
  public IamService(IdentityStore identities, PermissionResolver permissions, RequestContextFactory contexts,
      PolicySimulation simulation, SecureRandom random, RevocationList revocations, SharedKeyring keyring,
      MfaCodeLedger mfaLedger, Clock clock) {
    this(identities, permissions, contexts, simulation, random, revocations, keyring, mfaLedger, clock, false,
        () -> ConfiguredProviders.none());
  }

  /**
   * @param allowInsecureHttpIssuers whether OIDC providers may have {@code http://} URLs (tests only)
   * @param configuredProviders the configuration file's identity providers, which the API lists but cannot change
   */
  public IamService(IdentityStore identities, PermissionResolver permissions, RequestContextFactory contexts,
      PolicySimulation simulation, SecureRandom random, RevocationList revocations, SharedKeyring keyring,
      MfaCodeLedger mfaLedger, Clock clock, boolean allowInsecureHttpIssuers,
      java.util.function.Supplier<ConfiguredProviders> configuredProviders) {
    this.identities = identities;
    this.permissions = permissions;
    this.contexts = contexts;
    this.simulation = simulation;
    if (identities.state() == null) {
      return; // configured identities only: nothing to change
    }
    IamState state = new IamState(identities.state(), identities::refresh);
    UserActions users = new UserActions(identities, state, random);
    actions.put("CreateUser", users::createUser);
    actions.put("UpdateUser", users::updateUser);
    actions.put("GetUser", users::getUser);
    actions.put("ListUsers", users::listUsers);
    actions.put("DeleteUser", users::deleteUser);
    actions.put("PutUserPolicy", users::putUserPolicy);
    actions.put("GetUserPolicy", users::getUserPolicy);
    actions.put("ListUserPolicies", users::listUserPolicies);
    actions.put("DeleteUserPolicy", users::deleteUserPolicy);
    actions.put("AttachUserPolicy", users::attachUserPolicy);
    actions.put("DetachUserPolicy", users::detachUserPolicy);
    actions.put("ListAttachedUserPolicies", users::listAttachedUserPolicies);
    actions.put("TagUser", users::tagUser);
    actions.put("UntagUser", users::untagUser);
    actions.put("ListUserTags", users::listUserTags);
    AccessKeyActions keys = new AccessKeyActions(identities, state, new AccessKeys(random));
    actions.put("CreateAccessKey", keys::createAccessKey);
    actions.put("ListAccessKeys", keys::listAccessKeys);
    actions.put("UpdateAccessKey", keys::updateAccessKey);
    actions.put("DeleteAccessKey", keys::deleteAccessKey);
    GroupActions groups = new GroupActions(identities, state, random);
    actions.put("CreateGroup", groups::createGroup);
    actions.put("UpdateGroup", groups::updateGroup);
    actions.put("GetGroup", groups::getGroup);
    actions.put("ListGroups", groups::listGroups);
    actions.put("DeleteGroup", groups::deleteGroup);
    actions.put("AddUserToGroup", groups::addUserToGroup);
    actions.put("RemoveUserFromGroup", groups::removeUserFromGroup);
    actions.put("ListGroupsForUser", groups::listGroupsForUser);
    actions.put("PutGroupPolicy", groups::putGroupPolicy);
    actions.put("GetGroupPolicy", groups::getGroupPolicy);
    actions.put("ListGroupPolicies", groups::listGroupPolicies);
    actions.put("DeleteGroupPolicy", groups::deleteGroupPolicy);
    actions.put("AttachGroupPolicy", groups::attachGroupPolicy);
    actions.put("DetachGroupPolicy", groups::detachGroupPolicy);
    actions.put("ListAttachedGroupPolicies", groups::listAttachedGroupPolicies);
    PolicyActions policies = new PolicyActions(identities, state, random);
    actions.put("CreatePolicy", policies::createPolicy);
    actions.put("GetPolicy", policies::getPolicy);
    actions.put("ListPolicies", policies::listPolicies);
    actions.put("DeletePolicy", policies::deletePolicy);
    actions.put("CreatePolicyVersion", policies::createPolicyVersion);
    actions.put("GetPolicyVersion", policies::getPolicyVersion);
    actions.put("ListPolicyVersions", policies::listPolicyVersions);
    actions.put("DeletePolicyVersion", policies::deletePolicyVersion);
    actions.put("SetDefaultPolicyVersion", policies::setDefaultPolicyVersion);
    RoleActions roles = new RoleActions(identities, state, random);
    actions.put("CreateRole", roles::createRole);
    actions.put("GetRole", roles::getRole);
    actions.put("ListRoles", roles::listRoles);
    actions.put("DeleteRole", roles::deleteRole);
    actions.put("UpdateAssumeRolePolicy", roles::updateAssumeRolePolicy);
    actions.put("UpdateRole", roles::updateRole);
    actions.put("UpdateRoleDescription", roles::updateRoleDescription);
    RoleTagActions roleTags = new RoleTagActions(identities, state);
    actions.put("TagRole", roleTags::tagRole);
    actions.put("UntagRole", roleTags::untagRole);
    actions.put("ListRoleTags", roleTags::listRoleTags);
    BoundaryActions boundaries = new BoundaryActions(identities, state);
    actions.put("PutUserPermissionsBoundary", boundaries::putUserPermissionsBoundary);
    actions.put("DeleteUserPermissionsBoundary", boundaries::deleteUserPermissionsBoundary);
    actions.put("PutRolePermissionsBoundary", boundaries::putRolePermissionsBoundary);
    actions.put("DeleteRolePermissionsBoundary", boundaries::deleteRolePermissionsBoundary);
    actions.put("PutRolePolicy", roles::putRolePolicy);
    actions.put("GetRolePolicy", roles::getRolePolicy);
    actions.put("ListRolePolicies", roles::listRolePolicies);
    actions.put("DeleteRolePolicy", roles::deleteRolePolicy);
    actions.put("AttachRolePolicy", roles::attachRolePolicy);
    actions.put("DetachRolePolicy", roles::detachRolePolicy);
    actions.put("ListAttachedRolePolicies", roles::listAttachedRolePolicies);
    // tokengate's extension: session revocation (see RevocationActions)
    RevocationActions revoke = new RevocationActions(identities, state, revocations, random, clock);
    actions.put("RevokeSession", revoke::revokeSession);
    actions.put("RevokeSessions", revoke::revokeSessions);
    actions.put("ListSessionRevocations", revoke::listSessionRevocations);
    // tokengate's extension: the keys that seal session tokens (see KeyringActions)
    KeyringActions sealing = new KeyringActions(keyring, random);
    actions.put("RotateSessionKeys", sealing::rotate);
    actions.put("RetireSessionKeys", sealing::retire);
    actions.put("ListSessionKeys", sealing::list);
    OidcProviderActions oidc = new OidcProviderActions(state, allowInsecureHttpIssuers, configuredProviders);
    actions.put("CreateOpenIDConnectProvider", oidc::createOpenIDConnectProvider);
    actions.put("GetOpenIDConnectProvider", oidc::getOpenIDConnectProvider);
    actions.put("ListOpenIDConnectProviders", oidc::listOpenIDConnectProviders);
    actions.put("DeleteOpenIDConnectProvider", oidc::deleteOpenIDConnectProvider);
    actions.put("AddClientIDToOpenIDConnectProvider", oidc::addClientIDToOpenIDConnectProvider);
    actions.put("RemoveClientIDFromOpenIDConnectProvider", oidc::removeClientIDFromOpenIDConnectProvider);
    actions.put("UpdateOpenIDConnectProviderThumbprint", oidc::updateOpenIDConnectProviderThumbprint);
    actions.put("TagOpenIDConnectProvider", oidc::tagOpenIDConnectProvider);
    actions.put("UntagOpenIDConnectProvider", oidc::untagOpenIDConnectProvider);
    actions.put("ListOpenIDConnectProviderTags", oidc::listOpenIDConnectProviderTags);
    SamlProviderActions saml = new SamlProviderActions(state, configuredProviders);
    actions.put("CreateSAMLProvider", saml::createSAMLProvider);
    actions.put("GetSAMLProvider", saml::getSAMLProvider);
    actions.put("ListSAMLProviders", saml::listSAMLProviders);
    actions.put("UpdateSAMLProvider", saml::updateSAMLProvider);
    actions.put("DeleteSAMLProvider", saml::deleteSAMLProvider);
    actions.put("TagSAMLProvider", saml::tagSAMLProvider);
    actions.put("UntagSAMLProvider", saml::untagSAMLProvider);
    actions.put("ListSAMLProviderTags", saml::listSAMLProviderTags);
    MfaDeviceActions mfa = new MfaDeviceActions(identities, state, random, mfaLedger, clock);
    actions.put("CreateVirtualMFADevice", mfa::createVirtualMFADevice);
    actions.put("EnableMFADevice", mfa::enableMFADevice);
    actions.put("DeactivateMFADevice", mfa::deactivateMFADevice);
    actions.put("DeleteVirtualMFADevice", mfa::deleteVirtualMFADevice);
    actions.put("ListMFADevices", mfa::listMFADevices);
    actions.put("ListVirtualMFADevices", mfa::listVirtualMFADevices);
    AccountActions account = new AccountActions(identities, state);
    actions.put("GetAccountSummary", account::getAccountSummary);
    actions.put("GetAccessKeyLastUsed", account::getAccessKeyLastUsed);
    actions.put("SimulateCustomPolicy", new CustomPolicySimulation(identities)::simulateCustomPolicy);
  }

  @Override
  public byte[] handle(StsRequest request, Caller caller, CallFacts facts, String requestId) throws StsException {
    if (caller == null) {
      throw new StsException(StsError.MISSING_AUTHENTICATION_TOKEN, "Request is missing Authentication Token");
    }
    if ("SimulatePrincipalPolicy".equals(request.action())) {
      return simulation.handle(request, caller, facts, requestId);
    }
    SessionCallRules.checkIam(caller);
    Action action = VERSION.equals(request.version()) ? actions.get(request.action()) : null;
    if (action == null) {
      throw new StsException(StsError.INVALID_ACTION,
          "Could not find operation " + request.action() + " for version " + request.version());
    }
    Map<String, ?> result =
        action.handle(new IamCall(request, caller, facts, permissions, contexts, identities.accountId()));
    return QueryXml.response(StsXmlNamespace.IAM, request.action(), result, requestId);
  }
}
