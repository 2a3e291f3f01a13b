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

  /** A builder of an enabled application; every other component null (then empty). */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every component of this application, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .name(name)
        .description(description)
        .clientId(clientId)
        .clientSecretHash(clientSecretHash)
        .authorizationServer(authorizationServer)
        .identifiers(identifiers)
        .jwks(jwks)
        .jwksUri(jwksUri)
        .certificates(certificates)
        .scopes(scopes)
        .apis(apis)
        .claims(claims)
        .tokenParameters(tokenParameters)
        .users(users)
        .enabled(enabled)
        .tlsClientAuth(tlsClientAuth);
  }

  /**
   * Builds an {@link Application} component by component; each setter names the component it sets
   * (see the record's parameters). Not thread-safe.
   */
  public static final class Builder {
    private String name;
    private String description;
    private String clientId;
    private String clientSecretHash;
    private String authorizationServer;
    private List<ClaimSet> identifiers;
    private String jwks;
    private String jwksUri;
    private List<String> certificates;
    private List<String> scopes;
    private List<String> apis;
    private List<String> claims;
    private Map<String, String> tokenParameters;
    private List<String> users;
    private boolean enabled = true;
    private TlsClientAuth tlsClientAuth;

    private Builder() {}

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder description(String description) {
      this.description = description;
      return this;
    }

    public Builder clientId(String clientId) {
      this.clientId = clientId;
      return this;
    }

    public Builder clientSecretHash(String clientSecretHash) {
      this.clientSecretHash = clientSecretHash;
      return this;
    }

    public Builder authorizationServer(String authorizationServer) {
      this.authorizationServer = authorizationServer;
      return this;
    }

    public Builder identifiers(List<ClaimSet> identifiers) {
      this.identifiers = identifiers;
      return this;
    }

    public Builder jwks(String jwks) {
      this.jwks = jwks;
      return this;
    }

    public Builder jwksUri(String jwksUri) {
      this.jwksUri = jwksUri;
      return this;
    }

    public Builder certificates(List<String> certificates) {
      this.certificates = certificates;
      return this;
    }

    public Builder scopes(List<String> scopes) {
      this.scopes = scopes;
      return this;
    }

    public Builder apis(List<String> apis) {
      this.apis = apis;
      return this;
    }

    public Builder claims(List<String> claims) {
      this.claims = claims;
      return this;
    }

    public Builder tokenParameters(Map<String, String> tokenParameters) {
      this.tokenParameters = tokenParameters;
      return this;
    }

    public Builder users(List<String> users) {
      this.users = users;
      return this;
    }

    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    public Builder tlsClientAuth(TlsClientAuth tlsClientAuth) {
      this.tlsClientAuth = tlsClientAuth;
      return this;
    }

    /** The application; the canonical constructor turns null lists and maps into empty ones. */
    public Application build() {
      return new Application(
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
          tlsClientAuth);
    }
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
