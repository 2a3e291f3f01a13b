package io.portcullis.admin;

import static io.portcullis.admin.AdminFixture.assertProblem;
import static io.portcullis.admin.AdminFixture.json;
import static io.portcullis.token.store.Tokens.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.registry.AuthorizationServer.TokenStoreSettings;
import io.portcullis.testing.MutableClock;
import io.portcullis.token.store.CachingTokenStore;
import io.portcullis.token.store.InMemoryTokenStore;
import io.portcullis.token.store.TokenHasher;
import io.portcullis.token.store.TokenPurger;
import io.portcullis.token.store.TokenRecord;
import io.portcullis.token.store.TokenStores;
import io.portcullis.token.store.Tokens;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token routes on a real admin server over a real H2 registry and a real token store. */
class TokenRoutesTest {
  private static final String PHOTO_APP = "{\"name\": \"photo-app\"}";

  private final MutableClock clock = new MutableClock(T0.plusSeconds(10));
  private final InMemoryTokenStore database = new InMemoryTokenStore();
  private TokenStores stores;
  private AdminFixture fixture;

  @BeforeEach
  void start() {
    stores =
        new TokenStores(
            database,
            database::revokeAll,
            InMemoryTokenStore::new,
            Map.of(),
            clock,
            CachingTokenStore.Settings.DEFAULT,
            TokenPurger.DEFAULT_BATCH_SIZE,
            new TokenStoreSettings("cache", 3600));
    fixture =
        new AdminFixture(
            f -> List.of(new TokenRoutes(f.vertx, f.snapshots, stores, clock, f.control)));
    assertThat(fixture.admin("POST", "/applications", PHOTO_APP).statusCode()).isEqualTo(201);
    assertThat(fixture.admin("POST", "/applications", "{\"name\": \"mail-app\"}").statusCode())
        .isEqualTo(201);
  }

  @AfterEach
  void stop() {
    if (fixture != null) fixture.close();
    if (stores != null) stores.close();
  }

  private String issue(String application, TokenRecord.Kind kind, String family) {
    String token = Tokens.newToken();
    stores.current().save(Tokens.record(token, kind, application, T0, Duration.ofHours(1), family));
    return token;
  }

  private static String id(String token) {
    return TokenHasher.hash(token).substring(0, TokenRoutes.ID_LENGTH);
  }

  private Optional<TokenRecord> lookup(String token) {
    try {
      return stores
          .dataPlane()
          .lookup(token)
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void listWhenApplicationHasTokensThenEachWithKindStateScopesTimesAndShortIdButNeverTokenOrHash() {
    String access = issue("photo-app", TokenRecord.Kind.ACCESS, "f1");
    String refresh = issue("photo-app", TokenRecord.Kind.REFRESH, "f1");
    issue("mail-app", TokenRecord.Kind.ACCESS, "f2");

    HttpResponse<String> response = fixture.admin("GET", "/applications/photo-app/tokens");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
    JsonNode list = json(response);
    assertThat(list).hasSize(2);
    List<String> ids = new ArrayList<>();
    list.forEach(item -> ids.add(item.get("id").asText()));
    assertThat(ids).containsExactlyInAnyOrder(id(access), id(refresh));
    JsonNode first = list.get(0);
    assertThat(first.get("state").asText()).isEqualTo("active");
    assertThat(first.get("kind").asText()).isIn("access", "refresh");
    assertThat(first.get("scopes").get(0).asText())
        .isEqualTo("https://localhost:8090/auth/user.photos");
    assertThat(first.get("issuedAt").asText()).isEqualTo(T0.toString());
    assertThat(first.get("expiresAt").asText()).isEqualTo(T0.plusSeconds(3600).toString());
    assertThat(first.get("parameters").get("Department").asText()).isEqualTo("Engineering");
    assertThat(response.body())
        .doesNotContain(access, refresh, TokenHasher.hash(access), TokenHasher.hash(refresh));
  }

  @Test
  void listWhenTokensInEveryStateThenEachStateIsNamed() {
    String revoked = issue("photo-app", TokenRecord.Kind.ACCESS, "f1");
    String rotated = issue("photo-app", TokenRecord.Kind.REFRESH, "f2");
    stores.current().revoke(TokenHasher.hash(revoked), clock.instant());
    stores.current().markRotated(TokenHasher.hash(rotated), clock.instant());
    String expired = Tokens.newToken();
    stores
        .current()
        .save(
            Tokens.record(
                expired,
                TokenRecord.Kind.ACCESS,
                "photo-app",
                T0.minusSeconds(7200),
                Duration.ofHours(1),
                "f3"));

    JsonNode list = json(fixture.admin("GET", "/applications/photo-app/tokens"));

    List<String> states = new ArrayList<>();
    list.forEach(item -> states.add(item.get("id").asText() + "=" + item.get("state").asText()));
    assertThat(states)
        .containsExactlyInAnyOrder(
            id(revoked) + "=revoked", id(rotated) + "=rotated", id(expired) + "=expired");
    list.forEach(
        item -> {
          if (item.get("state").asText().equals("revoked")) {
            assertThat(item.get("revokedAt").asText()).isEqualTo(clock.instant().toString());
          }
        });
  }

  @Test
  void listWhenApplicationUnknownThen404NamingIt() {
    HttpResponse<String> response = fixture.admin("GET", "/applications/nobody/tokens");

    assertProblem(response, 404, null);
    assertThat(json(response).get("detail").asText()).contains("nobody");
  }

  @Test
  void readWhenIdListedThenThatToken() {
    String access = issue("photo-app", TokenRecord.Kind.ACCESS, "f1");

    HttpResponse<String> response =
        fixture.admin("GET", "/applications/photo-app/tokens/" + id(access));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(json(response).get("id").asText()).isEqualTo(id(access));
  }

  @Test
  void revokeAllWhenApplicationHasTokensThenAllAreRefusedAtOnceAndOtherApplicationsKeepTheirs() {
    String a = issue("photo-app", TokenRecord.Kind.ACCESS, "f1");
    String b = issue("photo-app", TokenRecord.Kind.ACCESS, "f2");
    String other = issue("mail-app", TokenRecord.Kind.ACCESS, "f3");
    assertThat(lookup(a)).isPresent();

    HttpResponse<String> response = fixture.admin("DELETE", "/applications/photo-app/tokens");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(json(response).get("revoked").asInt()).isEqualTo(2);
    assertThat(lookup(a)).isEmpty();
    assertThat(lookup(b)).isEmpty();
    assertThat(lookup(other)).isPresent();
    assertThat(
            json(fixture.admin("DELETE", "/applications/photo-app/tokens")).get("revoked").asInt())
        .isZero();
  }

  @Test
  void revokeOneWhenAccessTokenThenOnlyItIsRefusedAtOnce() {
    String a = issue("photo-app", TokenRecord.Kind.ACCESS, "f1");
    String b = issue("photo-app", TokenRecord.Kind.ACCESS, "f1");
    assertThat(lookup(a)).isPresent();

    HttpResponse<String> response =
        fixture.admin("DELETE", "/applications/photo-app/tokens/" + id(a));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(json(response).get("revoked").asInt()).isEqualTo(1);
    assertThat(lookup(a)).isEmpty();
    assertThat(lookup(b)).isPresent();
  }

  @Test
  void revokeOneWhenRefreshTokenThenEveryTokenOfItsGrantIsRevoked() {
    String access = issue("photo-app", TokenRecord.Kind.ACCESS, "grant");
    String refresh = issue("photo-app", TokenRecord.Kind.REFRESH, "grant");
    String unrelated = issue("photo-app", TokenRecord.Kind.ACCESS, "other");

    HttpResponse<String> response =
        fixture.admin("DELETE", "/applications/photo-app/tokens/" + id(refresh));

    assertThat(json(response).get("revoked").asInt()).isEqualTo(2);
    assertThat(lookup(access)).isEmpty();
    assertThat(lookup(unrelated)).isPresent();
  }

  @Test
  void revokeOneWhenIdOfAnotherApplicationsTokenThen404() {
    String mail = issue("mail-app", TokenRecord.Kind.ACCESS, "f1");

    assertProblem(fixture.admin("DELETE", "/applications/photo-app/tokens/" + id(mail)), 404, null);
    assertThat(lookup(mail)).isPresent();
  }

  @Test
  void revokeOneWhenIdMalformedThen400NamingTheField() {
    assertProblem(fixture.admin("DELETE", "/applications/photo-app/tokens/short"), 400, "id");
    assertProblem(
        fixture.admin("DELETE", "/applications/photo-app/tokens/has%2Bplus%2Bsigns"), 400, "id");
  }

  @Test
  void revokeOneWhenApplicationUnknownThen404() {
    assertProblem(fixture.admin("DELETE", "/applications/nobody/tokens/abcdefghijkl"), 404, null);
  }

  /** The audit log's entries under the entity, newest first. */
  private JsonNode audit(String entity) {
    HttpResponse<String> response = fixture.admin("GET", "/audit?entity=" + entity);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response).get("items");
  }

  @Test
  void revokeOneWhenAccessTokenThenAuditedWithTheAdminTheIdAndTimeButNeverTheTokenOrItsHash() {
    String a = issue("photo-app", TokenRecord.Kind.ACCESS, "f1");

    fixture.admin("DELETE", "/applications/photo-app/tokens/" + id(a));

    JsonNode items = audit("applications/photo-app/tokens");
    assertThat(items).hasSize(1);
    JsonNode entry = items.get(0);
    assertThat(entry.get("actor").asText()).isEqualTo(AdminFixture.ADMIN);
    assertThat(entry.get("action").asText()).isEqualTo("revoke");
    assertThat(entry.get("entity").asText()).isEqualTo("applications/photo-app/tokens/" + id(a));
    assertThat(entry.get("time").asText()).isNotBlank();
    assertThat(entry.at("/before/state").asText()).isEqualTo("active");
    assertThat(entry.at("/after/state").asText()).isEqualTo("revoked");
    assertThat(entry.at("/after/kind").asText()).isEqualTo("access");
    assertThat(entry.at("/after/subject").asText()).isEqualTo("alice");
    assertThat(entry.at("/after/revoked").asInt()).isEqualTo(1);
    assertThat(entry.toString()).doesNotContain(a, TokenHasher.hash(a));
  }

  @Test
  void revokeOneWhenRefreshTokenThenTheAuditEntryCountsEveryTokenOfItsGrant() {
    issue("photo-app", TokenRecord.Kind.ACCESS, "grant");
    String refresh = issue("photo-app", TokenRecord.Kind.REFRESH, "grant");

    fixture.admin("DELETE", "/applications/photo-app/tokens/" + id(refresh));

    JsonNode entry = audit("applications/photo-app/tokens/" + id(refresh)).get(0);
    assertThat(entry.at("/after/kind").asText()).isEqualTo("refresh");
    assertThat(entry.at("/after/revoked").asInt()).isEqualTo(2);
  }

  @Test
  void revokeAllWhenApplicationHasTokensThenOneAuditEntryListsTheirIds() {
    String a = issue("photo-app", TokenRecord.Kind.ACCESS, "f1");
    String b = issue("photo-app", TokenRecord.Kind.ACCESS, "f2");
    issue("mail-app", TokenRecord.Kind.ACCESS, "f3");

    fixture.admin("DELETE", "/applications/photo-app/tokens");

    JsonNode items = audit("applications/photo-app/tokens");
    assertThat(items).hasSize(1);
    JsonNode entry = items.get(0);
    assertThat(entry.get("actor").asText()).isEqualTo(AdminFixture.ADMIN);
    assertThat(entry.get("action").asText()).isEqualTo("revoke");
    assertThat(entry.get("entity").asText()).isEqualTo("applications/photo-app/tokens");
    assertThat(entry.at("/after/revoked").asInt()).isEqualTo(2);
    List<String> ids = new ArrayList<>();
    entry.at("/after/ids").forEach(id -> ids.add(id.asText()));
    assertThat(ids).containsExactlyInAnyOrder(id(a), id(b));
    assertThat(entry.toString()).doesNotContain(a, b, TokenHasher.hash(a), TokenHasher.hash(b));
    assertThat(audit("applications/mail-app/tokens")).isEmpty();
  }

  @Test
  void revokeWhenNothingWasLeftToRevokeThenNothingIsAudited() {
    String a = issue("photo-app", TokenRecord.Kind.ACCESS, "f1");
    stores.current().revoke(TokenHasher.hash(a), clock.instant());

    assertThat(fixture.admin("DELETE", "/applications/photo-app/tokens/" + id(a)).statusCode())
        .isEqualTo(200);
    assertThat(fixture.admin("DELETE", "/applications/photo-app/tokens").statusCode())
        .isEqualTo(200);

    assertThat(audit("applications/photo-app/tokens")).isEmpty();
  }

  @Test
  void revokeWhenRefusedThenNothingIsAudited() {
    String mail = issue("mail-app", TokenRecord.Kind.ACCESS, "f1");

    assertProblem(fixture.admin("DELETE", "/applications/photo-app/tokens/" + id(mail)), 404, null);
    assertProblem(fixture.admin("DELETE", "/applications/photo-app/tokens/short"), 400, "id");
    assertProblem(fixture.admin("DELETE", "/applications/nobody/tokens"), 404, null);

    assertThat(audit("applications/photo-app/tokens")).isEmpty();
    assertThat(audit("applications/mail-app/tokens")).isEmpty();
    assertThat(audit("applications/nobody")).isEmpty();
  }

  @Test
  void tokensWhenMethodNotOfferedThen405WithAllow() {
    HttpResponse<String> response = fixture.admin("POST", "/applications/photo-app/tokens", "{}");

    assertProblem(response, 405, null);
    assertThat(response.headers().firstValue("Allow")).contains("GET, DELETE");
  }

  @Test
  void purgeWhenTokensExpiredThenDeletedAndCounted() {
    issue("photo-app", TokenRecord.Kind.ACCESS, "f1");
    issue("photo-app", TokenRecord.Kind.ACCESS, "f2");
    issue("mail-app", TokenRecord.Kind.ACCESS, "f3");
    clock.advance(Duration.ofHours(2));

    HttpResponse<String> response = fixture.admin("POST", "/tokens/purge");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(json(response).get("deleted").get("tokens").asInt()).isEqualTo(3);
    assertThat(json(response).get("total").asInt()).isEqualTo(3);
    assertThat(json(fixture.admin("GET", "/applications/photo-app/tokens"))).isEmpty();
  }

  @Test
  void countsWhenTokensInSeveralStatesThenCountedByKindAndStateWithTheStoreSettings() {
    issue("photo-app", TokenRecord.Kind.ACCESS, "f1");
    String revoked = issue("photo-app", TokenRecord.Kind.ACCESS, "f2");
    issue("mail-app", TokenRecord.Kind.REFRESH, "f3");
    stores.current().revoke(TokenHasher.hash(revoked), clock.instant());

    HttpResponse<String> response = fixture.admin("GET", "/tokens/counts");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode counts = json(response);
    assertThat(counts.get("store").asText()).isEqualTo("cache");
    assertThat(counts.get("purgeInterval").asLong()).isEqualTo(3600);
    assertThat(counts.get("access").get("active").asLong()).isEqualTo(1);
    assertThat(counts.get("access").get("revoked").asLong()).isEqualTo(1);
    assertThat(counts.get("access").get("total").asLong()).isEqualTo(2);
    assertThat(counts.get("refresh").get("active").asLong()).isEqualTo(1);
  }

  @Test
  void routesWhenNotAuthenticatedThen401() {
    HttpResponse<String> response = fixture.call("GET", "/tokens/counts", null);

    assertThat(response.statusCode()).isEqualTo(401);
  }
}
