package io.portcullis.token.verify;

import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.Snapshot;
import io.portcullis.registry.SnapshotHolder;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Authorization servers and snapshots for tests. */
final class Issuers {
  static final String ALIAS = "corp-idp";
  static final String LOCAL_ISSUER = "http://localhost:8080";
  static final List<String> ALL_ALGORITHMS =
      List.of("RS256", "RS384", "RS512", "PS256", "ES256", "EdDSA");
  private static final AtomicLong VERSIONS = new AtomicLong();

  private Issuers() {}

  static AuthorizationServer external(String jwksUri) {
    return external(ALIAS, TokenFactory.ISSUER, jwksUri, List.of(), ALL_ALGORITHMS);
  }

  static AuthorizationServer external(
      String alias,
      String issuer,
      String jwksUri,
      List<String> certificates,
      List<String> algorithms) {
    return external(
        alias, issuer, jwksUri, certificates, algorithms, List.of(TokenFactory.AUDIENCE));
  }

  static AuthorizationServer external(
      String alias,
      String issuer,
      String jwksUri,
      List<String> certificates,
      List<String> algorithms,
      List<String> audience) {
    return AuthorizationServer.builder()
        .alias(alias)
        .type(AuthorizationServer.Type.EXTERNAL)
        .issuer(issuer)
        .jwksUri(jwksUri)
        .certificates(certificates)
        .audience(audience)
        .algorithms(algorithms)
        .build();
  }

  static AuthorizationServer local(String audience, long expiresIn) {
    return AuthorizationServer.builder()
        .alias(AuthorizationServer.LOCAL)
        .type(AuthorizationServer.Type.INTERNAL)
        .issuer(LOCAL_ISSUER)
        .jwt(new AuthorizationServer.JwtSettings("RS256", expiresIn, audience))
        .build();
  }

  static void publish(SnapshotHolder holder, AuthorizationServer... servers) {
    holder.publish(
        new Snapshot(
            VERSIONS.incrementAndGet(),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of(servers)));
  }

  static SnapshotHolder holder(AuthorizationServer... servers) {
    SnapshotHolder holder = new SnapshotHolder();
    publish(holder, servers);
    return holder;
  }
}
