package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.control.ApplicationSpec;
import io.portcullis.control.Violation;
import io.portcullis.registry.Api;
import io.portcullis.registry.SenderConstraint;
import io.portcullis.registry.ServerTls;
import io.portcullis.registry.TlsClientAuth;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration of RFC 8705: an application's {@code tlsClientAuth}, an API's {@code
 * identifyAndAuthorize.senderConstraint} and a listener's {@code tls.selfSignedClients}, read,
 * refused with the field named, and written back by export unchanged.
 */
class TlsClientAuthConfigTest {
  private final ObjectMapper json = new ObjectMapper();
  private final RegistryCodec codec = new RegistryCodec(json);
  private final ConfigLoader loader = new ConfigLoader();

  private JsonNode tree(String text) throws IOException {
    return json.readTree(text.replace('\'', '"'));
  }

  private List<String> problems(String yaml) {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> loader.load(yaml, "test.yaml", Map.of()));
    assertThat(e).as("the configuration should have been refused").isNotNull();
    return List.of(e.getMessage().split("\n"));
  }

  @Test
  void readApplicationWhenEachTlsClientAuthKindThenExportWritesItBackUnchanged() throws Exception {
    for (String given :
        List.of(
            "{'subjectDn':'CN=photo-app,O=Example'}",
            "{'sanDns':'photo.example'}",
            "{'sanUri':'spiffe://example/photo'}",
            "{'sanIp':'192.0.2.10'}",
            "{'sanEmail':'photo@example.com'}",
            "{'selfSigned':true}")) {
      List<Violation> out = new ArrayList<>();
      JsonNode app =
          tree("{'name':'photo-app','certificates':['k.pem'],'tlsClientAuth':" + given + "}");

      ApplicationSpec read = codec.readApplication(app, "applications[0]", out);

      assertThat(out).as(given).isEmpty();
      assertThat(read.tlsClientAuth()).as(given).isNotNull();
      assertThat(codec.writeApplication(read, true).get("tlsClientAuth")).isEqualTo(tree(given));
      assertThat(codec.readApplication(codec.writeApplication(read, true), "x", out))
          .isEqualTo(read);
    }
  }

  @Test
  void readApplicationWhenTlsClientAuthHasNoneOrTwoOrFalseThenViolationNamesTheField()
      throws Exception {
    List<Violation> out = new ArrayList<>();
    codec.readApplication(
        tree("{'name':'a','tlsClientAuth':{'subjectDn':'CN=a','sanDns':'a.example'}}"), "app", out);
    codec.readApplication(tree("{'name':'b','tlsClientAuth':{}}"), "app", out);
    codec.readApplication(tree("{'name':'c','tlsClientAuth':{'selfSigned':false}}"), "app", out);
    codec.readApplication(tree("{'name':'d','tlsClientAuth':{'subject':'CN=d'}}"), "app", out);

    assertThat(out)
        .extracting(Violation::path, Violation::message)
        .contains(
            org.assertj.core.groups.Tuple.tuple(
                "app.tlsClientAuth",
                "expected exactly one of subjectDn, sanDns, sanUri, sanIp, sanEmail, selfSigned"
                    + " (such as { subjectDn: \"CN=photo-app,O=Example\" } or { selfSigned: true });"
                    + " was [subjectDn, sanDns]"),
            org.assertj.core.groups.Tuple.tuple(
                "app.tlsClientAuth.selfSigned",
                "expected true (self_signed_tls_client_auth); leave tlsClientAuth out instead"));
    assertThat(out).extracting(Violation::path).contains("app.tlsClientAuth.subject");
    assertThat(out.stream().filter(v -> v.message().endsWith("was none")).count()).isEqualTo(3);
  }

  @Test
  void loadWhenTlsClientAuthValuesAreWrongThenEachIsRefused() {
    assertThat(
            problems(
                """
                applications:
                  - name: dn-app
                    tlsClientAuth: { subjectDn: "not a name" }
                  - name: ip-app
                    tlsClientAuth: { sanIp: photo.example }
                  - name: self-app
                    tlsClientAuth: { selfSigned: true }
                """))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("tlsClientAuth.subjectDn")
                    .contains("expected a distinguished name (RFC 4514)"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("tlsClientAuth.sanIp")
                    .contains("expected an IPv4 or IPv6 address"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("tlsClientAuth.selfSigned")
                    .contains("give jwks, jwksUri or certificates"));
  }

  @Test
  void readApiWhenSenderConstraintGivenThenReadWrittenAndWrongValueNamed() throws Exception {
    List<Violation> out = new ArrayList<>();
    String api =
        "{'name':'p','version':'v1','basePath':'/p','upstream':'http://127.0.0.1:9',"
            + "'identifyAndAuthorize':{'methods':['JWT'],'senderConstraint':'%s'}}";

    Api required = codec.readApi(tree(api.formatted("required")), "apis[0]", out);
    codec.readApi(tree(api.formatted("sometimes")), "apis[1]", out);

    assertThat(required.identifyAndAuthorize().senderConstraint())
        .isEqualTo(SenderConstraint.REQUIRED);
    assertThat(
            codec.writeApi(required).get("identifyAndAuthorize").get("senderConstraint").asText())
        .isEqualTo("REQUIRED");
    assertThat(out)
        .extracting(Violation::path)
        .containsExactly("apis[1].identifyAndAuthorize.senderConstraint");
    assertThat(
            codec
                .readApi(
                    tree(
                        "{'name':'p','version':'v1','basePath':'/p','upstream':'http://127.0.0.1:9',"
                            + "'identifyAndAuthorize':{'methods':['JWT']}}"),
                    "apis[0]",
                    out)
                .identifyAndAuthorize()
                .senderConstraint())
        .isEqualTo(SenderConstraint.ALLOWED);
  }

  @Test
  void loadWhenSelfSignedClientsThenReadAndRefusedWithoutClientCertificates(@TempDir Path dir)
      throws IOException {
    Path certificate = Files.writeString(dir.resolve("gateway.crt"), "x");
    String tls =
        "gateway:\n  tls: { certificate: %s, key: %s, clientAuth: %s, clientCa: %s,"
            + " selfSignedClients: true }\n";

    ServerTls read =
        loader
            .load(tls.formatted(certificate, certificate, "optional", certificate), "t", Map.of())
            .config()
            .gateway()
            .tls();

    assertThat(read.selfSignedClients()).isTrue();
    assertThat(problems(tls.formatted(certificate, certificate, "none", certificate)))
        .containsExactly(
            "test.yaml:2: gateway.tls.selfSignedClients: needs clientAuth optional or required:"
                + " with none no client certificate is asked for");
  }

  @Test
  void tlsClientAuthWhenSelfSignedThenMethodIsSelfSignedAndValueDropped() {
    assertThat(new TlsClientAuth(TlsClientAuth.Match.SELF_SIGNED, "x").value()).isNull();
    assertThat(new TlsClientAuth(TlsClientAuth.Match.SELF_SIGNED, null).method())
        .isEqualTo("self_signed_tls_client_auth");
    assertThat(new TlsClientAuth(TlsClientAuth.Match.SAN_DNS, "a").method())
        .isEqualTo("tls_client_auth");
  }
}
