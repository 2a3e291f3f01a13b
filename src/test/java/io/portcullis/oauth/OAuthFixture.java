package io.portcullis.oauth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.credential.Authenticator;
import io.portcullis.credential.PasswordHasher;
import io.portcullis.registry.Application;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.Scope;
import io.portcullis.registry.Snapshot;
import io.portcullis.registry.SnapshotHolder;
import io.portcullis.store.Database;
import io.portcullis.store.JdbcJtiReplayCache;
import io.portcullis.store.JdbcRevokedJwtRepository;
import io.portcullis.store.LocalChangeNotifier;
import io.portcullis.store.TestDatabases;
import io.portcullis.testing.MutableClock;
import io.portcullis.token.issue.InMemorySigningKeyRepository;
import io.portcullis.token.issue.JwtIssuer;
import io.portcullis.token.issue.KeyEncryptor;
import io.portcullis.token.issue.SigningKeys;
import io.portcullis.token.store.RevokedJwtStore;
import io.portcullis.token.store.TokenStore;
import io.portcullis.token.verify.ApplicationKeys;
import io.portcullis.token.verify.JwtVerifier;
import io.portcullis.token.verify.VerifierSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A running authorization server for the OAuth endpoint tests: real Vert.x HTTP on 127.0.0.1 port
 * 0, the JDBC replay cache and revoked-JWT repository on a fresh H2 database, the given token
 * store, and a clock that tests move.
 */
final class OAuthFixture implements AutoCloseable {
  static final String ISSUER = "http://gateway.test";
  static final String TOKEN_URL = ISSUER + "/oauth2/token";
  static final String PHOTOS = "https://localhost:8090/auth/user.photos";
  static final String EMAIL = "https://localhost:8090/auth/userinfo.email";
  static final String ADMIN = "https://localhost:8090/auth/admin";
  static final String UNREGISTERED = "https://localhost:8090/auth/legacy";
  static final String PARTNER_IDP = "https://idp.partner.test";

  final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  final SnapshotHolder snapshots = new SnapshotHolder();
  final RSAKey photoKey;
  final RSAKey otherKey;
  final RSAKey strangerKey;
  final TokenStore store;
  final Vertx vertx;
  final SigningKeys signingKeys;
  final JwtIssuer jwtIssuer;
  final String base;
  private final Database database;
  private final JwtVerifier verifier;
  private final HttpClient http = HttpClient.newHttpClient();
  private final PasswordHasher hasher;
  private AuthorizationServer local;

  /**
   * @param store the token store under test, given the database and the clock
   * @param refresh whether the local server issues refresh tokens
   */
  OAuthFixture(Function<Database, TokenStore> store, boolean refresh) throws Exception {
    SecureRandom random = new SecureRandom();
    hasher = new PasswordHasher(1_000, random);
    photoKey = new RSAKeyGenerator(2048).keyID("photo-1").generate();
    otherKey = new RSAKeyGenerator(2048).keyID("other-1").generate();
    strangerKey = new RSAKeyGenerator(2048).keyID("photo-1").generate();
    database = Database.open(TestDatabases.h2());
    this.store = store.apply(database);
    local =
        AuthorizationServer.builder()
            .alias("local")
            .type(AuthorizationServer.Type.INTERNAL)
            .issuer(ISSUER)
            .jwt(new AuthorizationServer.JwtSettings("RS256", 600, "portcullis"))
            .assertionAudience(TOKEN_URL)
            .refreshToken(new AuthorizationServer.RefreshTokenSettings(refresh, 43200, 46))
            .build();
    publish(local);
    signingKeys =
        new SigningKeys(
            new InMemorySigningKeyRepository(),
            new KeyEncryptor(new byte[32], random, "test"),
            clock,
            random);
    signingKeys.load("RS256", Duration.ofHours(1));
    jwtIssuer = new JwtIssuer(signingKeys, clock, random);
    vertx = Vertx.vertx();
    verifier =
        new JwtVerifier(
            vertx, snapshots, signingKeys::publicKeys, clock, VerifierSettings.DEFAULTS);
    RevokedJwtStore revoked =
        new RevokedJwtStore(
            new JdbcRevokedJwtRepository(database.dataSource(), clock, new LocalChangeNotifier()),
            clock);
    TokenServices services =
        TokenServices.builder()
            .store(this.store)
            .replayCache(new JdbcJtiReplayCache(database.dataSource(), clock))
            .revokedJwts(revoked)
            .verifier(verifier)
            .applicationKeys(new ApplicationKeys(VerifierSettings.DEFAULTS, clock))
            .clock(clock)
            .random(random)
            .build();
    AuthorizationServerEndpoints endpoints =
        new AuthorizationServerEndpoints(
            vertx,
            URI.create(ISSUER),
            snapshots,
            new Authenticator(hasher, Duration.ofMinutes(1)),
            signingKeys,
            jwtIssuer,
            services);
    HttpServer server =
        vertx.createHttpServer().requestHandler(endpoints.handler()).listen(0, "127.0.0.1").await();
    base = "http://127.0.0.1:" + server.actualPort();
  }

  /** Publishes the registry with this local server (other settings for one test). */
  void publish(AuthorizationServer server) {
    local = server;
    snapshots.publish(
        new Snapshot(
            snapshots.get().version() + 1,
            List.of(),
            List.of(
                app(
                    "photo-app",
                    "photo-secret",
                    photoKey,
                    List.of(PHOTOS, EMAIL, UNREGISTERED),
                    true),
                app("other-app", "other-secret", otherKey, List.of(PHOTOS), true),
                app("off-app", "off-secret", otherKey, List.of(PHOTOS), false),
                partner()),
            List.of(),
            List.of(new Scope(PHOTOS, null), new Scope(EMAIL, null), new Scope(ADMIN, null)),
            List.of(server, partnerIdp())));
  }

  /** An external issuer that partner-app trusts: its assertions may come with that iss. */
  private AuthorizationServer partnerIdp() {
    return AuthorizationServer.builder()
        .alias("partner-idp")
        .type(AuthorizationServer.Type.EXTERNAL)
        .issuer(PARTNER_IDP)
        .certificates(List.of(pem(otherKey)))
        .algorithms(List.of("RS256"))
        .build();
  }

  private Application partner() {
    return Application.builder()
        .name("partner-app")
        .clientId("partner-app")
        .authorizationServer("partner-idp")
        .certificates(List.of(pem(otherKey)))
        .scopes(List.of(PHOTOS))
        .build();
  }

  private static String pem(RSAKey key) {
    try {
      return "-----BEGIN PUBLIC KEY-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'})
              .encodeToString(key.toPublicKey().getEncoded())
          + "\n-----END PUBLIC KEY-----\n";
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  AuthorizationServer local() {
    return local;
  }

  private Application app(
      String name, String secret, RSAKey key, List<String> scopes, boolean enabled) {
    return Application.builder()
        .name(name)
        .clientId(name)
        .clientSecretHash(hasher.hash(secret))
        .authorizationServer("local")
        .identifiers(List.of(new Application.ClaimSet(Map.of("sub", name))))
        .jwks(new JWKSet(key.toPublicJWK()).toString())
        .scopes(scopes)
        .tokenParameters(Map.of("Department", "Engineering"))
        .enabled(enabled)
        .build();
  }

  /** Claims of a valid assertion by photo-app for the token endpoint, to be changed by a test. */
  Map<String, Object> claims() {
    Instant now = clock.instant();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", "photo-app");
    claims.put("sub", "photo-app");
    claims.put("aud", TOKEN_URL);
    claims.put("exp", Date.from(now.plusSeconds(120)));
    claims.put("iat", Date.from(now));
    claims.put("jti", UUID.randomUUID().toString());
    return claims;
  }

  /** The claims signed with RS256 by the key; a null value leaves the claim out. */
  static String sign(RSAKey key, Map<String, Object> claims) throws Exception {
    JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
    claims.forEach(
        (name, value) -> {
          if (value != null) builder.claim(name, value);
        });
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            builder.build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  String assertion(Map<String, Object> claims) throws Exception {
    return sign(photoKey, claims);
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  static String form(Map<String, String> parameters) {
    return parameters.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  HttpResponse<String> post(String path, String authorization, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) b.header("Authorization", authorization);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String authorization, Map<String, String> form)
      throws Exception {
    return post(path, authorization, form(form));
  }

  HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (authorization != null) b.header("Authorization", authorization);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Exchanges an assertion of photo-app (no client authentication) and returns the body. */
  JsonObject exchange(Map<String, Object> claims) throws Exception {
    HttpResponse<String> r =
        post(
            "/oauth2/token",
            null,
            Map.of("grant_type", TokenEndpoint.JWT_BEARER, "assertion", assertion(claims)));
    if (r.statusCode() != 200) throw new AssertionError(r.statusCode() + " " + r.body());
    return new JsonObject(r.body());
  }

  JsonObject introspect(String token, String authorization) throws Exception {
    HttpResponse<String> r = post("/oauth2/introspect", authorization, Map.of("token", token));
    if (r.statusCode() != 200) throw new AssertionError(r.statusCode() + " " + r.body());
    return new JsonObject(r.body());
  }

  @Override
  public void close() {
    verifier.close();
    vertx.close().await();
    database.close();
  }
}
