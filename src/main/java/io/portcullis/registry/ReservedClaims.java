package io.portcullis.registry;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * The JWT claims the gateway reads to identify a caller or to authorise a call, which an
 * application may therefore never choose itself at {@code /oauth2/jwt} (its {@code claims}): with
 * them a token minted for one application could name another ({@code client_id}, {@code azp}, an
 * identifier claim) or carry a scope it was never granted ({@code scope}, {@code scp}).
 */
public final class ReservedClaims {
  /**
   * Claims reserved whatever the registry holds: the registered JWT claims the issuer sets, the
   * OAuth claims that name a client, grant scopes, bind a key or delegate (RFC 7519, RFC 9068, RFC
   * 8693, RFC 7800).
   */
  public static final Set<String> ALWAYS =
      Set.of(
          "iss",
          "sub",
          "aud",
          "exp",
          "nbf",
          "iat",
          "jti",
          "client_id",
          "azp",
          "scope",
          "scp",
          "cnf",
          "act",
          "may_act");

  private ReservedClaims() {}

  /**
   * Whether the claim is reserved in a registry with these applications: one of {@link #ALWAYS} or
   * a claim that some application's identifier tests.
   */
  public static boolean isReserved(String claim, Collection<Application> applications) {
    return ALWAYS.contains(claim) || identifierClaims(applications).contains(claim);
  }

  /** The claim names that the identifiers of these applications test, sorted. */
  public static Set<String> identifierClaims(Collection<Application> applications) {
    Set<String> names = new TreeSet<>();
    for (Application app : applications) {
      for (Application.ClaimSet set : app.identifiers()) names.addAll(set.claims().keySet());
    }
    return names;
  }
}
