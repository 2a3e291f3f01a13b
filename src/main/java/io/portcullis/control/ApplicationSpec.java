package io.portcullis.control;

import io.portcullis.registry.Application.ClaimSet;
import io.portcullis.registry.TlsClientAuth;
import java.util.List;
import java.util.Map;

/**
 * An application as given by the configuration file or the admin API: with the client secret in
 * clear (hashed before it is stored) or already hashed. The JWK set is JSON in any form (object or
 * text). Fields are as in {@link io.portcullis.registry.Application}.
 */
public record ApplicationSpec(
    String name,
    String description,
    String clientId,
    String clientSecret,
    String clientSecretHash,
    String authorizationServer,
    List<ClaimSet> identifiers,
    Object jwks,
    String jwksUri,
    List<String> certificates,
    List<String> scopes,
    List<String> apis,
    List<String> claims,
    Map<String, String> tokenParameters,
    List<String> users,
    Boolean enabled,
    TlsClientAuth tlsClientAuth) {

  /** Never prints the secret or its hash: specs end up in logs and exception messages. */
  @Override
  public String toString() {
    return "ApplicationSpec[name="
        + name
        + ", clientId="
        + clientId
        + ", clientSecret="
        + (clientSecret == null ? null : "***")
        + ", clientSecretHash="
        + (clientSecretHash == null ? null : "***")
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
        + ", tlsClientAuth="
        + tlsClientAuth
        + "]";
  }

  /** A builder with every field null (not given). */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every field of this spec, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .name(name)
        .description(description)
        .clientId(clientId)
        .clientSecret(clientSecret)
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
   * Builds an {@link ApplicationSpec} field by field; each setter names the field it sets. Not
   * thread-safe.
   */
  public static final class Builder {
    private String name;
    private String description;
    private String clientId;
    private String clientSecret;
    private String clientSecretHash;
    private String authorizationServer;
    private List<ClaimSet> identifiers;
    private Object jwks;
    private String jwksUri;
    private List<String> certificates;
    private List<String> scopes;
    private List<String> apis;
    private List<String> claims;
    private Map<String, String> tokenParameters;
    private List<String> users;
    private Boolean enabled;
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

    public Builder clientSecret(String clientSecret) {
      this.clientSecret = clientSecret;
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

    public Builder jwks(Object jwks) {
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

    public Builder enabled(Boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    public Builder tlsClientAuth(TlsClientAuth tlsClientAuth) {
      this.tlsClientAuth = tlsClientAuth;
      return this;
    }

    /** The spec, with the fields as set; null ones stay null (not given). */
    public ApplicationSpec build() {
      return new ApplicationSpec(
          name,
          description,
          clientId,
          clientSecret,
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
}
