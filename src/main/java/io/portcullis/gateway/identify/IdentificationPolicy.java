package io.portcullis.gateway.identify;

import io.portcullis.gateway.RequestContext;
import io.portcullis.gateway.identify.Identification.NotApplicable;
import io.portcullis.gateway.identify.Identification.Rejected;
import io.portcullis.http.Credentials;
import io.portcullis.registry.Api;
import io.portcullis.registry.IdentificationMethod;
import io.portcullis.registry.IdentifyAndAuthorize;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Applies the identification half of an API's Identify &amp; Authorize policy:
 *
 * <ol>
 *   <li>A policy without methods lets calls through as {@link Identification#ANONYMOUS} when it
 *       allows anonymous calls, and refuses every call (403) when it does not.
 *   <li>A policy that names a method this gateway has no {@link Identifier} for refuses every call
 *       with 503, even when another of its methods is available: the administrator asked for a
 *       check the gateway cannot make, so it fails closed rather than skip it. 401 would be wrong,
 *       since no credentials can succeed.
 *   <li>An unusable {@code Authorization} header (malformed, two of them, two schemes) is refused
 *       with 400 {@code invalid_request}.
 *   <li>The policy's identifiers run in the order of {@link IdentificationMethod}; the first whose
 *       answer is not {@link NotApplicable} decides. A caller it identifies must then pass the
 *       {@link SenderBinding} ({@link Identifiers#binding()}): the proof a bound token needs, and
 *       the API's {@code senderConstraint}.
 *   <li>When none applies: anonymous if allowed; else 401 with a bare challenge when the request
 *       has no credentials (RFC 6750 §3.1), or 401 {@code invalid_token} for a bearer token no
 *       identifier accepts.
 * </ol>
 */
public final class IdentificationPolicy {
  private final Identifiers identifiers;

  public IdentificationPolicy(Identifiers identifiers) {
    this.identifiers = Objects.requireNonNull(identifiers, "identifiers");
  }

  /**
   * Identifies the caller of a routed request ({@link RequestContext#api()} set).
   *
   * @return a future of {@link Identification.Identified} (possibly anonymous) or {@link Rejected},
   *     never {@link NotApplicable}; failed only when an identifier failed
   */
  public Future<Identification> identify(RequestContext ctx) {
    Api api = ctx.api();
    IdentifyAndAuthorize policy = api.identifyAndAuthorize();
    if (policy.methods().isEmpty()) {
      return Future.succeededFuture(
          policy.allowAnonymous()
              ? Identification.ANONYMOUS
              : new Rejected(
                  403,
                  null,
                  "API " + api.key() + " accepts no identification method and no anonymous calls"));
    }
    List<Identifier> chain = new ArrayList<>();
    for (IdentificationMethod method : IdentificationMethod.values()) {
      if (!policy.methods().contains(method)) continue;
      Optional<Identifier> identifier = identifiers.find(method);
      if (identifier.isEmpty()) {
        return Future.succeededFuture(
            new Rejected(
                503,
                null,
                "identification method " + method + " is not available on this gateway"));
      }
      chain.add(identifier.get());
    }
    if (ctx.credentials() instanceof Credentials.Invalid invalid) {
      return Future.succeededFuture(new Rejected(400, "invalid_request", invalid.description()));
    }
    return firstApplicable(chain, 0, ctx)
        .compose(
            result -> {
              if (result instanceof NotApplicable) {
                return Future.succeededFuture(unidentified(ctx, policy));
              }
              return result instanceof Identification.Identified identified
                  ? identifiers.binding().check(ctx, identified)
                  : Future.succeededFuture(result);
            });
  }

  private static Future<Identification> firstApplicable(
      List<Identifier> chain, int index, RequestContext ctx) {
    if (index == chain.size()) return Future.succeededFuture(Identification.NOT_APPLICABLE);
    return chain
        .get(index)
        .identify(ctx)
        .compose(
            result ->
                result instanceof NotApplicable
                    ? firstApplicable(chain, index + 1, ctx)
                    : Future.succeededFuture(result));
  }

  private static Identification unidentified(RequestContext ctx, IdentifyAndAuthorize policy) {
    if (policy.allowAnonymous()) return Identification.ANONYMOUS;
    Credentials credentials = ctx.credentials();
    if (credentials instanceof Credentials.Bearer || credentials instanceof Credentials.Dpop) {
      String kind = credentials instanceof Credentials.Dpop ? "DPoP" : "bearer";
      return new Rejected(
          401, "invalid_token", "the " + kind + " token is not accepted by API " + ctx.api().key());
    }
    String accepted =
        String.join(", ", policy.methods().stream().map(Enum::name).sorted().toList());
    String sent =
        credentials instanceof Credentials.None
            ? "carries no credentials"
            : "carries credentials of another scheme";
    return new Rejected(
        401,
        null,
        "API "
            + ctx.api().key()
            + " requires identification by "
            + accepted
            + "; the request "
            + sent);
  }
}
