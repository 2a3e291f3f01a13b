package io.portcullis.registry;

import java.util.List;
import java.util.Map;

/**
 * A consumer application.
 *
 * @param name unique name
 * @param description free text
 * @param clientId OAuth client id (unique)
 * @param clientSecretHash the client secret as a slow salted hash, or null when the application has
 *     no secret
 * @param authorizationServer alias of the authorization server whose tokens identify it
 * @param identifiers claim sets, each of which identifies the application inside a JWT when all of
 *     its claims match
 * @param jwks a JWK set (JSON text) with the public keys of its signed assertions, or null
 * @param jwksUri where its public keys are published, or null
 * @param certificates PEM certificates or public keys for its signed assertions
 * @param scopes scopes granted to it
 * @param apis keys ({@code name/version}) of the APIs it is associated with
 * @param claims extra claims it may ask for at {@code /oauth2/jwt}
 * @param tokenParameters extra parameters stored with its tokens
 * @param users usernames of the gateway users who may act for it: only they may name it as {@code
 *     app_id} when they retrieve a JWT
 * @param enabled a disabled application is refused everywhere
 * @param tlsClientAuth how it authenticates with a TLS client certificate, or null when it does not
 */
public record Application(
    String name,
    String description,
    String clientId,
    String clientSecretHash,
    String authorizationServer,
    List<ClaimSet> identifiers,
    String jwks,
    String jwksUri,
    List<String> certificates,
    List<String> scopes,
    List<String> apis,
    List<String> claims,
    Map<String, String> tokenParameters,
    List<String> users,
    boolean enabled,
    TlsClientAuth tlsClientAuth) {

  /** An application that does not authenticate with a TLS client certificate. */
  public Application(
      String name,
      String description,
      String clientId,
      String clientSecretHash,
      String authorizationServer,
      List<ClaimSet> identifiers,
      String jwks,
      String jwksUri,
      List<String> certificates,
      List<String> scopes,
      List<String> apis,
      List<String> claims,
      Map<String, String> tokenParameters,
      List<String> users,
      boolean enabled) {
    this(
        name,
        description,
        clientId,
        clientSecretHash,
        authorizationServer,
        identifiers,
        jwks,
        jwksUri,
        certificates,
        scopes,
        apis,
        claims,
        tokenParameters,
        users,
        enabled,
        null);
  }

  public Application {
    identifiers = identifiers == null ? List.of() : List.copyOf(identifiers);
    certificates = certificates == null ? List.of() : List.copyOf(certificates);
    scopes = scopes == null ? List.of() : List.copyOf(scopes);
    apis = apis == null ? List.of() : List.copyOf(apis);
    claims = claims == null ? List.of() : List.copyOf(claims);
    tokenParameters = tokenParameters == null ? Map.of() : Map.copyOf(tokenParameters);
    users = users == null ? List.of() : List.copyOf(users);
  }

  /** Leaves the secret hash and keys out: records end up in logs. */
  @Override
  public String toString() {
    return "Application[name="
        + name
        + ", clientId="
        + clientId
        + ", authorizationServer="
        + authorizationServer
        + ", identifiers="
        + identifiers
        + ", scopes="
        + scopes
        + ", apis="
        + apis
        + ", users="
        + users
        + ", enabled="
        + enabled
        + "]";
  }

  /**
   * One identifier: claim name to the value it must have. All must hold.
   *
   * @param claims claim name to expected value (string form)
   */
  public record ClaimSet(Map<String, String> claims) {
    public ClaimSet {
      claims = claims == null ? Map.of() : Map.copyOf(claims);
    }
  }
}
