package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.portcullis.http.TestCertificates;
import io.portcullis.http.TestCertificates.Issued;
import io.portcullis.http.TlsListener;
import io.portcullis.registry.ServerTls;
import io.portcullis.registry.ServerTls.ClientAuth;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS on the gateway port with real TLS on port 0 and certificates made by the test: HTTP/1.1 and
 * HTTP/2 chosen by ALPN, TLS 1.2 and 1.3 only, a replaced certificate served without a restart
 * while open connections go on, and client certificates required or optional.
 */
class GatewayTlsTest {
  @TempDir static Path dir;
  static Issued server;
  static Issued renewed;
  static Issued client;
  static Issued stranger;

  private RunningGateway gateway;
  private TlsListener watch;

  @BeforeAll
  static void certificates() throws Exception {
    server = TestCertificates.selfSigned(dir, "server");
    renewed = TestCertificates.selfSigned(dir, "renewed");
    client = TestCertificates.selfSigned(dir, "client");
    stranger = TestCertificates.selfSigned(dir, "stranger");
  }

  @AfterEach
  void stop() throws Exception {
    if (watch != null) watch.close();
    if (gateway != null) gateway.close();
  }

  private RunningGateway start(ServerTls tls) throws Exception {
    gateway = new RunningGateway(RunningGateway.settings().withTls(tls), List.of());
    return gateway;
  }

  /** The TLS engine under test; {@link GatewayOpenSslTlsTest} runs every test with BoringSSL. */
  ServerTls.Engine engine() {
    return ServerTls.Engine.JDK;
  }

  private ServerTls pem(Issued issued) {
    return ServerTls.builder()
        .certificate(issued.certificatePem().toString())
        .key(issued.keyPem().toString())
        .engine(engine())
        .build();
  }

  private HttpResponse<String> get(SSLContext context, HttpClient.Version version)
      throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(context)
            .version(version)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    return http.send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + gateway.server.port() + "/x"))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A TLS connection with only these protocols offered; its handshake done. */
  private SSLSocket connect(SSLContext context, String... protocols) throws IOException {
    SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", gateway.server.port());
    socket.setSoTimeout(30_000);
    if (protocols.length > 0) socket.setEnabledProtocols(protocols);
    socket.startHandshake();
    return socket;
  }

  /** The status line of a GET sent on this open connection. */
  private static String statusLine(SSLSocket socket) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write("GET /x HTTP/1.1\r\nHost: gateway\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return new BufferedReader(
            new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
        .readLine();
  }

  @Test
  void httpsWhenPemCertificateThenHttp2AndHttp11ChosenByAlpn() throws Exception {
    start(pem(server));

    HttpResponse<String> h2 = get(server.trustingThis(), HttpClient.Version.HTTP_2);
    HttpResponse<String> h1 = get(server.trustingThis(), HttpClient.Version.HTTP_1_1);

    assertThat(h2.statusCode()).as(h2.body()).isEqualTo(404);
    assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(h1.statusCode()).isEqualTo(404);
    assertThat(h1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
  }

  @Test
  void httpsWhenPkcs12CertificateThenServed() throws Exception {
    start(
        ServerTls.builder()
            .certificate(server.pkcs12().toString())
            .password(TestCertificates.PASSWORD)
            .engine(engine())
            .build());

    assertThat(get(server.trustingThis(), HttpClient.Version.HTTP_2).statusCode()).isEqualTo(404);
  }

  @Test
  void tlsWhenClientOffersTls12Or13ThenThatProtocolNegotiated() throws Exception {
    start(pem(server));

    try (SSLSocket tls12 = connect(server.trustingThis(), "TLSv1.2");
        SSLSocket tls13 = connect(server.trustingThis(), "TLSv1.3")) {
      assertThat(tls12.getSession().getProtocol()).isEqualTo("TLSv1.2");
      assertThat(tls13.getSession().getProtocol()).isEqualTo("TLSv1.3");
      assertThat(statusLine(tls12)).isEqualTo("HTTP/1.1 404 Not Found");
    }
  }

  @Test
  void tlsWhenClientOffersOnlyTls11ThenHandshakeRefusedWithProtocolVersionAlert() throws Exception {
    start(pem(server));

    // OpenSSL as the independent client: the JDK's own client refuses to offer TLS 1.1 at all.
    Process probe =
        new ProcessBuilder(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + gateway.server.port(),
                "-tls1_1",
                "-cipher",
                "DEFAULT:@SECLEVEL=0")
            .redirectErrorStream(true)
            .start();
    probe.getOutputStream().close();
    String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(probe.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(probe.exitValue()).as(output).isNotZero();
    assertThat(output).contains("alert protocol version");
  }

  @Test
  void tlsWhenClientOffersOnlyCbcOrStaticRsaSuitesThenHandshakeRefused() throws Exception {
    start(pem(server));

    for (String suites :
        List.of("ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA", "AES128-GCM-SHA256")) {
      Process probe =
          new ProcessBuilder(
                  "openssl",
                  "s_client",
                  "-connect",
                  "127.0.0.1:" + gateway.server.port(),
                  "-tls1_2",
                  "-cipher",
                  suites)
              .redirectErrorStream(true)
              .start();
      probe.getOutputStream().close();
      String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(probe.waitFor(30, TimeUnit.SECONDS)).isTrue();

      assertThat(probe.exitValue()).as(suites + ": " + output).isNotZero();
      assertThat(output).as(suites).contains("alert handshake failure");
    }
  }

  @Test
  void certificateWhenFilesReplacedThenNewOneServedWithoutRestartAndOpenConnectionsKept()
      throws Exception {
    Issued live = TestCertificates.selfSigned(dir, "live");
    ServerTls tls = pem(live);
    start(tls);
    watch =
        TlsListener.watch(
            gateway.vertx, "gateway", tls, gateway.server::updateTls, Duration.ofMillis(100));
    SSLSocket open = connect(live.trustingThis());
    assertThat(statusLine(open)).isEqualTo("HTTP/1.1 404 Not Found");

    TestCertificates.replace(live, renewed);

    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> get(renewed.trustingThis(), HttpClient.Version.HTTP_2).statusCode() == 404);
    assertThatThrownBy(() -> get(live.trustingThis(), HttpClient.Version.HTTP_1_1))
        .as("the old certificate is no longer served")
        .isInstanceOf(IOException.class);
    assertThat(statusLine(open))
        .as("a connection opened before goes on")
        .startsWith("HTTP/1.1 404");
    open.close();
  }

  @Test
  void certificateWhenReplacedByFilesThatCannotBeLoadedThenPreviousOneKeptUntilGoodFiles()
      throws Exception {
    Issued live = TestCertificates.selfSigned(dir, "half-written");
    ServerTls tls = pem(live);
    start(tls);
    watch =
        TlsListener.watch(
            gateway.vertx, "gateway", tls, gateway.server::updateTls, Duration.ofMillis(50));

    java.nio.file.Files.writeString(live.keyPem(), "-----BEGIN PRIVATE KEY-----\nnot a key\n");

    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(20))
        .until(() -> get(live.trustingThis(), HttpClient.Version.HTTP_2).statusCode() == 404);
    TestCertificates.replace(live, renewed);
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> get(renewed.trustingThis(), HttpClient.Version.HTTP_2).statusCode() == 404);
  }

  @Test
  void clientCertificateWhenRequiredThenOnlyTrustedCertificateServed() throws Exception {
    start(
        ServerTls.builder()
            .certificate(server.certificatePem().toString())
            .key(server.keyPem().toString())
            .clientAuth(ClientAuth.REQUIRED)
            .clientCa(client.certificatePem().toString())
            .engine(engine())
            .build());

    HttpResponse<String> trusted =
        get(server.trustingThisPresenting(client), HttpClient.Version.HTTP_2);

    assertThat(trusted.statusCode()).isEqualTo(404);
    assertThatThrownBy(() -> get(server.trustingThis(), HttpClient.Version.HTTP_2))
        .as("no client certificate")
        .isInstanceOf(IOException.class);
    assertThatThrownBy(
            () -> get(server.trustingThisPresenting(stranger), HttpClient.Version.HTTP_2))
        .as("a certificate the clientCa does not trust")
        .isInstanceOf(IOException.class);
  }

  @Test
  void clientCertificateWhenOptionalThenServedWithAndWithout() throws Exception {
    start(
        ServerTls.builder()
            .certificate(server.certificatePem().toString())
            .key(server.keyPem().toString())
            .clientAuth(ClientAuth.OPTIONAL)
            .clientCa(client.certificatePem().toString())
            .engine(engine())
            .build());

    try (SSLSocket with = connect(server.trustingThisPresenting(client));
        SSLSocket without = connect(server.trustingThis())) {
      assertThat(statusLine(with)).isEqualTo("HTTP/1.1 404 Not Found");
      assertThat(statusLine(without)).isEqualTo("HTTP/1.1 404 Not Found");
    }
  }

  @Test
  void plainHttpWhenGatewayServesTlsThenNoHttpAnswer() throws Exception {
    start(pem(server));

    assertThatThrownBy(() -> gateway.get("/x")).isInstanceOf(IOException.class);
  }
}
