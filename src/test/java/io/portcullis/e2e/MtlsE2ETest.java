package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.EchoUpstream;
import io.portcullis.http.TestCertificates;
import io.portcullis.http.TestCertificates.Issued;
import io.portcullis.token.store.TokenHasher;
import io.portcullis.token.store.TokenRecord;
import io.portcullis.token.store.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual-TLS client authentication and certificate-bound tokens (RFC 8705) through a whole node
 * with real TLS on port 0, with the JDK's HTTP client presenting certificates the test made (a
 * small PKI whose CA is {@code gateway.tls.clientCa}, and self-signed ones) and computing
 * thumbprints itself: {@code tls_client_auth} and {@code self_signed_tls_client_auth} at the token
 * endpoint, {@code cnf.x5t#S256} in opaque tokens (introspection) and in JWTs, a bound token
 * accepted only with its certificate, and {@code senderConstraint: required}.
 */
class MtlsE2ETest {
  static final String SECRET = "secret-app-secret-0123456789";

  @TempDir static Path dir;
  static Vertx vertx;
  static EchoUpstream upstream;
  static Issued server;
  static Issued ca;
  static Issued pki;
  static Issued pkiOther;
  static Issued self;
  static Issued stranger;
  static RunningNode node;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = new EchoUpstream(vertx);
    server = TestCertificates.selfSigned(dir, "server");
    ca = TestCertificates.authority(dir, "clients-ca");
    pki = TestCertificates.issuedBy(dir, "pki-app", "dns:pki-app.example", ca);
    pkiOther = TestCertificates.issuedBy(dir, "pki-other", "dns:pki-other.example", ca);
    self = TestCertificates.selfSigned(dir, "self-app");
    stranger = TestCertificates.selfSigned(dir, "stranger");
    Path config =
        Files.writeString(
            dir.resolve("mtls.yaml"),
            """
            gateway:
              listen: 127.0.0.1:0
              publicUrl: https://gateway.e2e.example
              tls:
                certificate: %s
                key: %s
                clientAuth: optional
                clientCa: %s
                selfSignedClients: true
            admin:
              listen: 127.0.0.1:0
            authorizationServers:
              local:
                type: internal
            apis:
              - name: photos
                version: v1
                basePath: /photos/v1
                upstream: ${UPSTREAM}
                identifyAndAuthorize:
                  methods: [JWT, OAUTH2_TOKEN]
                  applicationLookup: GLOBAL
              - name: strict
                version: v1
                basePath: /strict/v1
                upstream: ${UPSTREAM}
                identifyAndAuthorize:
                  methods: [JWT, OAUTH2_TOKEN]
                  applicationLookup: GLOBAL
                  senderConstraint: required
            applications:
              - name: pki-app
                tlsClientAuth: { subjectDn: "CN=pki-app" }
              - name: san-app
                tlsClientAuth: { sanDns: pki-app.example }
              - name: self-app
                certificates: [ "%s" ]
                tlsClientAuth: { selfSigned: true }
              - name: secret-app
                clientSecret: ${SECRET}
                identifiers:
                  - claims: { sub: secret-app }
            """
                .formatted(
                    server.certificatePem(),
                    server.keyPem(),
                    ca.certificatePem(),
                    self.certificatePem()));
    node =
        RunningNode.start(
            config,
            dir.resolve("data"),
            null,
            Map.of("UPSTREAM", "http://127.0.0.1:" + upstream.port(), "SECRET", SECRET));
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
    if (upstream != null) upstream.close();
    if (vertx != null) vertx.close().await();
  }

  /** base64url(SHA-256(DER)), computed here rather than by the gateway's code. */
  static String thumbprint(X509Certificate certificate) throws Exception {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
  }

  /** A TLS context that trusts the gateway and presents {@code client} (none when null). */
  static SSLContext presenting(Issued client) throws Exception {
    return client == null ? server.trustingThis() : server.trustingThisPresenting(client);
  }

  static HttpResponse<String> send(SSLContext tls, HttpRequest.Builder request) throws Exception {
    return HttpClient.newBuilder()
        .sslContext(tls)
        .connectTimeout(Duration.ofSeconds(10))
        .build()
        .send(
            request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpRequest.Builder at(String path) {
    return HttpRequest.newBuilder(
        URI.create("https://127.0.0.1:" + node.node().gatewayPort() + path));
  }

  static HttpResponse<String> token(Issued client, String form, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        at("/oauth2/token")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    for (int i = 0; i < headers.length; i += 2) request.header(headers[i], headers[i + 1]);
    return send(presenting(client), request);
  }

  static String accessToken(Issued client, String clientId) throws Exception {
    HttpResponse<String> issued =
        token(client, "grant_type=client_credentials&client_id=" + clientId);
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
    JsonObject body = new JsonObject(issued.body());
    assertThat(body.getString("token_type")).isEqualTo("Bearer");
    return body.getString("access_token");
  }

  static HttpResponse<String> call(Issued client, String path, String token) throws Exception {
    return send(presenting(client), at(path).header("Authorization", "Bearer " + token).GET());
  }

  static JsonObject introspect(String token) throws Exception {
    HttpResponse<String> answer =
        send(
            presenting(null),
            at("/oauth2/introspect")
                .header("Authorization", RunningNode.basic("secret-app", SECRET))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + token)));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return new JsonObject(answer.body());
  }

  /** 401 invalid_token with an RFC 6750 challenge, as {@link OpaqueTokenE2ETest} expects it. */
  static void assertInvalidToken(HttpResponse<String> call, String description) {
    OpaqueTokenE2ETest.assertInvalidToken(call, description);
  }

  static void assertInvalidClient(HttpResponse<String> refused, String description) {
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
    JsonObject error = new JsonObject(refused.body());
    assertThat(error.getString("error")).isEqualTo("invalid_client");
    assertThat(error.getString("error_description")).contains(description);
  }

  @Test
  void tokenWhenTlsClientAuthWithRegisteredSubjectThenBoundTokenAcceptedOnlyWithItsCertificate()
      throws Exception {
    String token = accessToken(pki, "pki-app");

    assertThat(introspect(token).getJsonObject("cnf"))
        .isEqualTo(new JsonObject().put("x5t#S256", thumbprint(pki.certificate())));
    assertThat(call(pki, "/photos/v1/x", token).statusCode()).isEqualTo(200);
    assertThat(call(pki, "/strict/v1/x", token).statusCode()).isEqualTo(200);
    assertInvalidToken(
        call(stranger, "/photos/v1/x", token), "bound to another client certificate");
    assertInvalidToken(call(pkiOther, "/photos/v1/x", token), "bound to another client");
    assertInvalidToken(call(null, "/photos/v1/x", token), "this connection presented none");
  }

  @Test
  void tokenWhenTlsClientAuthBySubjectAlternativeNameThenBoundToken() throws Exception {
    String token = accessToken(pki, "san-app");

    assertThat(call(pki, "/strict/v1/x", token).statusCode()).isEqualTo(200);
  }

  @Test
  void tokenWhenTlsClientAuthWithAnotherSubjectThenInvalidClient() throws Exception {
    assertInvalidClient(
        token(pkiOther, "grant_type=client_credentials&client_id=pki-app"),
        "does not match tlsClientAuth.subjectDn of client pki-app");
    assertInvalidClient(
        token(pkiOther, "grant_type=client_credentials&client_id=san-app"),
        "does not match tlsClientAuth.sanDns of client san-app");
  }

  @Test
  void tokenWhenTlsClientAuthWithCertificateOutsideClientCaThenInvalidClient() throws Exception {
    // Accepted by the listener as self-signed, but tls_client_auth needs the CA's chain.
    Issued selfSignedPki = TestCertificates.selfSigned(dir, "pki-app-self", "dns:pki-app.example");

    assertInvalidClient(
        token(selfSignedPki, "grant_type=client_credentials&client_id=pki-app"),
        "does not chain to a CA of gateway.tls.clientCa");
  }

  @Test
  void tokenWhenTlsClientAuthWithoutCertificateThenInvalidClient() throws Exception {
    assertInvalidClient(
        token(null, "grant_type=client_credentials&client_id=pki-app"),
        "authenticates with tls_client_auth: present its client certificate over TLS");
  }

  @Test
  void tokenWhenSelfSignedCertificateRegisteredThenBoundToken() throws Exception {
    String token = accessToken(self, "self-app");

    assertThat(introspect(token).getJsonObject("cnf").getString("x5t#S256"))
        .isEqualTo(thumbprint(self.certificate()));
    assertThat(call(self, "/strict/v1/x", token).statusCode()).isEqualTo(200);
    assertInvalidToken(call(pki, "/strict/v1/x", token), "bound to another client certificate");
  }

  @Test
  void tokenWhenSelfSignedCertificateNotRegisteredThenInvalidClient() throws Exception {
    assertInvalidClient(
        token(stranger, "grant_type=client_credentials&client_id=self-app"),
        "public key is not one of the keys registered for client self-app");
    assertInvalidClient(
        token(pki, "grant_type=client_credentials&client_id=self-app"),
        "self_signed_tls_client_auth needs a self-signed client certificate");
  }

  @Test
  void callWhenUnboundTokenAndSenderConstraintRequiredThenInvalidToken() throws Exception {
    HttpResponse<String> issued =
        token(
            null,
            "grant_type=client_credentials",
            "Authorization",
            RunningNode.basic("secret-app", SECRET));
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
    String token = new JsonObject(issued.body()).getString("access_token");

    assertThat(introspect(token).containsKey("cnf")).isFalse();
    assertThat(call(null, "/photos/v1/x", token).statusCode()).isEqualTo(200);
    DpopE2ETest.assertDpopRefused(
        call(pki, "/strict/v1/x", token),
        "invalid_token",
        "API strict/v1 requires a sender-constrained token (identifyAndAuthorize.senderConstraint:"
            + " required)");
  }

  @Test
  void tokenWhenSecretClientPresentsCertificateThenTokenBoundToIt() throws Exception {
    HttpResponse<String> issued =
        token(
            stranger,
            "grant_type=client_credentials",
            "Authorization",
            RunningNode.basic("secret-app", SECRET));
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
    String token = new JsonObject(issued.body()).getString("access_token");

    assertThat(call(stranger, "/strict/v1/x", token).statusCode()).isEqualTo(200);
    assertInvalidToken(call(null, "/strict/v1/x", token), "this connection presented none");
  }

  @Test
  void jwtWhenRetrievedWithCertificateThenCnfClaimAndAcceptedOnlyWithIt() throws Exception {
    HttpResponse<String> issued =
        send(
            presenting(self),
            at("/oauth2/jwt").header("Authorization", RunningNode.basic("secret-app", SECRET)));
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
    String jwt = new JsonObject(issued.body()).getString("jwt");
    JsonObject claims =
        new JsonObject(
            new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));

    assertThat(claims.getJsonObject("cnf"))
        .isEqualTo(new JsonObject().put("x5t#S256", thumbprint(self.certificate())));
    assertThat(introspect(jwt).getJsonObject("cnf")).isEqualTo(claims.getJsonObject("cnf"));
    assertThat(call(self, "/strict/v1/x", jwt).statusCode()).isEqualTo(200);
    assertInvalidToken(call(stranger, "/strict/v1/x", jwt), "bound to another client");
    assertInvalidToken(call(null, "/photos/v1/x", jwt), "this connection presented none");
  }

  @Test
  void metadataWhenClientCertificatesAskedThenListsMtlsMethodsAndBoundTokens() throws Exception {
    HttpResponse<String> answer =
        send(presenting(null), at("/.well-known/oauth-authorization-server").GET());
    JsonObject metadata = new JsonObject(answer.body());

    assertThat(metadata.getBoolean("tls_client_certificate_bound_access_tokens")).isTrue();
    assertThat(metadata.getJsonArray("token_endpoint_auth_methods_supported").getList())
        .contains("tls_client_auth", "self_signed_tls_client_auth", "client_secret_basic");
    assertThat(metadata.containsKey("mtls_endpoint_aliases")).isFalse();
  }

  @Test
  void callWhenBoundTokenOverPlainHttpThenInvalidToken(@TempDir Path plainDir) throws Exception {
    try (RunningNode plain =
        RunningNode.startWithYaml(
            plainDir,
            """
            gateway:
              listen: 127.0.0.1:0
            admin:
              listen: 127.0.0.1:0
            authorizationServers:
              local:
                type: internal
            apis:
              - name: photos
                version: v1
                basePath: /photos/v1
                upstream: http://127.0.0.1:%d
                identifyAndAuthorize:
                  methods: [OAUTH2_TOKEN]
                  applicationLookup: GLOBAL
            applications:
              - name: photo-app
            """
                .formatted(upstream.port()))) {
      String bound = Tokens.newToken();
      String unbound = Tokens.newToken();
      Instant now = Instant.now();
      for (String token : List.of(bound, unbound)) {
        TokenRecord record =
            TokenRecord.builder()
                .tokenHash(TokenHasher.hash(token))
                .kind(TokenRecord.Kind.ACCESS)
                .authorizationServer("local")
                .clientId("photo-app")
                .applicationName("photo-app")
                .issuedAt(now)
                .expiresAt(now.plus(Duration.ofHours(1)))
                .familyId(UUID.randomUUID().toString())
                .build();
        if (token.equals(bound)) {
          record = record.confirmed(Map.of("x5t#S256", thumbprint(pki.certificate())));
        }
        plain.node().tokenStores().current().save(record);
      }

      assertThat(plain.getWithBearer("/photos/v1/x", unbound).statusCode()).isEqualTo(200);
      assertInvalidToken(
          plain.getWithBearer("/photos/v1/x", bound), "this connection presented none");
    }
  }
}
