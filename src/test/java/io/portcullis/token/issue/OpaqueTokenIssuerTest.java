package io.portcullis.token.issue;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.registry.AuthorizationServer;
import io.portcullis.testing.MutableClock;
import io.portcullis.token.store.InMemoryTokenStore;
import io.portcullis.token.store.OpaqueTokenGenerator;
import io.portcullis.token.store.TokenHasher;
import io.portcullis.token.store.TokenRecord;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpaqueTokenIssuerTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryTokenStore store = new InMemoryTokenStore();
  private final OpaqueTokenIssuer issuer =
      new OpaqueTokenIssuer(store, new OpaqueTokenGenerator(new SecureRandom()), clock);

  private static AuthorizationServer server(
      AuthorizationServer.AccessTokenSettings access,
      AuthorizationServer.RefreshTokenSettings refresh) {
    return AuthorizationServer.builder()
        .alias("local")
        .type(AuthorizationServer.Type.INTERNAL)
        .issuer("http://gw")
        .accessToken(access)
        .refreshToken(refresh)
        .build();
  }

  private static final OpaqueTokenIssuer.Grant GRANT =
      new OpaqueTokenIssuer.Grant(
          "photo-app",
          "photo-client",
          "alice",
          List.of("read"),
          Map.of("Department", "Engineering"),
          null,
          null);

  @Test
  void issueWhenDefaultsThen54CharBearerFor3600sStoredOnlyAsHash() {
    OpaqueTokenIssuer.Issued issued = issuer.issue(server(null, null), GRANT, false);

    assertThat(issued.accessToken()).hasSize(54);
    assertThat(issued.tokenType()).isEqualTo("Bearer");
    assertThat(issued.expiresIn()).isEqualTo(3600);
    assertThat(issued.refreshToken()).isNull();
    TokenRecord stored = store.find(TokenHasher.hash(issued.accessToken())).orElseThrow();
    assertThat(stored).isEqualTo(issued.access());
    assertThat(stored.kind()).isEqualTo(TokenRecord.Kind.ACCESS);
    assertThat(stored.expiresAt()).isEqualTo(clock.instant().plusSeconds(3600));
    assertThat(stored.parameters()).containsEntry("Department", "Engineering");
    assertThat(stored.subject()).isEqualTo("alice");
    assertThat(stored.clientId()).isEqualTo("photo-client");
    assertThat(issued.toString()).doesNotContain(issued.accessToken());
  }

  @Test
  void issueWhenRefreshAskedThenSameFamilyWithRefreshSettings() {
    OpaqueTokenIssuer.Issued issued =
        issuer.issue(
            server(
                new AuthorizationServer.AccessTokenSettings(600, 30, "Bearer"),
                new AuthorizationServer.RefreshTokenSettings(true, 7200, 40)),
            GRANT,
            true);

    assertThat(issued.accessToken()).hasSize(30);
    assertThat(issued.refreshToken()).hasSize(40);
    assertThat(issued.refresh().familyId()).isEqualTo(issued.access().familyId());
    assertThat(issued.refresh().kind()).isEqualTo(TokenRecord.Kind.REFRESH);
    assertThat(issued.refresh().expiresAt()).isEqualTo(clock.instant().plusSeconds(7200));
    assertThat(store.find(TokenHasher.hash(issued.refreshToken()))).isPresent();
  }

  @Test
  void issueWhenFamilyAndParentGivenThenKept() {
    OpaqueTokenIssuer.Issued issued =
        issuer.issue(
            server(null, null),
            new OpaqueTokenIssuer.Grant(
                "photo-app", "photo-client", null, List.of(), Map.of(), "family-1", "parent-hash"),
            true);

    assertThat(issued.access().familyId()).isEqualTo("family-1");
    assertThat(issued.access().parentHash()).isEqualTo("parent-hash");
    assertThat(issued.refresh().parentHash()).isEqualTo("parent-hash");
  }
}
