package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.gateway.EchoUpstream;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An external issuer that signs its JWTs with a shared secret (HMAC, webMethods' JWT_HSA), through
 * a whole node: the secret comes from the environment, tokens signed with it pass, and every other
 * key, algorithm or key kind is refused with the RFC 6750 challenge naming why. The secrets are
 * made here, as a client would sign: with nimbus's {@link MACSigner} over the secret's bytes.
 */
class HmacIssuerE2ETest {
  static final String ISSUER = "https://partner.e2e.example";
  static final String SECRET = "a-shared-secret-of-more-than-32-bytes-0123456789";
  static final String NEXT_SECRET = "the-next-secret-during-a-rotation-0123456789abcdef";

  @TempDir static Path dir;
  static Vertx vertx;
  static EchoUpstream upstream;
  static RunningNode node;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = new EchoUpstream(vertx);
    Path config =
        Files.writeString(
            dir.resolve("hmac.yaml"),
            """
            gateway:
              listen: 127.0.0.1:0
              publicUrl: https://gateway.e2e.example
            admin:
              listen: 127.0.0.1:0
            authorizationServers:
              partner-idp:
                type: external
                issuer: %s
                secrets: [ "${PARTNER_SECRET}", "${PARTNER_NEXT_SECRET}" ]
                audience: [api://gateway]
                algorithms: [HS256]
            apis:
              - name: partner
                version: v1
                basePath: /partner/v1
                upstream: ${UPSTREAM}
                identifyAndAuthorize: { methods: [JWT], applicationLookup: REGISTERED }
            applications:
              - name: partner-app
                authorizationServer: partner-idp
                identifiers:
                  - claims: { sub: partner-x }
                apis: [partner/v1]
            """
                .formatted(ISSUER));
    node =
        RunningNode.start(
            config,
            dir.resolve("data"),
            null,
            Map.of(
                "UPSTREAM", "http://127.0.0.1:" + upstream.port(),
                "PARTNER_SECRET", SECRET,
                "PARTNER_NEXT_SECRET", NEXT_SECRET));
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
    if (upstream != null) upstream.close();
    if (vertx != null) vertx.close().await();
  }

  @Test
  void tokenWhenSignedWithEitherSecretThenAccepted() throws Exception {
    for (String secret : new String[] {SECRET, NEXT_SECRET}) {
      HttpResponse<String> call =
          node.getWithBearer("/partner/v1/orders", sign(JWSAlgorithm.HS256, mac(secret)));

      assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
    }
  }

  @Test
  void tokenWhenSignedWithAnotherSecretThenSignatureInvalid() throws Exception {
    String token = sign(JWSAlgorithm.HS256, mac("an-attacker-secret-also-long-enough-0123456789"));

    assertRefused(token, "signature invalid");
  }

  @Test
  void tokenWhenHs512WhereOnlyHs256AllowedThenAlgorithmRejected() throws Exception {
    String token = sign(JWSAlgorithm.HS512, mac(SECRET + SECRET));

    assertRefused(token, "algorithm HS512 is not allowed for issuer partner-idp");
  }

  @Test
  void tokenWhenRs256NamingTheHmacIssuerThenAlgorithmRejected() throws Exception {
    JWSSigner rsa = new RSASSASigner(new RSAKeyGenerator(2048).generate());

    assertRefused(
        sign(JWSAlgorithm.RS256, rsa), "algorithm RS256 is not allowed for issuer partner-idp");
  }

  @Test
  void exportWhenIssuerHasSecretsThenSecretsNeverWritten() {
    HttpResponse<String> export = node.admin("GET", "/export", null);
    HttpResponse<String> server = node.admin("GET", "/authorization-servers/partner-idp", null);

    assertThat(export.statusCode()).as(export.body()).isEqualTo(200);
    assertThat(server.statusCode()).as(server.body()).isEqualTo(200);
    for (HttpResponse<String> answer : java.util.List.of(export, server)) {
      assertThat(answer.body()).contains(ISSUER).doesNotContain(SECRET).doesNotContain(NEXT_SECRET);
    }
  }

  private static void assertRefused(String token, String description) {
    HttpResponse<String> call = node.getWithBearer("/partner/v1/orders", token);

    assertThat(call.statusCode()).as(call.body()).isEqualTo(401);
    Challenge challenge =
        Challenge.parse(call.headers().firstValue("WWW-Authenticate").orElse(null));
    assertThat(challenge.param("error")).isEqualTo("invalid_token");
    assertThat(challenge.param("error_description")).contains(description);
  }

  private static JWSSigner mac(String secret) throws JOSEException {
    return new MACSigner(secret.getBytes(StandardCharsets.UTF_8));
  }

  private static String sign(JWSAlgorithm algorithm, JWSSigner signer) throws JOSEException {
    Instant now = Instant.now();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader(algorithm),
            new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject("partner-x")
                .audience("api://gateway")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .build());
    jwt.sign(signer);
    return jwt.serialize();
  }
}
