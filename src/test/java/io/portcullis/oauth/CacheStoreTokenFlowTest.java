package io.portcullis.oauth;

import static io.portcullis.oauth.OAuthFixture.basic;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.token.store.InMemoryTokenStore;
import io.portcullis.token.store.TokenHasher;
import io.portcullis.token.store.TokenRecord;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The seed's flow with the {@code cache} token store and the default settings (no refresh tokens):
 * register an application with a public key, sign an assertion with its private key, exchange it,
 * introspect it, revoke it; and expiry by moving the clock.
 */
class CacheStoreTokenFlowTest {
  private OAuthFixture f;

  @BeforeEach
  void start() throws Exception {
    f = new OAuthFixture(db -> new InMemoryTokenStore(1_000), false);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void tokenWhenDefaultsThenBearer54Chars3600sWithoutRefreshStoredOnlyAsHash() throws Exception {
    HttpResponse<String> r =
        f.post(
            "/oauth2/token",
            null,
            Map.of("grant_type", TokenEndpoint.JWT_BEARER, "assertion", f.assertion(f.claims())));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(r.headers().firstValue("Pragma")).contains("no-cache");
    JsonObject body = new JsonObject(r.body());
    String access = body.getString("access_token");
    assertThat(access).hasSize(54).matches("[A-Za-z0-9_-]{54}");
    assertThat(body.getString("token_type")).isEqualTo("Bearer");
    assertThat(body.getValue("expires_in")).isInstanceOf(Integer.class).isEqualTo(3600);
    assertThat(body.containsKey("refresh_token")).isFalse();

    TokenRecord stored = f.store.find(TokenHasher.hash(access)).orElseThrow();
    assertThat(stored.tokenHash()).isNotEqualTo(access);
    assertThat(stored.applicationName()).isEqualTo("photo-app");
    assertThat(stored.clientId()).isEqualTo("photo-app");
    assertThat(stored.subject()).isEqualTo("photo-app");
    assertThat(stored.parameters()).containsEntry("Department", "Engineering");
    assertThat(f.store.findByApplication("photo-app")).hasSize(1);
  }

  @Test
  void introspectWhenTokenLifetimePassesThenInactive() throws Exception {
    String access = f.exchange(f.claims()).getString("access_token");
    assertThat(f.introspect(access, basic("photo-app", "photo-secret")).getBoolean("active"))
        .isTrue();

    f.clock.advance(Duration.ofSeconds(3599));
    assertThat(f.introspect(access, basic("photo-app", "photo-secret")).getBoolean("active"))
        .isTrue();
    f.clock.advance(Duration.ofSeconds(1));
    assertThat(f.introspect(access, basic("photo-app", "photo-secret")))
        .isEqualTo(new JsonObject().put("active", false));
  }

  @Test
  void revokeWhenIssuingClientRevokesThenInactive() throws Exception {
    String access = f.exchange(f.claims()).getString("access_token");
    JsonObject active = f.introspect(access, basic("other-app", "other-secret"));
    assertThat(active.getString("Department")).isEqualTo("Engineering");

    assertThat(
            f.post("/oauth2/revoke", basic("photo-app", "photo-secret"), Map.of("token", access))
                .statusCode())
        .isEqualTo(200);

    assertThat(f.introspect(access, basic("other-app", "other-secret")))
        .isEqualTo(new JsonObject().put("active", false));
  }
}
