package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.http.TestCertificates;
import io.portcullis.http.TestCertificates.Issued;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS on both listeners of a whole node, from the configuration file ({@code gateway.tls} with
 * PEM files, {@code admin.tls} with a PKCS#12 file), and {@code
 * authorizationServers.local.httpsOnly}: tokens are issued over HTTPS and refused over plain HTTP
 * with an OAuth error that says why.
 */
class TlsNodeE2ETest {
  static final String SECRET = "photo-secret-0123456789abcdef";

  @TempDir static Path dir;
  static Issued gatewayCertificate;
  static Issued adminCertificate;

  @BeforeAll
  static void certificates() throws Exception {
    gatewayCertificate = TestCertificates.selfSigned(dir, "gateway");
    adminCertificate = TestCertificates.selfSigned(dir, "admin");
  }

  private static RunningNode start(String name, String gatewayTls, String adminTls)
      throws Exception {
    Path config =
        Files.writeString(
            dir.resolve(name + ".yaml"),
            """
            gateway:
              listen: 127.0.0.1:0
              publicUrl: https://gateway.e2e.example
            %s
            admin:
              listen: 127.0.0.1:0
            %s
            authorizationServers:
              local:
                type: internal
                httpsOnly: true
            applications:
              - name: photo-app
                clientSecret: ${SECRET}
                identifiers:
                  - claims: { sub: photo-app }
            """
                .formatted(gatewayTls, adminTls));
    return RunningNode.start(config, dir.resolve(name + "-data"), null, Map.of("SECRET", SECRET));
  }

  private static HttpResponse<String> token(SSLContext tls, String scheme, int port, String path)
      throws Exception {
    HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    if (tls != null) client.sslContext(tls);
    return client
        .build()
        .send(
            HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", RunningNode.basic("photo-app", SECRET))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void nodeWhenBothListenersServeTlsThenTokenIssuedOverHttp2AndAdminAnswersOverHttps()
      throws Exception {
    try (RunningNode node =
        start(
            "tls",
            """
              tls:
                certificate: %s
                key: %s
            """
                .formatted(gatewayCertificate.certificatePem(), gatewayCertificate.keyPem()),
            """
              tls:
                certificate: %s
                password: %s
            """
                .formatted(adminCertificate.pkcs12(), TestCertificates.PASSWORD))) {
      HttpResponse<String> token =
          token(
              gatewayCertificate.trustingThis(),
              "https",
              node.node().gatewayPort(),
              "/oauth2/token");

      assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
      assertThat(token.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(new JsonObject(token.body()).getString("access_token")).isNotBlank();

      HttpResponse<String> health =
          HttpClient.newBuilder()
              .sslContext(adminCertificate.trustingThis())
              .build()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("https://127.0.0.1:" + node.node().adminPort() + "/health"))
                      .timeout(Duration.ofSeconds(30))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    }
  }

  @Test
  void tokenWhenHttpsOnlyAndPlainHttpThenInvalidRequestSayingHttpsIsRequired() throws Exception {
    try (RunningNode node = start("plain", "", "")) {
      for (String path : new String[] {"/oauth2/token", "/api/oauth/token", "/oauth2/jwt"}) {
        HttpResponse<String> refused = token(null, "http", node.node().gatewayPort(), path);

        assertThat(refused.statusCode()).as(path + " " + refused.body()).isEqualTo(400);
        JsonObject error = new JsonObject(refused.body());
        assertThat(error.getString("error")).isEqualTo("invalid_request");
        assertThat(error.getString("error_description"))
            .isEqualTo(
                "HTTPS is required for "
                    + path
                    + " (authorizationServers.local.httpsOnly); send the request to the"
                    + " gateway's https URL");
      }
    }
  }
}
