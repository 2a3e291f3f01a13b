package io.portcullis.gateway.identify;

import static io.portcullis.token.store.Tokens.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.ApiFixtures;
import io.portcullis.gateway.RequestContext;
import io.portcullis.gateway.identify.Identification.Identified;
import io.portcullis.gateway.identify.Identification.Rejected;
import io.portcullis.http.Credentials;
import io.portcullis.registry.ApiType;
import io.portcullis.registry.Application;
import io.portcullis.registry.ApplicationLookup;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.IdentificationMethod;
import io.portcullis.registry.IdentifyAndAuthorize;
import io.portcullis.registry.Snapshot;
import io.portcullis.testing.MutableClock;
import io.portcullis.token.store.CachingTokenStore;
import io.portcullis.token.store.InMemoryTokenStore;
import io.portcullis.token.store.TokenLookupException;
import io.portcullis.token.store.TokenRecord;
import io.portcullis.token.store.Tokens;
import io.vertx.core.Future;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpaqueTokenIdentifierTest {
  private static final String ISSUER = "https://gateway.test";
  private static final String PHOTOS = "https://localhost:8090/auth/user.photos";

  private final MutableClock clock = new MutableClock(T0.plusSeconds(10));
  private final InMemoryTokenStore store = new InMemoryTokenStore();
  private final CachingTokenStore cache =
      new CachingTokenStore(store, clock, CachingTokenStore.Settings.DEFAULT);
  private final OpaqueTokenIdentifier identifier = new OpaqueTokenIdentifier(cache::lookup, clock);

  @AfterEach
  void close() {
    cache.close();
  }

  private static AuthorizationServer local() {
    return AuthorizationServer.builder()
        .alias(AuthorizationServer.LOCAL)
        .type(AuthorizationServer.Type.INTERNAL)
        .issuer(ISSUER)
        .build();
  }

  private static Application app(String name, String clientId, boolean enabled) {
    return Application.builder()
        .name(name)
        .clientId(clientId)
        .authorizationServer("local")
        .scopes(List.of(PHOTOS))
        .apis(List.of("shop/v1"))
        .enabled(enabled)
        .build();
  }

  private static Snapshot snapshot(List<Application> apps, List<AuthorizationServer> servers) {
    return new Snapshot(1, List.of(), apps, List.of(), List.of(), servers);
  }

  private static final Snapshot USUAL =
      snapshot(List.of(app("photo-app", "photo-app-client", true)), List.of(local()));

  private static RequestContext context(Snapshot snapshot, Credentials credentials) {
    RequestContext ctx = new RequestContext(snapshot, null, credentials, T0, System.nanoTime());
    ctx.route(
        ApiFixtures.api(
            "shop",
            ApiType.REST,
            "/shop",
            List.of(URI.create("http://127.0.0.1:1")),
            null,
            IdentifyAndAuthorize.builder()
                .methods(Set.of(IdentificationMethod.OAUTH2_TOKEN))
                .applicationLookup(ApplicationLookup.GLOBAL)
                .build()));
    return ctx;
  }

  private static Identification await(Future<Identification> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Identification identify(Snapshot snapshot, String token) {
    return await(identifier.identify(context(snapshot, new Credentials.Bearer(token))));
  }

  /** A stored access token of photo-app; returns the token. */
  private String stored() {
    String token = Tokens.newToken();
    store.save(Tokens.access(token, "photo-app"));
    return token;
  }

  private static void assertInvalidToken(Identification result, String description) {
    assertThat(result).isInstanceOf(Rejected.class);
    Rejected rejected = (Rejected) result;
    assertThat(rejected.status()).isEqualTo(401);
    assertThat(rejected.errorCode()).isEqualTo("invalid_token");
    assertThat(rejected.description()).contains(description);
  }

  @Test
  void methodWhenAskedThenOauth2Token() {
    assertThat(identifier.method()).isEqualTo(IdentificationMethod.OAUTH2_TOKEN);
  }

  @Test
  void identifyWhenActiveAccessTokenThenIdentifiedWithItsApplicationScopesSubjectAndIssuer() {
    Identification result = identify(USUAL, stored());

    assertThat(result).isInstanceOf(Identified.class);
    Identified who = (Identified) result;
    assertThat(who.method()).isEqualTo(IdentificationMethod.OAUTH2_TOKEN);
    assertThat(who.application().name()).isEqualTo("photo-app");
    assertThat(who.subject()).isEqualTo("alice");
    assertThat(who.scopes()).containsExactly(PHOTOS, "read");
    assertThat(who.issuer()).isEqualTo(ISSUER);
    assertThat(who.claims()).isEmpty();
  }

  @Test
  void identifyWhenTokenHasNoSubjectThenTheClientIdIsTheSubject() {
    String token = Tokens.newToken();
    TokenRecord withSubject = Tokens.access(token, "photo-app");
    store.save(
        TokenRecord.builder()
            .tokenHash(withSubject.tokenHash())
            .kind(TokenRecord.Kind.ACCESS)
            .authorizationServer("local")
            .clientId("photo-app-client")
            .applicationName("photo-app")
            .scopes(List.of(PHOTOS))
            .issuedAt(T0)
            .expiresAt(T0.plusSeconds(3600))
            .familyId("family")
            .build());

    Identified who = (Identified) identify(USUAL, token);

    assertThat(who.subject()).isEqualTo("photo-app-client");
  }

  @Test
  void identifyWhenNoCredentialsThenNotApplicable() {
    assertThat(await(identifier.identify(context(USUAL, new Credentials.None()))))
        .isEqualTo(Identification.NOT_APPLICABLE);
  }

  @Test
  void identifyWhenBasicCredentialsThenNotApplicable() {
    assertThat(await(identifier.identify(context(USUAL, new Credentials.Basic("a", "b")))))
        .isEqualTo(Identification.NOT_APPLICABLE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "a.b.c", "a..", "x.y.z.w"})
  void identifyWhenTokenHasTheJwtShapeThenNotApplicableSoTheJwtIdentifierDecides(String jwt) {
    assertThat(JwtIdentifier.looksLikeJwt(jwt)).isTrue();
    assertThat(identify(USUAL, jwt)).isEqualTo(Identification.NOT_APPLICABLE);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "short",
        "only.one-dot-in-this-token-here",
        ".starts-with-a-dot-and-has.two",
        "has+plus/and=padding-characters-in-it",
        "ünïcode-characters-are-not-in-the-alphabet"
      })
  void identifyWhenNeitherJwtNorWellFormedOpaqueThenInvalidTokenWithoutLookup(String token) {
    assertThat(JwtIdentifier.looksLikeJwt(token)).isFalse();
    OpaqueTokenIdentifier failing =
        new OpaqueTokenIdentifier(
            t -> {
              throw new AssertionError("a malformed token must not be looked up");
            },
            clock);

    assertInvalidToken(
        await(failing.identify(context(USUAL, new Credentials.Bearer(token)))), "neither a JWT");
  }

  @Test
  void identifyWhenTokenLongerThanTheMaximumThenInvalidToken() {
    assertInvalidToken(identify(USUAL, "a".repeat(513)), "neither a JWT");
  }

  @Test
  void identifyWhenUnknownTokenThenInvalidToken() {
    assertInvalidToken(identify(USUAL, Tokens.newToken()), OpaqueTokenIdentifier.NOT_ACTIVE);
  }

  @Test
  void identifyWhenExpiredThenInvalidToken() {
    String token = stored();
    assertThat(identify(USUAL, token)).isInstanceOf(Identified.class);

    clock.advance(Duration.ofHours(1));

    assertInvalidToken(identify(USUAL, token), OpaqueTokenIdentifier.NOT_ACTIVE);
  }

  @Test
  void identifyWhenRevokedThroughTheCacheThenInvalidTokenOnTheNextRequest() {
    String token = stored();
    assertThat(identify(USUAL, token)).isInstanceOf(Identified.class);

    cache.revoke(Tokens.access(token, "photo-app").tokenHash(), clock.instant());

    assertInvalidToken(identify(USUAL, token), OpaqueTokenIdentifier.NOT_ACTIVE);
  }

  @Test
  void identifyWhenRefreshTokenThenInvalidTokenSayingSo() {
    String token = Tokens.newToken();
    store.save(
        Tokens.record(
            token,
            TokenRecord.Kind.REFRESH,
            "photo-app",
            T0,
            Duration.ofHours(12),
            Tokens.newFamily()));

    assertInvalidToken(identify(USUAL, token), "refresh token cannot be used");
  }

  @Test
  void identifyWhenRotatedRefreshTokenThenInvalidToken() {
    String token = Tokens.newToken();
    TokenRecord refresh =
        Tokens.record(
            token, TokenRecord.Kind.REFRESH, "photo-app", T0, Duration.ofHours(12), "family");
    store.save(refresh);
    store.markRotated(refresh.tokenHash(), T0.plusSeconds(1));

    assertInvalidToken(identify(USUAL, token), OpaqueTokenIdentifier.NOT_ACTIVE);
  }

  @Test
  void identifyWhenApplicationDeletedThenInvalidToken() {
    String token = stored();
    assertInvalidToken(
        identify(snapshot(List.of(), List.of(local())), token),
        "application photo-app no longer exists");
  }

  @Test
  void identifyWhenApplicationRecreatedWithAnotherClientIdThenInvalidToken() {
    String token = stored();
    Snapshot recreated = snapshot(List.of(app("photo-app", "new-client", true)), List.of(local()));

    assertInvalidToken(identify(recreated, token), "application photo-app no longer exists");
  }

  @Test
  void identifyWhenApplicationDisabledThenInvalidToken() {
    String token = stored();
    Snapshot disabled =
        snapshot(List.of(app("photo-app", "photo-app-client", false)), List.of(local()));

    assertInvalidToken(identify(disabled, token), "application photo-app is disabled");
  }

  @Test
  void identifyWhenAuthorizationServerGoneThenInvalidToken() {
    String token = stored();
    Snapshot noServer = snapshot(List.of(app("photo-app", "photo-app-client", true)), List.of());

    assertInvalidToken(identify(noServer, token), "authorization server local");
  }

  @Test
  void identifyWhenStoreCannotAnswerThen503WithoutErrorCode() {
    OpaqueTokenIdentifier down =
        new OpaqueTokenIdentifier(
            t ->
                Future.failedFuture(
                    new TokenLookupException(
                        "the token store failed: down", new RuntimeException())),
            clock);

    Identification result =
        await(down.identify(context(USUAL, new Credentials.Bearer(Tokens.newToken()))));

    assertThat(result)
        .isEqualTo(
            new Rejected(503, null, "the token store is not available right now; try again later"));
  }

  @Test
  void identifyWhenLookupFailsUnexpectedlyThenFailedFuture() {
    OpaqueTokenIdentifier broken =
        new OpaqueTokenIdentifier(
            t -> Future.failedFuture(new IllegalStateException("bug")), clock);

    Future<Identification> result =
        broken.identify(context(USUAL, new Credentials.Bearer(Tokens.newToken())));

    assertThat(result.toCompletionStage().toCompletableFuture())
        .failsWithin(Duration.ofSeconds(10));
  }

  @Test
  void identifyWhenLookupAnswersAnExpiredRecordThenInvalidTokenAnyway() {
    TokenRecord expired =
        Tokens.record(
            Tokens.newToken(),
            TokenRecord.Kind.ACCESS,
            "photo-app",
            T0.minusSeconds(7200),
            Duration.ofHours(1),
            "f");
    OpaqueTokenIdentifier stale =
        new OpaqueTokenIdentifier(
            t -> Future.succeededFuture(java.util.Optional.of(expired)), clock);

    assertInvalidToken(
        await(stale.identify(context(USUAL, new Credentials.Bearer(Tokens.newToken())))),
        OpaqueTokenIdentifier.NOT_ACTIVE);
  }

  /** [JWT, OAUTH2_TOKEN], anonymous allowed: each bearer token goes to exactly one identifier. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "a.b.c|JWT",
        "eyJhbGciOiJub25lIn0.e30.|JWT",
        "not-a-token|OAUTH2_TOKEN",
        "one.dot-only-and-long-enough-here|OAUTH2_TOKEN",
        "unknown-but-well-formed-opaque-token-000000|OAUTH2_TOKEN"
      })
  void policyWhenBothMethodsThenEveryBearerTokenIsDecidedByOneIdentifierAndBadOnesAreRefused(
      String row) {
    String token = row.substring(0, row.indexOf('|'));
    IdentificationMethod expected =
        IdentificationMethod.valueOf(row.substring(row.indexOf('|') + 1));
    java.util.List<String> verified = new java.util.ArrayList<>();
    JwtIdentifier jwt =
        new JwtIdentifier(
            t -> {
              verified.add(t);
              return Future.succeededFuture(
                  new io.portcullis.token.verify.Verification.Invalid(
                      io.portcullis.token.verify.Verification.Reason.MALFORMED, "bad JWT"));
            },
            jti -> false);
    IdentificationPolicy policy =
        new IdentificationPolicy(Identifiers.of(List.of(jwt, identifier)));
    RequestContext ctx = new RequestContext(USUAL, null, new Credentials.Bearer(token), T0, 0);
    ctx.route(
        ApiFixtures.api(
            "shop",
            ApiType.REST,
            "/shop",
            List.of(URI.create("http://127.0.0.1:1")),
            null,
            IdentifyAndAuthorize.builder()
                .methods(Set.of(IdentificationMethod.JWT, IdentificationMethod.OAUTH2_TOKEN))
                .applicationLookup(ApplicationLookup.GLOBAL)
                .allowAnonymous(true)
                .build()));

    Identification result = await(policy.identify(ctx));

    assertThat(result).isInstanceOf(Rejected.class);
    assertThat(((Rejected) result).errorCode()).isEqualTo("invalid_token");
    assertThat(verified).hasSize(expected == IdentificationMethod.JWT ? 1 : 0);
  }

  @Test
  void policyWhenBothMethodsAndValidOpaqueTokenThenIdentifiedByOauth2Token() {
    JwtIdentifier jwt =
        new JwtIdentifier(
            t -> {
              throw new AssertionError("an opaque token must not reach the JWT verifier");
            },
            jti -> false);
    IdentificationPolicy policy =
        new IdentificationPolicy(Identifiers.of(List.of(jwt, identifier)));
    RequestContext ctx = context(USUAL, new Credentials.Bearer(stored()));

    Identification result = await(policy.identify(ctx));

    assertThat(((Identified) result).method()).isEqualTo(IdentificationMethod.OAUTH2_TOKEN);
  }
}
