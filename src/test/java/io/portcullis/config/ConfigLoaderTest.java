package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.ssl.OpenSsl;
import io.portcullis.control.ApplicationSpec;
import io.portcullis.control.ControlPlane;
import io.portcullis.control.RegistryContent;
import io.portcullis.control.UserSpec;
import io.portcullis.control.ValidationException;
import io.portcullis.control.Violation;
import io.portcullis.credential.FailureThrottle;
import io.portcullis.credential.PasswordHasher;
import io.portcullis.registry.Api;
import io.portcullis.registry.ApiType;
import io.portcullis.registry.Application.ClaimSet;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.IdentificationMethod;
import io.portcullis.registry.IdentifyAndAuthorize;
import io.portcullis.registry.Scope;
import io.portcullis.registry.ServerTls;
import io.portcullis.registry.SnapshotHolder;
import io.portcullis.registry.Timeouts;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
  static final Path PRODUCT_EXAMPLE = Path.of("src/test/resources/config/product-example.yaml");
  static final Map<String, String> PRODUCT_ENV =
      Map.of(
          "PORTCULLIS_ADMIN_PASSWORD", "admin-password-1",
          "ALICE_PASSWORD", "alice-password-1",
          "PHOTO_APP_SECRET", "photo-app-secret-1");

  private static final String PETSTORE =
      """
      apis:
        - name: petstore
          version: v1
          basePath: /petstore/v1
          upstream: http://127.0.0.1:9000
      """;

  private final ConfigLoader loader = new ConfigLoader();

  private LoadedConfig load(String yaml, Map<String, String> env) {
    return loader.load(yaml, "test.yaml", env);
  }

  private List<String> problems(String yaml, Map<String, String> env) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(yaml, env));
    assertThat(e).as("the configuration should have been refused").isNotNull();
    return List.of(e.getMessage().split("\n"));
  }

  private List<String> problems(String yaml) {
    return problems(yaml, Map.of());
  }

  // ---------------------------------------------------------------- the PRODUCT.md example

  @Test
  void loadWhenProductExampleWithEnvironmentThenEveryFieldIsRead() {
    LoadedConfig loaded = loader.load(PRODUCT_EXAMPLE, PRODUCT_ENV);
    PortcullisConfig c = loaded.config();
    assertThat(loaded.source()).isEqualTo(PRODUCT_EXAMPLE.toString());
    assertThat(c.gateway().listen()).isEqualTo(new HostPort("127.0.0.1", 8080));
    assertThat(c.gateway().publicUrl()).isEqualTo(URI.create("http://localhost:8080"));
    assertThat(c.admin().listen()).isEqualTo(new HostPort("127.0.0.1", 9080));
    assertThat(c.store()).isEqualTo(new StoreConfig("jdbc:h2:file:./data/portcullis", null, null));
    assertThat(c.demo()).isNull();

    RegistryContent content = c.content();
    assertThat(content.users())
        .containsExactly(
            new UserSpec("admin", "admin-password-1", null, null, Set.of("admin")),
            new UserSpec("alice", "alice-password-1", null, null, Set.of()));
    assertThat(content.authorizationServers())
        .containsExactly(
            AuthorizationServer.builder()
                .alias("local")
                .type(AuthorizationServer.Type.INTERNAL)
                .issuer("http://localhost:8080")
                .jwt(new AuthorizationServer.JwtSettings("RS256", 3600, "portcullis"))
                .assertionAudience("http://localhost:8080/oauth2/token")
                .accessToken(new AuthorizationServer.AccessTokenSettings(3600, 54, "Bearer"))
                .refreshToken(new AuthorizationServer.RefreshTokenSettings(false, 43200, 46))
                .tokenStore(new AuthorizationServer.TokenStoreSettings("cache", 60))
                .build(),
            AuthorizationServer.builder()
                .alias("corp-idp")
                .type(AuthorizationServer.Type.EXTERNAL)
                .issuer("https://idp.example.com")
                .jwksUri("https://idp.example.com/.well-known/jwks.json")
                .audience(List.of("api://gateway"))
                .algorithms(List.of("RS256", "ES256"))
                .build());
    assertThat(content.scopes())
        .containsExactly(
            new Scope("https://localhost:8090/auth/user.photos", null),
            new Scope("https://localhost:8090/auth/userinfo.email", null));
    assertThat(content.apis())
        .containsExactly(
            Api.builder()
                .name("petstore")
                .version("v1")
                .basePath("/petstore/v1")
                .upstreams(List.of(URI.create("http://127.0.0.1:9000")))
                .timeouts(new Timeouts(2000, 30000))
                .identifyAndAuthorize(
                    IdentifyAndAuthorize.builder()
                        .methods(
                            Set.of(IdentificationMethod.JWT, IdentificationMethod.OAUTH2_TOKEN))
                        .build())
                .build());
    ApplicationSpec app = content.applications().get(0);
    assertThat(app.name()).isEqualTo("photo-app");
    assertThat(app.clientId()).isEqualTo("photo-app");
    assertThat(app.clientSecret()).isEqualTo("photo-app-secret-1");
    assertThat(app.authorizationServer()).isEqualTo("local");
    assertThat(app.identifiers()).containsExactly(new ClaimSet(Map.of("sub", "photo-app")));
    assertThat(app.jwks()).hasToString("{\"keys\":[]}");
    assertThat(app.scopes()).containsExactly("https://localhost:8090/auth/user.photos");
    assertThat(app.apis()).containsExactly("petstore/v1");
    assertThat(app.claims()).containsExactly("department");
    assertThat(app.tokenParameters()).isEqualTo(Map.of("Department", "Engineering"));
    assertThat(app.users()).containsExactly("alice");
  }

  @Test
  void loadWhenProductExampleWithoutEnvironmentThenEveryMissingVariableIsNamedWithItsLine() {
    assertThatThrownBy(() -> loader.load(PRODUCT_EXAMPLE, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            String.join(
                "\n",
                PRODUCT_EXAMPLE
                    + ":10: users[0].password: environment variable PORTCULLIS_ADMIN_PASSWORD is"
                    + " not set (write ${PORTCULLIS_ADMIN_PASSWORD:-default} to give a default)",
                PRODUCT_EXAMPLE
                    + ":13: users[1].password: environment variable ALICE_PASSWORD is not set"
                    + " (write ${ALICE_PASSWORD:-default} to give a default)",
                PRODUCT_EXAMPLE
                    + ":51: applications[0].clientSecret: environment variable PHOTO_APP_SECRET is"
                    + " not set (write ${PHOTO_APP_SECRET:-default} to give a default)"));
  }

  @Test
  void loadWhenFileIsMissingThenTheErrorNamesTheFile(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> loader.load(missing, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(missing + ": no such file");
  }

  @Test
  void loadWhenFileIsNotUtf8ThenTheErrorNamesTheFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("latin1.yaml");
    Files.write(file, new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});
    assertThatThrownBy(() -> loader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(file + ": not UTF-8 text");
  }

  // ---------------------------------------------------------------- defaults

  @Test
  void loadWhenEmptyThenEqualsDefaults() {
    assertThat(load("", Map.of()).config()).isEqualTo(PortcullisConfig.defaults());
    assertThat(load("# nothing but a comment\n", Map.of()).config())
        .isEqualTo(PortcullisConfig.defaults());
  }

  @Test
  void defaultsWhenNoFileThenEverySectionHasItsDocumentedDefault() {
    PortcullisConfig c = PortcullisConfig.defaults();
    assertThat(c.gateway())
        .isEqualTo(
            GatewayConfig.builder()
                .listen(new HostPort("127.0.0.1", 8080))
                .publicUrl(URI.create("http://127.0.0.1:8080"))
                .maxHeaderSize(8192)
                .maxUriLength(8192)
                .maxBodySize(104_857_600)
                .drainTimeout(Duration.ofSeconds(30))
                .build());
    assertThat(c.admin().listen()).isEqualTo(new HostPort("127.0.0.1", 9080));
    assertThat(c.store().url()).isNull();
    assertThat(c.demo()).isNull();
    assertThat(c.content().authorizationServers())
        .containsExactly(
            AuthorizationServer.builder()
                .alias("local")
                .type(AuthorizationServer.Type.INTERNAL)
                .issuer("http://127.0.0.1:8080")
                .assertionAudience("http://127.0.0.1:8080/oauth2/token")
                .build());
  }

  @Test
  void loadWhenApiGivesOnlyRequiredFieldsThenDefaultsApply() {
    Api api = load(PETSTORE, Map.of()).config().content().apis().get(0);
    assertThat(api.type()).isEqualTo(ApiType.REST);
    assertThat(api.active()).isTrue();
    assertThat(api.timeouts()).isEqualTo(Timeouts.DEFAULT);
    assertThat(api.identifyAndAuthorize()).isEqualTo(IdentifyAndAuthorize.OPEN);
  }

  @Test
  void loadWhenPolicyOmitsFieldsThenItFailsClosed() {
    Api api =
        load(
                PETSTORE
                    + """
                        timeouts: { response: 5000 }
                        identifyAndAuthorize:
                          methods: [jwt]
                    """,
                Map.of())
            .config()
            .content()
            .apis()
            .get(0);
    assertThat(api.timeouts()).isEqualTo(new Timeouts(2000, 5000));
    assertThat(api.identifyAndAuthorize())
        .isEqualTo(
            IdentifyAndAuthorize.builder().methods(Set.of(IdentificationMethod.JWT)).build());
  }

  @Test
  void loadWhenPolicyKeyHasNoValueThenNothingButNothingIsAllowed() {
    Api api =
        load(PETSTORE + "    identifyAndAuthorize:\n", Map.of()).config().content().apis().get(0);
    assertThat(api.identifyAndAuthorize().methods()).isEmpty();
    assertThat(api.identifyAndAuthorize().allowAnonymous()).isFalse();
  }

  @Test
  void loadWhenLocalServerIsMissingThenTheDefaultOneUsesThePublicUrl() {
    PortcullisConfig c =
        load(
                """
                gateway: { listen: 0.0.0.0:8443 }
                authorizationServers:
                  corp-idp: { type: external, issuer: https://idp, jwksUri: https://idp/jwks, algorithms: [RS256] }
                """,
                Map.of())
            .config();
    assertThat(c.gateway().publicUrl()).isEqualTo(URI.create("http://localhost:8443"));
    assertThat(c.content().authorizationServers())
        .extracting(AuthorizationServer::alias)
        .containsExactly("local", "corp-idp");
    AuthorizationServer local = c.content().authorizationServers().get(0);
    assertThat(local.issuer()).isEqualTo("http://localhost:8443");
    assertThat(local.assertionAudience()).isEqualTo("http://localhost:8443/oauth2/token");
  }

  @Test
  void loadWhenLocalServerOmitsIssuerAndNestedFieldsThenDefaultsFillThem() {
    AuthorizationServer local =
        load(
                """
                gateway: { publicUrl: "https://gw.example.com/" }
                authorizationServers:
                  local:
                    jwt: { expiresIn: 600 }
                    accessToken: { length: 40 }
                    refreshToken: { enabled: true }
                    tokenStore: { type: DATABASE }
                """,
                Map.of())
            .config()
            .content()
            .authorizationServers()
            .get(0);
    assertThat(local.type()).isEqualTo(AuthorizationServer.Type.INTERNAL);
    assertThat(local.issuer()).isEqualTo("https://gw.example.com");
    assertThat(local.assertionAudience()).isEqualTo("https://gw.example.com/oauth2/token");
    assertThat(local.clockSkew()).isEqualTo(60);
    assertThat(local.jwt()).isEqualTo(new AuthorizationServer.JwtSettings("RS256", 600, null));
    assertThat(local.accessToken())
        .isEqualTo(new AuthorizationServer.AccessTokenSettings(3600, 40, "Bearer"));
    assertThat(local.refreshToken())
        .isEqualTo(new AuthorizationServer.RefreshTokenSettings(true, 43200, 46));
    assertThat(local.tokenStore())
        .isEqualTo(new AuthorizationServer.TokenStoreSettings("database", 60));
  }

  @Test
  void loadWhenServerSectionsAreGivenThenTheyAreRead() {
    PortcullisConfig c =
        load(
                """
                gateway:
                  listen: "[::1]:8081"
                  maxHeaderSize: 16384
                  maxUriLength: 4096
                  maxBodySize: 0
                  drainTimeout: 5
                admin: { listen: ":9081" }
                store: { url: "jdbc:postgresql://db/portcullis", username: gw, password: "${DB_PASSWORD}" }
                demo: { echoUpstream: 127.0.0.1:9000 }
                """,
                Map.of("DB_PASSWORD", "s3cret"))
            .config();
    assertThat(c.gateway())
        .isEqualTo(
            GatewayConfig.builder()
                .listen(new HostPort("::1", 8081))
                .publicUrl(URI.create("http://[::1]:8081"))
                .maxHeaderSize(16384)
                .maxUriLength(4096)
                .maxBodySize(0)
                .drainTimeout(Duration.ofSeconds(5))
                .build());
    assertThat(c.admin().listen()).isEqualTo(new HostPort("0.0.0.0", 9081));
    assertThat(c.store())
        .isEqualTo(new StoreConfig("jdbc:postgresql://db/portcullis", "gw", "s3cret"));
    assertThat(c.store().toString()).doesNotContain("s3cret");
    assertThat(c.demo()).isEqualTo(new DemoConfig(new HostPort("127.0.0.1", 9000)));
  }

  @Test
  void loadWhenVerifiedTokenCacheIsGivenThenItIsRead() {
    assertThat(load("gateway: { verifiedTokenCache: 0 }\n", Map.of()).config().gateway())
        .extracting(GatewayConfig::verifiedTokenCache)
        .isEqualTo(0L);
    assertThat(load("gateway: { listen: \":8081\" }\n", Map.of()).config().gateway())
        .extracting(GatewayConfig::verifiedTokenCache)
        .isEqualTo(GatewayConfig.DEFAULT_VERIFIED_TOKEN_CACHE);
    assertThat(problems("gateway: { verifiedTokenCache: -1 }\n"))
        .containsExactly(
            "test.yaml:1: gateway.verifiedTokenCache: expected 0 to 100000000 entries (0: verify"
                + " every request); was -1");
  }

  @Test
  void loadWhenTlsIsGivenThenReadAndPublicUrlDefaultsToHttps(@TempDir Path dir) throws IOException {
    Path certificate = Files.writeString(dir.resolve("gateway.crt"), "x");
    Path key = Files.writeString(dir.resolve("gateway.key"), "x");
    Path p12 = Files.writeString(dir.resolve("admin.p12"), "x");
    PortcullisConfig c =
        load(
                "gateway:\n  listen: 127.0.0.1:8443\n  tls: { certificate: "
                    + certificate
                    + ", key: "
                    + key
                    + ", clientAuth: optional, clientCa: "
                    + certificate
                    + " }\nadmin:\n  tls: { certificate: "
                    + p12
                    + ", password: ${P12_PASSWORD} }\n",
                Map.of("P12_PASSWORD", "pw"))
            .config();

    assertThat(c.gateway().tls())
        .isEqualTo(
            ServerTls.builder()
                .certificate(certificate.toString())
                .key(key.toString())
                .clientAuth(ServerTls.ClientAuth.OPTIONAL)
                .clientCa(certificate.toString())
                // Without tls.engine: BoringSSL wherever it loads (it does on Linux x86-64).
                .engine(OpenSsl.isAvailable() ? ServerTls.Engine.OPENSSL : ServerTls.Engine.JDK)
                .build());
    assertThat(c.gateway().publicUrl()).hasToString("https://127.0.0.1:8443");
    assertThat(c.admin().tls().pkcs12()).isTrue();
    assertThat(c.admin().tls().password()).isEqualTo("pw");
    assertThat(c.admin().tls().toString()).doesNotContain("pw");
  }

  @Test
  void loadWhenTlsIsWrongThenEveryProblemNamesItsField(@TempDir Path dir) throws IOException {
    Path certificate = Files.writeString(dir.resolve("gateway.crt"), "x");
    Path missing = dir.resolve("missing.key");

    assertThat(
            problems(
                "gateway:\n  tls: { certificate: "
                    + certificate
                    + ", clientAuth: required }\nadmin:\n  tls: { certificate: "
                    + certificate
                    + ", key: "
                    + missing
                    + ", clientAuth: sometimes }\n"))
        .containsExactlyInAnyOrder(
            "test.yaml:2: gateway.tls.key: is required: the PEM private key file; or, when"
                + " certificate is a PKCS#12 file, its password",
            "test.yaml:2: gateway.tls.clientCa: is required: the PEM file of the CA certificates"
                + " that client certificates chain to",
            "test.yaml:4: admin.tls.clientAuth: expected none, optional or required; was"
                + " \"sometimes\"",
            "test.yaml:4: admin.tls.key: cannot read the file \"" + missing + "\"");
  }

  @Test
  void loadWhenTlsEngineIsGivenThenReadAndAnUnknownOneNamed(@TempDir Path dir) throws IOException {
    Path certificate = Files.writeString(dir.resolve("gateway.crt"), "x");
    Path key = Files.writeString(dir.resolve("gateway.key"), "x");
    String tls = "{ certificate: " + certificate + ", key: " + key + ", engine: ";

    PortcullisConfig openssl =
        load("gateway:\n  tls: " + tls + "openssl }\nadmin:\n  tls: " + tls + "JDK }\n", Map.of())
            .config();

    assertThat(openssl.gateway().tls().engine()).isEqualTo(ServerTls.Engine.OPENSSL);
    assertThat(openssl.admin().tls().engine()).isEqualTo(ServerTls.Engine.JDK);
    assertThat(problems("gateway:\n  tls: " + tls + "gnutls }\n"))
        .containsExactly(
            "test.yaml:2: gateway.tls.engine: expected jdk or openssl; was \"gnutls\"");
  }

  @Test
  void loadWhenAuthThrottleIsGivenThenReadAndOmittedFieldsDefault() {
    assertThat(
            load("gateway: { authThrottle: { failuresPerName: 3, window: 60 } }\n", Map.of())
                .config()
                .gateway()
                .authThrottle())
        .isEqualTo(
            new FailureThrottle.Settings(
                3,
                FailureThrottle.Settings.DEFAULT_FAILURES_PER_ADDRESS,
                Duration.ofSeconds(60),
                FailureThrottle.Settings.DEFAULT_MAX_TRACKED));
    assertThat(PortcullisConfig.defaults().gateway().authThrottle())
        .isEqualTo(FailureThrottle.Settings.DEFAULTS);
    assertThat(problems("gateway:\n  authThrottle: { window: 0, failuresPerAddress: -1, x: 1 }\n"))
        .containsExactlyInAnyOrder(
            "test.yaml:2: gateway.authThrottle.x: unknown field; expected one of failuresPerName,"
                + " failuresPerAddress, window, maxTracked",
            "test.yaml:2: gateway.authThrottle.window: expected 1 to 86400 seconds; was 0",
            "test.yaml:2: gateway.authThrottle.failuresPerAddress: expected 0 to 1000000 failures"
                + " (0: no limit per address); was -1");
  }

  @Test
  void loadWhenHealthPathIsGivenThenItIsReadElseTheDefault() {
    assertThat(load("gateway: { healthPath: /healthz }\n", Map.of()).config().gateway())
        .extracting(GatewayConfig::healthPath)
        .isEqualTo("/healthz");
    assertThat(load("gateway: { listen: \":8081\" }\n", Map.of()).config().gateway())
        .extracting(GatewayConfig::healthPath)
        .isEqualTo("/.well-known/portcullis/health");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "healthz", "/healthz/", "/a b", "/a//b"})
  void loadWhenHealthPathIsNotAPathThenRejectedNamingTheField(String path) {
    assertThat(problems("gateway: { healthPath: \"" + path + "\" }\n"))
        .singleElement()
        .asString()
        .startsWith("test.yaml:1: gateway.healthPath: expected a path such as")
        .endsWith("was \"" + path + "\"");
  }

  @Test
  void loadWhenGatewayTimeoutsAreGivenInPartThenTheOthersKeepTheirDefaults() {
    GatewayConfig gateway =
        load("gateway: { timeouts: { body: 5000, minBodyRate: 0 }, bodyBuffer: 0 }\n", Map.of())
            .config()
            .gateway();
    assertThat(gateway.timeouts())
        .isEqualTo(
            new GatewayTimeouts(
                GatewayTimeouts.DEFAULT.requestHead(),
                GatewayTimeouts.DEFAULT.idle(),
                java.time.Duration.ofMillis(5000),
                0));
    assertThat(gateway.bodyBuffer()).isZero();
    assertThat(load("gateway: { listen: \":8081\" }\n", Map.of()).config().gateway())
        .extracting(GatewayConfig::timeouts, GatewayConfig::bodyBuffer)
        .containsExactly(GatewayTimeouts.DEFAULT, GatewayConfig.DEFAULT_BODY_BUFFER);
  }

  @Test
  void loadWhenGatewayTimeoutsAreWrongThenEachIsNamedWithItsRange() {
    assertThat(
            problems(
                """
                gateway:
                  timeouts:
                    requestHead: 0
                    idle: 2s
                    minBodyRate: -1
                    read: 5
                  bodyBuffer: 99999999
                """))
        .containsExactly(
            "test.yaml:3: gateway.timeouts.requestHead: expected 1 to 86400000 milliseconds; was 0",
            "test.yaml:4: gateway.timeouts.idle: expected a whole number of milliseconds; was \"2s\"",
            "test.yaml:5: gateway.timeouts.minBodyRate: expected 0 to 1073741824 bytes per second;"
                + " was -1",
            "test.yaml:6: gateway.timeouts.read: unknown field; expected one of requestHead, idle,"
                + " body, minBodyRate",
            "test.yaml:7: gateway.bodyBuffer: expected 0 to 16777216 bytes (0: take the upstream"
                + " connection at once); was 99999999");
  }

  @Test
  void loadWhenApiGivesAnIdleTimeoutThenItIsRead() {
    Api api =
        load(PETSTORE.replace("basePath:", "timeouts: { idle: 45000 }\n    basePath:"), Map.of())
            .config()
            .content()
            .apis()
            .get(0);
    assertThat(api.timeouts()).isEqualTo(new Timeouts(2_000, 30_000, 45_000));
  }

  // ---------------------------------------------------------------- environment variables

  @Test
  void loadWhenVariableIsSetThenItsValueIsUsed() {
    UserSpec user =
        load(
                """
                users:
                  - username: ${USER_NAME}
                    password: ${PASSWORD}
                """,
                Map.of("USER_NAME", "bob", "PASSWORD", "hunter2hunter2"))
            .config()
            .content()
            .users()
            .get(0);
    assertThat(user.username()).isEqualTo("bob");
    assertThat(user.password()).isEqualTo("hunter2hunter2");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "${TIMEOUT:-2500}|{}|2500",
        "${TIMEOUT:-2500}|{\"TIMEOUT\":\"700\"}|700",
        "${TIMEOUT:-2500}|{\"TIMEOUT\":\"\"}|2500",
        "${TIMEOUT}|{\"TIMEOUT\":\"900\"}|900",
      })
  void loadWhenUnquotedVariableIsTheWholeValueThenItIsTypedLikeYaml(
      String reference, String envJson, long expected) throws IOException {
    @SuppressWarnings("unchecked")
    Map<String, String> env = new ObjectMapper().readValue(envJson, Map.class);
    Api api =
        load(PETSTORE + "    timeouts: { connect: " + reference + " }\n", env)
            .config()
            .content()
            .apis()
            .get(0);
    assertThat(api.timeouts().connect()).isEqualTo(expected);
  }

  @Test
  void loadWhenVariableIsQuotedThenItStaysText() {
    assertThat(
            problems(
                PETSTORE + "    timeouts: { connect: \"${TIMEOUT}\" }\n", Map.of("TIMEOUT", "900")))
        .containsExactly(
            "test.yaml:6: apis[0].timeouts.connect: expected a positive whole number of"
                + " milliseconds; was \"900\"");
  }

  @Test
  void loadWhenValueHasLineBreaksAndYamlCharactersThenStructureIsUnchanged() {
    String nasty = "a: b\n- c # not a comment\n  roles: [admin]\n}]{\"";
    PortcullisConfig c =
        load(
                """
                users:
                  - { username: bob, password: ${NASTY} }
                applications:
                  - name: app
                    description: "before ${NASTY} after"
                    tokenParameters: { note: ${NASTY} }
                """,
                Map.of("NASTY", nasty))
            .config();
    UserSpec bob = c.content().users().get(0);
    assertThat(bob.password()).isEqualTo(nasty);
    assertThat(bob.roles()).isEmpty();
    ApplicationSpec app = c.content().applications().get(0);
    assertThat(app.description()).isEqualTo("before " + nasty + " after");
    assertThat(app.tokenParameters()).isEqualTo(Map.of("note", nasty));
  }

  @Test
  void loadWhenVariableHoldsPemTextThenTheCertificateKeepsItsLines() {
    String pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    AuthorizationServer idp =
        load(
                """
                authorizationServers:
                  idp:
                    type: external
                    issuer: https://idp.example.com
                    certificates: ${IDP_CERT}
                    algorithms: [RS256]
                """,
                Map.of("IDP_CERT", pem))
            .config()
            .content()
            .authorizationServers()
            .get(1);
    assertThat(idp.certificates()).containsExactly(pem);
  }

  @Test
  void loadWhenVariableIsMissingThenErrorNamesFileLineFieldAndVariable() {
    assertThat(
            problems(
                """
                users:
                  - username: admin
                    password: ${ADMIN_PW}
                    roles: [admin]
                """))
        .containsExactly(
            "test.yaml:3: users[0].password: environment variable ADMIN_PW is not set (write"
                + " ${ADMIN_PW:-default} to give a default)");
  }

  @Test
  void loadWhenVariableIsOnlyInACommentThenItIsNotNeeded() {
    assertThat(load("# password: ${NOT_SET}\n" + PETSTORE, Map.of()).config().content().apis())
        .hasSize(1);
  }

  @Test
  void loadWhenDoubleDollarThenTheReferenceIsLiteral() {
    PortcullisConfig c =
        load(
                """
                applications:
                  - name: app
                    description: costs $$5 and $${NOT_A_VARIABLE}
                    tokenParameters: { template: $${X:-y}, plain: $$${HOME} }
                """,
                Map.of("HOME", "/root"))
            .config();
    ApplicationSpec app = c.content().applications().get(0);
    assertThat(app.description()).isEqualTo("costs $$5 and ${NOT_A_VARIABLE}");
    assertThat(app.tokenParameters()).isEqualTo(Map.of("template", "${X:-y}", "plain", "$${HOME}"));
  }

  @Test
  void loadWhenReferenceIsMalformedThenItIsReportedWithItsLine() {
    assertThat(
            problems(
                """
                applications:
                  - name: app
                    description: ${not valid}
                """))
        .containsExactly(
            "test.yaml:3: applications[0].description: malformed variable reference '${not"
                + " valid}': expected ${NAME} or ${NAME:-default} on one line (write $${ for a"
                + " literal ${)");
  }

  // ---------------------------------------------------------------- rejections, located

  @Test
  void loadWhenUnknownFieldThenItIsNamedWithTheExpectedOnes() {
    assertThat(
            problems(
                """
                apis:
                  - name: petstore
                    version: v1
                    basePath: /petstore/v1
                    upstreams: http://127.0.0.1:9000
                """))
        .containsExactly(
            "test.yaml:2: apis[0].upstream: is required: the upstream URL, such as"
                + " http://127.0.0.1:9000, or a list of them",
            "test.yaml:5: apis[0].upstreams: unknown field; expected one of name, version, type,"
                + " basePath, upstream, active, timeouts, identifyAndAuthorize, monitoring, upstreamTls, portal");
  }

  @Test
  void loadWhenUnknownTopLevelSectionThenEverySectionIsListed() {
    assertThat(problems("gateway: {}\nroutes: []\n"))
        .containsExactly(
            "test.yaml:2: routes: unknown field; expected one of gateway, admin, store, demo,"
                + " files, monitoring, portal, users, authorizationServers, scopes, apis, applications");
  }

  @Test
  void loadWhenWrongTypeThenTheExpectedTypeAndTheValueAreNamed() {
    assertThat(problems(PETSTORE + "    timeouts: { connect: 2s }\n"))
        .containsExactly(
            "test.yaml:6: apis[0].timeouts.connect: expected a positive whole number of"
                + " milliseconds; was \"2s\"");
  }

  @Test
  void loadWhenRequiredFieldIsMissingThenItIsReportedOnTheLineOfItsObject() {
    assertThat(
            problems(
                """
                apis:
                  - name: petstore
                    version: v1
                    upstream: http://127.0.0.1:9000
                """))
        .containsExactly(
            "test.yaml:2: apis[0].basePath: is required: the path prefix on the gateway, such as"
                + " /petstore/v1");
  }

  @Test
  void loadWhenEnumValueIsUnknownThenTheAllowedSetIsNamed() {
    assertThat(
            problems(
                PETSTORE
                    + """
                        type: GRPC
                        identifyAndAuthorize: { methods: [JWT, SAML], applicationLookup: some }
                    """))
        .containsExactly(
            "test.yaml:6: apis[0].type: expected one of REST, SOAP; was \"GRPC\"",
            "test.yaml:7: apis[0].identifyAndAuthorize.methods[1]: expected one of JWT,"
                + " OAUTH2_TOKEN, API_KEY; was \"SAML\"",
            "test.yaml:7: apis[0].identifyAndAuthorize.applicationLookup: expected one of"
                + " REGISTERED, GLOBAL; was \"some\"");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "localhost:99999|port must be 0 to 65535; was 99999",
        "8080|expected host:port such as 127.0.0.1:8080, :8080 or [::1]:8080; was \"8080\"",
        "::1:8080|write IPv6 addresses in brackets, such as [::1]:8080; was \"::1:8080\"",
        "host:http|expected host:port such as 127.0.0.1:8080, :8080 or [::1]:8080; the port"
            + " \"http\" is not a number 0 to 65535",
        "bad_host!:80|expected host:port such as 127.0.0.1:8080, :8080 or [::1]:8080;"
            + " \"bad_host!\" is not a host name or address",
      })
  void loadWhenListenIsBadThenTheFieldIsNamed(String listen, String message) {
    assertThat(problems("gateway:\n  listen: \"" + listen + "\"\n"))
        .containsExactly("test.yaml:2: gateway.listen: " + message);
  }

  @Test
  void loadWhenTwoListenersShareAPortThenTheSecondIsNamed() {
    assertThat(
            problems(
                """
                gateway: { listen: 0.0.0.0:8080 }
                admin: { listen: 127.0.0.1:8080 }
                demo: { echoUpstream: 127.0.0.1:8080 }
                """))
        .containsExactly(
            "test.yaml:2: admin.listen: the same address as gateway.listen (0.0.0.0:8080); choose"
                + " another port",
            "test.yaml:3: demo.echoUpstream: the same address as gateway.listen (0.0.0.0:8080);"
                + " choose another port",
            "test.yaml:3: demo.echoUpstream: the same address as admin.listen (127.0.0.1:8080);"
                + " choose another port");
  }

  @Test
  void loadWhenServerSectionValuesAreOutOfRangeThenTheRangeIsNamed() {
    assertThat(
            problems(
                """
                gateway:
                  publicUrl: ftp://example.com
                  maxHeaderSize: 10
                  drainTimeout: -1
                store: { url: "postgres://db" }
                demo: {}
                """))
        .containsExactly(
            "test.yaml:2: gateway.publicUrl: expected an absolute http or https URL such as"
                + " https://gateway.example.com, without query, fragment or user info; was"
                + " \"ftp://example.com\"",
            "test.yaml:3: gateway.maxHeaderSize: expected 1024 to 1048576 bytes; was 10",
            "test.yaml:4: gateway.drainTimeout: expected 0 to 3600 seconds; was -1",
            "test.yaml:5: store.url: expected a JDBC URL such as jdbc:h2:file:./data/portcullis or"
                + " jdbc:postgresql://db.example.com/portcullis; was \"postgres://db\"",
            "test.yaml:6: demo.echoUpstream: is required: where the echo upstream listens, such as"
                + " 127.0.0.1:9000");
  }

  @Test
  void loadWhenKeyIsDuplicatedThenBothLinesAreNamed() {
    assertThat(
            problems(
                """
                apis:
                  - name: petstore
                    version: v1
                    name: other
                    basePath: /petstore/v1
                    upstream: http://127.0.0.1:9000
                """))
        .containsExactly(
            "test.yaml:4: apis[0].name: duplicate key; first given at line 2 (YAML would keep"
                + " only one)");
  }

  @Test
  void loadWhenEntityIsDeclaredTwiceThenBothLinesAreNamed() {
    assertThat(
            problems(
                """
                scopes: [read, write, read]
                apis:
                  - { name: petstore, version: v1, basePath: /a, upstream: "http://h" }
                  - { name: petstore, version: v1, basePath: /b, upstream: "http://h" }
                """))
        .containsExactly(
            "test.yaml:1: scopes[2]: scope read is declared twice; first at line 1 (scopes[0])",
            "test.yaml:4: apis[1]: API petstore/v1 is declared twice; first at line 3 (apis[0])");
  }

  @Test
  void loadWhenValidatorRefusesAValueThenItIsLocated() {
    assertThat(
            problems(
                """
                apis:
                  - name: petstore
                    version: v1
                    basePath: petstore/v1
                    upstream: http://127.0.0.1:9000
                """))
        .containsExactly(
            "test.yaml:4: apis[0].basePath: expected a path such as /petstore/v1: starts with /,"
                + " no trailing /, no empty, '.' or '..' segments, no query; was 'petstore/v1'");
  }

  @Test
  void loadWhenReferenceIsNotDeclaredInTheFileThenItIsLocatedByIndex() {
    assertThat(
            problems(
                PETSTORE
                    + """
                    applications:
                      - name: photo-app
                        scopes: [photos]
                        apis: [petstore/v1, petstore/v2]
                    """))
        .containsExactly(
            "test.yaml:8: applications[0].scopes[0]: scope 'photos' is not registered",
            "test.yaml:9: applications[0].apis[1]: API 'petstore/v2' does not exist (expected"
                + " name/version)");
  }

  @Test
  void loadWhenYamlIsMalformedThenTheSyntaxErrorIsLocated() {
    assertThat(problems("apis:\n  - name: [a, b\n  - name: c\n"))
        .singleElement()
        .asString()
        .startsWith("test.yaml:3: YAML syntax: ");
    assertThat(problems("gateway:\n\tlisten: :8080\n"))
        .singleElement()
        .asString()
        .startsWith("test.yaml:2: YAML syntax: ");
  }

  @Test
  void loadWhenAliasOrSecondDocumentThenTheyAreRefused() {
    assertThat(
            problems(
                """
                scopes: [&s read, *s]
                ---
                scopes: []
                """))
        .containsExactly(
            "test.yaml:1: scopes[1]: YAML aliases (*s) are not supported; repeat the value",
            "test.yaml:3: only one YAML document is allowed; found the start of another");
  }

  @Test
  void loadWhenRootIsNotAMappingThenSaysWhatIsExpected() {
    assertThat(problems("- a\n- b\n"))
        .containsExactly(
            "test.yaml:1: expected a mapping of sections (gateway, admin, store, demo, files,"
                + " monitoring, users,"
                + " authorizationServers, scopes, apis, applications); was a list");
  }

  @Test
  void loadWhenManyThingsAreWrongThenEveryOneIsReportedSortedByLine() {
    assertThat(
            problems(
                """
                gateway:
                  listen: nowhere
                users:
                  - username: admin
                    password: short
                    enabled: yes please
                apis:
                  - name: petstore
                    version: v1
                    basePath: /petstore/v1
                    upstream: http://127.0.0.1:9000
                    active: maybe
                    timeouts: { connect: 0 }
                authorizationServers:
                  corp-idp: { type: external, issuer: https://idp.example.com, jwksUri: https://idp/jwks }
                applications:
                  - name: photo-app
                    clientSecret: ${PHOTO_SECRET}
                """))
        .containsExactly(
            "test.yaml:2: gateway.listen: expected host:port such as 127.0.0.1:8080, :8080 or"
                + " [::1]:8080; was \"nowhere\"",
            "test.yaml:5: users[0].password: must be at least 8 characters",
            "test.yaml:6: users[0].enabled: expected true or false; was \"yes please\"",
            "test.yaml:12: apis[0].active: expected true or false; was \"maybe\"",
            "test.yaml:13: apis[0].timeouts.connect: expected a positive whole number of"
                + " milliseconds; was 0",
            "test.yaml:15: authorizationServers.corp-idp.algorithms: list the allowed algorithms,"
                + " e.g. [RS256]",
            "test.yaml:18: applications[0].clientSecret: environment variable PHOTO_SECRET is not"
                + " set (write ${PHOTO_SECRET:-default} to give a default)");
  }

  @Test
  void loadWhenSecretHasWrongTypeThenItsValueIsNotShown() {
    assertThat(problems("users:\n  - username: bob\n    password: [hunter2hunter2]\n"))
        .containsExactly("test.yaml:3: users[0].password: expected a string; was a list");
  }

  // ---------------------------------------------------------------- describe

  @Test
  void describeWhenViolationUsesKeyPathsThenItIsLocatedByIndex() {
    LoadedConfig loaded = loader.load(PRODUCT_EXAMPLE, PRODUCT_ENV);
    ConfigException e =
        loaded.describe(
            new ValidationException(
                List.of(
                    new Violation(
                        "applications[photo-app].apis[0]", "API 'petstore/v1' does not exist"),
                    new Violation("apis[petstore/v1].basePath", "base path already used"),
                    new Violation("apis[0].upstream", "bad upstream"),
                    new Violation("authorizationServers.corp-idp.issuer", "issuer already used"))));
    String file = PRODUCT_EXAMPLE.toString();
    assertThat(e.getMessage())
        .isEqualTo(
            String.join(
                "\n",
                file + ":29: authorizationServers.corp-idp.issuer: issuer already used",
                file + ":39: apis[0].basePath: base path already used",
                file + ":40: apis[0].upstream: bad upstream",
                file + ":57: applications[0].apis[0]: API 'petstore/v1' does not exist"));
    assertThat(e.problems().get(0))
        .isEqualTo(
            new ConfigProblem(
                file, 29, "authorizationServers.corp-idp.issuer", "issuer already used"));
  }

  @Test
  void describeWhenControlPlaneRefusesAgainstTheStoreThenTheFileLineIsNamed() {
    InMemoryRegistryStore store = new InMemoryRegistryStore();
    ControlPlane plane =
        new ControlPlane(
            store,
            new SnapshotHolder(),
            new PasswordHasher(1_000, new SecureRandom()),
            new ObjectMapper());
    plane.saveApi(
        Api.builder()
            .name("legacy")
            .version("v1")
            .basePath("/petstore/v1")
            .upstreams(List.of(URI.create("http://127.0.0.1:9001")))
            .build());
    LoadedConfig loaded =
        load(
            """
            users:
              - username: carol
            """
                + PETSTORE,
            Map.of());
    ValidationException refused =
        catchThrowableOfType(
            ValidationException.class, () -> plane.apply(loaded.config().content()));
    assertThat(loaded.describe(refused).getMessage())
        .isEqualTo("test.yaml:2: users[0].password: is required for a new user");

    LoadedConfig second = load(PETSTORE, Map.of());
    refused =
        catchThrowableOfType(
            ValidationException.class, () -> plane.apply(second.config().content()));
    assertThat(second.describe(refused).getMessage())
        .isEqualTo(
            "test.yaml:4: apis[0].basePath: base path /petstore/v1 is already used by API"
                + " legacy/v1");
  }

  @Test
  void loadWhenTextHasReservedCharacterThenItIsRefused() {
    assertThat(problems("scopes: [a\uE000b]\n"))
        .containsExactly(
            "test.yaml:1: the character U+E000 is reserved for variable references; remove it");
  }

  @Test
  void loadWhenFileIsReadFromDiskThenItIsTheSameAsText(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, PETSTORE, StandardCharsets.UTF_8);
    assertThat(loader.load(file, Map.of()).config()).isEqualTo(load(PETSTORE, Map.of()).config());
  }
}
