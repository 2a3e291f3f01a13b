package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.http.TestCertificates;
import io.portcullis.http.TestCertificates.Issued;
import io.portcullis.registry.Api;
import io.portcullis.registry.UpstreamTls;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An API's {@code upstreamTls} against a real HTTPS upstream whose certificate is issued by a
 * private CA (a self-signed certificate the JDK's trust store does not know), and that asks for a
 * client certificate: trusted with {@code ca}, refused without it, refused when the certificate
 * does not name the upstream host unless {@code verifyHostname} is false.
 */
class UpstreamTlsTest {
  @TempDir static Path dir;
  static Issued upstreamCertificate;
  static Issued otherName;
  static Issued gatewayClient;
  static RunningGateway gateway;
  static HttpServer upstream;
  static HttpServer misnamed;

  @BeforeAll
  static void start() throws Exception {
    upstreamCertificate = TestCertificates.selfSigned(dir, "upstream");
    otherName = TestCertificates.selfSigned(dir, "other", "dns:other.example");
    gatewayClient = TestCertificates.selfSigned(dir, "gateway-client");
    gateway = new RunningGateway(RunningGateway.settings(), List.of());
    upstream = https(upstreamCertificate, true);
    misnamed = https(otherName, false);
  }

  /** An HTTPS upstream that answers who called: whether a client certificate was presented. */
  private static HttpServer https(Issued certificate, boolean requireClient) throws Exception {
    HttpServerOptions options =
        new HttpServerOptions()
            .setSsl(true)
            .setKeyCertOptions(
                new PemKeyCertOptions()
                    .setCertPath(certificate.certificatePem().toString())
                    .setKeyPath(certificate.keyPem().toString()));
    if (requireClient) {
      options
          .setClientAuth(ClientAuth.REQUIRED)
          .setTrustOptions(
              new PemTrustOptions().addCertPath(gatewayClient.certificatePem().toString()));
    }
    return RunningGateway.await(
        gateway
            .vertx
            .createHttpServer(options)
            .requestHandler(
                request -> {
                  String client;
                  try {
                    client = request.connection().peerCertificates().isEmpty() ? "none" : "cert";
                  } catch (SSLPeerUnverifiedException e) {
                    client = "none";
                  }
                  request.response().end("upstream saw client certificate: " + client);
                })
            .listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) gateway.close();
  }

  private static Api api(String name, HttpServer server, UpstreamTls tls) {
    Api open =
        ApiFixtures.open(name, "/" + name, URI.create("https://127.0.0.1:" + server.actualPort()));
    return Api.builder()
        .name(open.name())
        .version(open.version())
        .type(open.type())
        .basePath(open.basePath())
        .upstreams(open.upstreams())
        .timeouts(open.timeouts())
        .identifyAndAuthorize(open.identifyAndAuthorize())
        .monitoring(open.monitoring())
        .upstreamTls(tls)
        .build();
  }

  @Test
  void upstreamWhenPrivateCaAndClientCertificateConfiguredThenCalledOverMutualTls()
      throws Exception {
    String ca = upstreamCertificate.certificatePem().toString();
    gateway.publish(
        List.of(
            api(
                "trusted",
                upstream,
                new UpstreamTls(
                    ca,
                    gatewayClient.certificatePem().toString(),
                    gatewayClient.keyPem().toString(),
                    true)),
            api("no-client-cert", upstream, new UpstreamTls(ca, null, null, true)),
            api("default-trust", upstream, null)),
        List.of());

    HttpResponse<String> trusted = gateway.get("/trusted/x");
    HttpResponse<String> withoutClientCertificate = gateway.get("/no-client-cert/x");
    HttpResponse<String> defaultTrust = gateway.get("/default-trust/x");

    assertThat(trusted.statusCode()).as(trusted.body()).isEqualTo(200);
    assertThat(trusted.body()).isEqualTo("upstream saw client certificate: cert");
    assertThat(withoutClientCertificate.statusCode()).isEqualTo(502);
    assertThat(defaultTrust.statusCode())
        .as("the JDK's trust store does not know the private CA")
        .isEqualTo(502);
  }

  @Test
  void upstreamWhenCertificateDoesNotNameHostThenRefusedUnlessVerificationSwitchedOff()
      throws Exception {
    String ca = otherName.certificatePem().toString();
    gateway.publish(
        List.of(
            api("verified", misnamed, new UpstreamTls(ca, null, null, true)),
            api("unverified", misnamed, new UpstreamTls(ca, null, null, false))),
        List.of());

    HttpResponse<String> verified = gateway.get("/verified/x");
    HttpResponse<String> unverified = gateway.get("/unverified/x");

    HttpResponse<String> verifiedAfterUnverified = gateway.get("/verified/x");

    assertThat(verified.statusCode()).as(verified.body()).isEqualTo(502);
    assertThat(unverified.statusCode()).as(unverified.body()).isEqualTo(200);
    assertThat(verifiedAfterUnverified.statusCode())
        .as("an unverified setting with the same CA must not switch verification off for others")
        .isEqualTo(502);
  }
}
