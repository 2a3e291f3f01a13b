package io.portcullis.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.registry.Api;
import io.portcullis.registry.Application;
import io.portcullis.registry.Application.ClaimSet;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.IdentificationMethod;
import io.portcullis.registry.IdentifyAndAuthorize;
import io.portcullis.registry.OutboundPolicy;
import io.portcullis.registry.Scope;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegistryValidatorTest {
  static Api api(String basePath, String upstream) {
    return Api.builder()
        .name("pets")
        .version("v1")
        .basePath(basePath)
        .upstreams(List.of(URI.create(upstream)))
        .build();
  }

  static Application app(String name, String server, Map<String, String> claims) {
    return Application.builder()
        .name(name)
        .clientId(name)
        .authorizationServer(server)
        .identifiers(List.of(new ClaimSet(claims)))
        .build();
  }

  static AuthorizationServer external(String alias, String issuer) {
    return AuthorizationServer.builder()
        .alias(alias)
        .type(AuthorizationServer.Type.EXTERNAL)
        .issuer(issuer)
        .jwksUri("https://idp.example.com/jwks")
        .audience(List.of("aud"))
        .algorithms(List.of("RS256"))
        .build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/pets", "/pets/v1", "/a-b_c.d~e"})
  void checkApiWhenBasePathValidThenNoViolation(String basePath) {
    assertThat(RegistryValidator.checkApi(api(basePath, "http://127.0.0.1:9000"))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "pets", "/pets/", "//pets", "/pets?x=1", "/a/../b", "/a/./b", "/a b"})
  void checkApiWhenBasePathInvalidThenViolationNamesBasePath(String basePath) {
    assertThat(RegistryValidator.checkApi(api(basePath, "http://127.0.0.1:9000")))
        .extracting(Violation::path)
        .containsExactly("basePath");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"ftp://h/x", "/relative", "http://h:1/x?q=1", "http://u:p@h/", "mailto:x@y"})
  void checkApiWhenUpstreamInvalidThenViolationNamesUpstream(String upstream) {
    assertThat(RegistryValidator.checkApi(api("/pets", upstream)))
        .extracting(Violation::path)
        .containsExactly("upstream");
  }

  @Test
  void checkApiWhenRequiredScopeMalformedThenViolationNamesIt() {
    Api a =
        Api.builder()
            .name("pets")
            .version("v1")
            .basePath("/pets")
            .upstreams(List.of(URI.create("http://h:1")))
            .identifyAndAuthorize(
                IdentifyAndAuthorize.builder().scopes(List.of("has space")).build())
            .build();
    assertThat(RegistryValidator.checkApi(a))
        .extracting(Violation::path)
        .containsExactly("identifyAndAuthorize.scopes[0]");
  }

  @Test
  void checkUserWhenNewUserWithoutPasswordThenViolation() {
    assertThat(RegistryValidator.checkUser(new UserSpec("bob", null, null, true, null), false))
        .extracting(Violation::path)
        .containsExactly("password");
    assertThat(RegistryValidator.checkUser(new UserSpec("bob", null, null, true, null), true))
        .isEmpty();
  }

  @Test
  void checkUserWhenPasswordTooShortOrBothGivenThenViolation() {
    assertThat(RegistryValidator.checkUser(new UserSpec("bob", "short", null, true, null), false))
        .extracting(Violation::message)
        .first()
        .asString()
        .contains("at least 8");
    assertThat(
            RegistryValidator.checkUser(
                new UserSpec("bob", "long-enough", "pbkdf2-sha256$x", true, null), false))
        .extracting(Violation::message)
        .first()
        .asString()
        .contains("not both");
  }

  @Test
  void checkAuthorizationServerWhenExternalHasHmacOrNoneThenViolation() {
    AuthorizationServer s =
        AuthorizationServer.builder()
            .alias("idp")
            .type(AuthorizationServer.Type.EXTERNAL)
            .issuer("https://idp")
            .jwksUri("https://idp/jwks")
            .algorithms(List.of("HS256", "none", "RS256"))
            .build();
    assertThat(RegistryValidator.checkAuthorizationServer(s))
        .extracting(Violation::path)
        .containsExactly("algorithms[0]", "algorithms[1]");
  }

  @Test
  void checkApiWhenUpstreamTlsHalfAClientCertificateOrUnverifiedWithoutCaThenViolations() {
    io.portcullis.registry.Api api =
        io.portcullis.registry.Api.builder()
            .name("petstore")
            .version("v1")
            .basePath("/petstore/v1")
            .upstreams(List.of(java.net.URI.create("https://petstore.internal")))
            .upstreamTls(
                new io.portcullis.registry.UpstreamTls(null, "/etc/client.crt", null, false))
            .build();

    assertThat(RegistryValidator.checkApi(api))
        .extracting(Violation::path)
        .containsExactly("upstreamTls.key", "upstreamTls.verifyHostname");
  }

  private static AuthorizationServer hmacIssuer(
      String jwksUri, List<String> algorithms, List<String> secrets) {
    return AuthorizationServer.builder()
        .alias("partner")
        .type(AuthorizationServer.Type.EXTERNAL)
        .issuer("https://partner")
        .jwksUri(jwksUri)
        .algorithms(algorithms)
        .secrets(secrets)
        .build();
  }

  @Test
  void checkAuthorizationServerWhenHmacIssuerWithLongEnoughSecretsThenValid() {
    assertThat(
            RegistryValidator.checkAuthorizationServer(
                hmacIssuer(null, List.of("HS256"), List.of("s".repeat(32), "t".repeat(40)))))
        .isEmpty();
  }

  @Test
  void checkAuthorizationServerWhenSecretShorterThanHashThenViolationGivesLengthNotSecret() {
    List<Violation> violations =
        RegistryValidator.checkAuthorizationServer(
            hmacIssuer(null, List.of("HS256", "HS512"), List.of("s".repeat(64), "short-secret")));

    assertThat(violations).extracting(Violation::path).containsExactly("secrets[1]");
    assertThat(violations.get(0).message())
        .isEqualTo("the secret is 12 bytes; HS512 needs at least 64 bytes (as long as its hash)")
        .doesNotContain("short-secret");
  }

  @Test
  void checkAuthorizationServerWhenSecretAndPublicKeysThenViolationNamingBoth() {
    List<Violation> violations =
        RegistryValidator.checkAuthorizationServer(
            hmacIssuer("https://partner/jwks", List.of("HS256"), List.of("s".repeat(32))));

    assertThat(violations).extracting(Violation::path).containsExactly("jwksUri");
    assertThat(violations.get(0).message())
        .contains("either secrets (HMAC) or public keys (jwksUri, certificates), never both");
  }

  @Test
  void checkAuthorizationServerWhenSecretWithAsymmetricAlgorithmThenViolation() {
    List<Violation> violations =
        RegistryValidator.checkAuthorizationServer(
            hmacIssuer(null, List.of("HS256", "RS256"), List.of("s".repeat(32))));

    assertThat(violations).extracting(Violation::path).containsExactly("algorithms[1]");
    assertThat(violations.get(0).message())
        .isEqualTo(
            "expected an HMAC algorithm, one of [HS256, HS384, HS512], since the issuer has"
                + " secrets; was 'RS256'");
  }

  @Test
  void checkAuthorizationServerWhenExternalHasBothOrNeitherKeySourceThenViolation() {
    AuthorizationServer neither =
        AuthorizationServer.builder()
            .alias("idp")
            .type(AuthorizationServer.Type.EXTERNAL)
            .issuer("https://idp")
            .algorithms(List.of("RS256"))
            .build();
    assertThat(RegistryValidator.checkAuthorizationServer(neither))
        .extracting(Violation::path)
        .containsExactly("jwksUri");
  }

  @Test
  void checkAuthorizationServerWhenInternalNotNamedLocalThenViolation() {
    AuthorizationServer s =
        AuthorizationServer.builder()
            .alias("mine")
            .type(AuthorizationServer.Type.INTERNAL)
            .issuer("http://localhost:8080")
            .build();
    assertThat(RegistryValidator.checkAuthorizationServer(s))
        .extracting(Violation::path)
        .containsExactly("alias");
  }

  @Test
  void checkAuthorizationServerWhenTokenSettingsOutOfRangeThenEachNamed() {
    AuthorizationServer s =
        AuthorizationServer.builder()
            .alias("local")
            .type(AuthorizationServer.Type.INTERNAL)
            .issuer("http://localhost:8080")
            .jwt(new AuthorizationServer.JwtSettings("HS256", 0, null))
            .accessToken(new AuthorizationServer.AccessTokenSettings(3600, 8, "Bearer"))
            .tokenStore(new AuthorizationServer.TokenStoreSettings("redis", 60))
            .build();
    assertThat(RegistryValidator.checkAuthorizationServer(s))
        .extracting(Violation::path)
        .containsExactly("jwt.algorithm", "jwt.expiresIn", "accessToken.length", "tokenStore.type");
  }

  @Test
  void checkAuthorizationServerWhenAssertionMaxLifetimeNotPositiveThenNamed() {
    for (long seconds : new long[] {0, -5}) {
      AuthorizationServer s =
          AuthorizationServer.builder()
              .alias("local")
              .type(AuthorizationServer.Type.INTERNAL)
              .issuer("http://localhost:8080")
              .assertionAudience("http://localhost:8080/oauth2/token")
              .assertionMaxLifetime(java.time.Duration.ofSeconds(seconds))
              .scopeMatching(AuthorizationServer.ScopeMatching.ANY)
              .build();
      assertThat(RegistryValidator.checkAuthorizationServer(s))
          .extracting(Violation::path, Violation::message)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(
                  "assertionMaxLifetime", "expected a positive number of seconds; was " + seconds));
    }
  }

  @Test
  void checkReferencesWhenApplicationNamesMissingThingsThenEachNamed() {
    Application a =
        Application.builder()
            .name("photo")
            .clientId("photo")
            .authorizationServer("nowhere")
            .scopes(List.of("unregistered"))
            .apis(List.of("pets/v9"))
            .users(List.of("ghost"))
            .build();
    assertThat(
            RegistryValidator.checkReferences(
                List.of(api("/pets", "http://h:1")),
                List.of(a),
                List.of(),
                List.of(),
                List.of("alice")))
        .extracting(Violation::path)
        .containsExactly(
            "applications[photo].authorizationServer",
            "applications[photo].scopes[0]",
            "applications[photo].apis[0]",
            "applications[photo].users[0]");
  }

  @Test
  void checkReferencesWhenIdentifiersOverlapForSameIssuerThenRefused() {
    List<Violation> v =
        RegistryValidator.checkReferences(
            List.of(),
            List.of(
                app("one", "idp", Map.of("sub", "photo-app")),
                app("two", "idp", Map.of("sub", "photo-app", "dept", "x"))),
            List.of(),
            List.of(external("idp", "https://idp")),
            List.of());
    assertThat(v).extracting(Violation::path).containsExactly("applications[two].identifiers");
  }

  @Test
  void checkReferencesWhenIdentifiersDifferOrIssuersDifferThenAccepted() {
    assertThat(
            RegistryValidator.checkReferences(
                List.of(),
                List.of(
                    app("one", "idp", Map.of("sub", "a")),
                    app("two", "idp", Map.of("sub", "b")),
                    app("three", "idp2", Map.of("sub", "a"))),
                List.of(),
                List.of(external("idp", "https://idp"), external("idp2", "https://idp2")),
                List.of()))
        .isEmpty();
  }

  @Test
  void checkReferencesWhenBasePathOrIssuerOrClientIdDuplicatedThenRefused() {
    Api one = api("/pets", "http://h:1");
    Api two =
        Api.builder()
            .name("other")
            .version("v1")
            .basePath("/pets")
            .upstreams(one.upstreams())
            .build();
    assertThat(
            RegistryValidator.checkReferences(
                List.of(one, two),
                List.of(
                    app("x", "idp", Map.of("sub", "x")),
                    renamed(app("y", "idp", Map.of("sub", "y")), "x")),
                List.of(new Scope("s", null)),
                List.of(external("idp", "https://idp"), external("idp2", "https://idp")),
                List.of()))
        .extracting(Violation::path)
        .containsExactlyInAnyOrder(
            "apis[other/v1].basePath",
            "authorizationServers.idp2.issuer",
            "applications[y].clientId");
  }

  static ApplicationSpec withClaims(String name, List<String> claims) {
    return ApplicationSpec.builder().name(name).claims(claims).build();
  }

  static Application allowing(Application a, List<String> claims) {
    return a.toBuilder().claims(claims).build();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "client_id",
        "azp",
        "scope",
        "scp",
        "cnf",
        "sub",
        "iss",
        "aud",
        "exp",
        "nbf",
        "iat",
        "jti",
        "act",
        "may_act"
      })
  void checkApplicationWhenClaimsNameAReservedClaimThenViolationNamesIt(String claim) {
    List<Violation> v =
        RegistryValidator.checkApplication(
            withClaims("app-a", List.of("department", claim)), false);
    assertThat(v).extracting(Violation::path).containsExactly("claims[1]");
    assertThat(v.get(0).message()).contains("'" + claim + "' is reserved");
  }

  @Test
  void checkReferencesWhenClaimsNameAnIdentifierClaimOfAnyApplicationThenRefused() {
    Application a = allowing(app("app-a", "local", Map.of("appname", "a")), List.of("department"));
    Application b = allowing(app("app-b", "idp", Map.of("tenant", "b")), List.of("tenant", "x"));
    Application c = allowing(app("app-c", "local", Map.of("appname", "c")), List.of("appname"));
    List<Violation> v =
        RegistryValidator.checkReferences(
            List.of(),
            List.of(a, b, c),
            List.of(),
            List.of(external("idp", "https://idp"), local()),
            List.of());
    assertThat(v)
        .extracting(Violation::path)
        .containsExactlyInAnyOrder(
            "applications[app-b].claims[0]", "applications[app-c].claims[0]");
    assertThat(v)
        .extracting(Violation::message)
        .anySatisfy(m -> assertThat(m).contains("'appname'", "application app-a", "app-c"));
  }

  @Test
  void checkReferencesWhenUsernameIsTheSubThatIdentifiesALocalApplicationThenNamesBoth() {
    List<Violation> v =
        RegistryValidator.checkReferences(
            List.of(),
            List.of(app("app-b", "local", Map.of("sub", "app-b"))),
            List.of(),
            List.of(local()),
            List.of("alice", "app-b"));
    assertThat(v).extracting(Violation::path).containsExactly("users[app-b].username");
    assertThat(v.get(0).message()).contains("user 'app-b'", "application app-b");
  }

  @Test
  void checkReferencesWhenUsernameEqualsTheSubOfAnExternalIssuersApplicationThenAccepted() {
    assertThat(
            RegistryValidator.checkReferences(
                List.of(),
                List.of(app("app-b", "idp", Map.of("sub", "app-b"))),
                List.of(),
                List.of(external("idp", "https://idp")),
                List.of("app-b")))
        .isEmpty();
  }

  @Test
  void checkApiWhenMethodsNameApiKeyThenViolationNamesFieldAndAcceptedValues() {
    Api api = api("/pets", "http://h:1");
    Api withApiKey =
        Api.builder()
            .name(api.name())
            .version(api.version())
            .type(api.type())
            .basePath(api.basePath())
            .upstreams(api.upstreams())
            .identifyAndAuthorize(
                IdentifyAndAuthorize.builder()
                    .methods(Set.of(IdentificationMethod.API_KEY, IdentificationMethod.JWT))
                    .build())
            .build();
    List<Violation> v = RegistryValidator.checkApi(withApiKey);
    assertThat(v).extracting(Violation::path).containsExactly("identifyAndAuthorize.methods");
    assertThat(v.get(0).message())
        .startsWith("API_KEY is not available")
        .endsWith("expected [JWT, OAUTH2_TOKEN]");
  }

  @Test
  void checkApiWhenUpstreamIsMetadataAddressThenViolationNamesUpstream() {
    List<Violation> v =
        RegistryValidator.checkApi(api("/pets", "http://169.254.169.254"), OutboundPolicy.DEFAULT);
    assertThat(v).extracting(Violation::path).containsExactly("upstream");
    assertThat(v.get(0).message()).contains("link-local or cloud metadata");
  }

  @Test
  void checkApplicationWhenJwksUriOrCertificateFileIsRefusedThenEachNamed() {
    OutboundPolicy policy =
        new OutboundPolicy(
            List.of(),
            List.of("127.0.0.1:9080"),
            List.of(java.nio.file.Path.of("/srv/portcullis")));
    ApplicationSpec spec =
        ApplicationSpec.builder()
            .name("app-a")
            .jwksUri("http://localhost:9080/jwks")
            .certificates(
                List.of("-----BEGIN PUBLIC KEY-----x-----END PUBLIC KEY-----", "/etc/passwd"))
            .build();
    assertThat(RegistryValidator.checkApplication(spec, false, policy))
        .extracting(Violation::path)
        .containsExactly("jwksUri", "certificates[1]");
  }

  private static AuthorizationServer local() {
    return AuthorizationServer.builder()
        .alias("local")
        .type(AuthorizationServer.Type.INTERNAL)
        .issuer("http://localhost:8080")
        .build();
  }

  private static Application renamed(Application a, String clientId) {
    return a.toBuilder().clientId(clientId).build();
  }
}
