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

  /** An application that does not authenticate with a TLS client certificate. */
  public ApplicationSpec(
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
      Boolean enabled) {
    this(
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
        null);
  }

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
}
