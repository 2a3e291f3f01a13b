package io.portcullis.gateway.authorize;

import io.portcullis.gateway.RequestContext;
import io.portcullis.gateway.authorize.Authorization.Denied;
import io.portcullis.gateway.identify.Identification.Identified;
import io.portcullis.registry.Api;
import io.portcullis.registry.Application;
import io.portcullis.registry.ApplicationLookup;
import io.portcullis.registry.IdentifyAndAuthorize;
import java.util.List;

/**
 * Enforces the authorization half of an API's Identify &amp; Authorize policy, in this order:
 *
 * <table>
 *   <caption>decisions</caption>
 *   <tr><th>caller</th><th>decision</th></tr>
 *   <tr><td>no application (anonymous, or a token that identifies none), policy allows
 *       anonymous</td><td>allowed; required scopes are not checked, as for any public call</td></tr>
 *   <tr><td>anonymous, anonymous not allowed</td><td>401, bare challenge</td></tr>
 *   <tr><td>a token that identifies no application, anonymous not allowed</td><td>401 {@code
 *       invalid_token}: a token of a registered application could succeed</td></tr>
 *   <tr><td>disabled application</td><td>403</td></tr>
 *   <tr><td>lookup {@code REGISTERED}, application not associated with the API</td><td>403, even
 *       when anonymous calls are allowed: presenting credentials never gets less checking than
 *       presenting none would suggest</td></tr>
 *   <tr><td>a required scope not held</td><td>403 {@code insufficient_scope}, with the required
 *       scopes in the challenge</td></tr>
 *   <tr><td>otherwise</td><td>allowed</td></tr>
 * </table>
 */
public final class PolicyAuthorizer implements Authorizer {

  @Override
  public Authorization authorize(RequestContext ctx) {
    Api api = ctx.api();
    IdentifyAndAuthorize policy = api.identifyAndAuthorize();
    Identified identity = ctx.identity();
    Application application = identity == null ? null : identity.application();
    if (application == null) {
      if (policy.allowAnonymous()) return Authorization.ALLOWED;
      if (identity == null || identity.isAnonymous()) {
        return new Denied(401, null, "API " + api.key() + " requires identification", List.of());
      }
      return new Denied(
          401,
          "invalid_token",
          "the token identifies no application; API " + api.key() + " requires one",
          List.of());
    }
    if (!application.enabled()) {
      return new Denied(403, null, "application " + application.name() + " is disabled", List.of());
    }
    if (policy.applicationLookup() == ApplicationLookup.REGISTERED
        && !application.apis().contains(api.key())) {
      return new Denied(
          403,
          null,
          "application " + application.name() + " is not associated with API " + api.key(),
          List.of());
    }
    List<String> missing =
        policy.scopes().stream().filter(scope -> !identity.scopes().contains(scope)).toList();
    if (!missing.isEmpty()) {
      return new Denied(
          403,
          "insufficient_scope",
          "API " + api.key() + " requires the scope(s) " + String.join(" ", missing),
          policy.scopes());
    }
    return Authorization.ALLOWED;
  }
}
