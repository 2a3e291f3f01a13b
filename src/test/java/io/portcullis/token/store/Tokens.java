package io.portcullis.token.store;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Token records for tests, each with a fresh random token. */
public final class Tokens {
  public static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final OpaqueTokenGenerator GENERATOR =
      new OpaqueTokenGenerator(new SecureRandom());

  private Tokens() {}

  /** A new random token of the default access token length. */
  public static String newToken() {
    return GENERATOR.generate(54);
  }

  /**
   * An access token of the application, issued at T0, valid for an hour, in a family of its own.
   */
  public static TokenRecord access(String token, String application) {
    return record(
        token, TokenRecord.Kind.ACCESS, application, T0, Duration.ofHours(1), newFamily());
  }

  public static TokenRecord record(
      String token,
      TokenRecord.Kind kind,
      String application,
      Instant issuedAt,
      Duration lifetime,
      String familyId) {
    return TokenRecord.builder()
        .tokenHash(TokenHasher.hash(token))
        .kind(kind)
        .authorizationServer("local")
        .clientId(application + "-client")
        .applicationName(application)
        .subject("alice")
        .scopes(List.of("https://localhost:8090/auth/user.photos", "read"))
        .parameters(Map.of("Department", "Engineering", "Grüße", "ünïcode ✓"))
        .issuedAt(issuedAt)
        .expiresAt(issuedAt.plus(lifetime))
        .familyId(familyId)
        .build();
  }

  public static String newFamily() {
    return UUID.randomUUID().toString();
  }
}
