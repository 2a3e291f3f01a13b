package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.portcullis.control.RegistryValidator;
import io.portcullis.registry.Api;
import io.portcullis.registry.ApiPortal;
import io.portcullis.registry.OutboundPolicy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code portal} section and an API's {@code portal} settings, read from the file. */
class PortalConfigTest {
  private static final String API =
      """
      apis:
        - name: petstore
          version: v1
          basePath: %s
          upstream: http://127.0.0.1:9000
          portal: %s
      """;

  private final ConfigLoader loader = new ConfigLoader();

  private String problems(String yaml) {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> loader.load(yaml, "t.yaml", Map.of()));
    assertThat(e).as("the configuration should have been refused").isNotNull();
    return e.getMessage();
  }

  @Test
  void loadWhenNoPortalSectionThenDefaults() {
    PortcullisConfig config = loader.load("apis: []\n", "t.yaml", Map.of()).config();
    assertThat(config.portal()).isEqualTo(PortalConfig.DEFAULT);
    assertThat(config.portal().enabled()).isTrue();
    assertThat(config.portal().authorizationServer()).isEqualTo("local");
  }

  @Test
  void loadWhenPortalSectionGivenThenRead() {
    PortalConfig portal =
        loader
            .load(
                "portal: { enabled: false, signUp: approval, accessRequests: approval }\n",
                "t.yaml",
                Map.of())
            .config()
            .portal();
    assertThat(portal)
        .isEqualTo(
            new PortalConfig(
                false,
                PortalConfig.SignUp.APPROVAL,
                PortalConfig.AccessRequests.APPROVAL,
                "local"));
  }

  @Test
  void loadWhenSignUpUnknownThenRefusedNamingTheFieldAndTheChoices() {
    assertThat(problems("portal: { signUp: sometimes }\n"))
        .contains("portal.signUp")
        .contains("[open, approval, closed]")
        .contains("sometimes");
  }

  @Test
  void loadWhenAccessRequestsUnknownThenRefused() {
    assertThat(problems("portal: { accessRequests: never }\n"))
        .contains("portal.accessRequests")
        .contains("[automatic, approval]");
  }

  @Test
  void loadWhenAuthorizationServerUnknownThenRefused() {
    assertThat(problems("portal: { authorizationServer: nobody }\n"))
        .contains("portal.authorizationServer")
        .contains("names no authorization server")
        .contains("nobody");
  }

  @Test
  void loadWhenPortalHasUnknownFieldThenRefused() {
    assertThat(problems("portal: { colour: blue }\n")).contains("portal.colour");
  }

  @Test
  void loadWhenApiPortalGivenThenReadAndWrittenBackTheSame() {
    String yaml =
        API.formatted(
            "/petstore/v1",
            "{ published: true, summary: Pets, description: All the pets, openapi: '{\"openapi\":"
                + " \"3.0.3\"}' }");
    Api api = loader.load(yaml, "t.yaml", Map.of()).config().content().apis().get(0);
    assertThat(api.portal())
        .isEqualTo(new ApiPortal(true, "Pets", "All the pets", "{\"openapi\": \"3.0.3\"}", null));
    assertThat(api.inPortal()).isTrue();
    RegistryCodec codec = new RegistryCodec();
    var written = codec.writeApi(api);
    assertThat(written.get("portal").get("published").asBoolean()).isTrue();
    assertThat(codec.readApi(written, "", new java.util.ArrayList<>())).isEqualTo(api);
  }

  @Test
  void loadWhenApiHasNoPortalThenNotPublishedAndNotWritten() {
    String yaml = API.formatted("/petstore/v1", "{}");
    Api api = loader.load(yaml, "t.yaml", Map.of()).config().content().apis().get(0);
    assertThat(api.portal()).isEqualTo(ApiPortal.NONE);
    assertThat(api.inPortal()).isFalse();
    assertThat(new RegistryCodec().writeApi(api).has("portal")).isFalse();
  }

  @Test
  void loadWhenBasePathUnderPortalThenRefusedAsReserved() {
    assertThat(problems(API.formatted("/portal/pets", "{}")))
        .contains("basePath")
        .contains("/portal is reserved for the developer portal");
    assertThat(problems(API.formatted("/portal", "{}"))).contains("reserved");
  }

  @Test
  void loadWhenBasePathOnlyStartsWithPortalTextThenAccepted() {
    Api api =
        loader
            .load(API.formatted("/portals", "{}"), "t.yaml", Map.of())
            .config()
            .content()
            .apis()
            .get(0);
    assertThat(api.basePath()).isEqualTo("/portals");
  }

  @Test
  void loadWhenBothOpenapiAndWsdlThenRefused() {
    assertThat(problems(API.formatted("/p", "{ openapi: '{}', wsdl: '<definitions/>' }")))
        .contains("portal.wsdl")
        .contains("not both");
  }

  @Test
  void loadWhenPublishedIsNotABooleanThenRefused() {
    assertThat(problems(API.formatted("/p", "{ published: 12 }"))).contains("portal.published");
  }

  @Test
  void checkOutboundWhenDocumentFileOutsideTheFileRootsThenRefused(@TempDir Path dir) {
    Api api = apiWith(new ApiPortal(true, null, null, "/etc/passwd", null));
    OutboundPolicy policy = new OutboundPolicy(List.of(), List.of(), List.of(dir));
    assertThat(RegistryValidator.checkOutbound(api, policy))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.path()).isEqualTo("portal.openapi");
              assertThat(v.message()).contains("outside the directories");
            });
  }

  @Test
  void checkOutboundWhenDocumentFileUnderAFileRootThenAccepted(@TempDir Path dir) throws Exception {
    Path doc = dir.resolve("petstore.yaml");
    Files.writeString(doc, "openapi: 3.0.3\n");
    Api api = apiWith(new ApiPortal(true, null, null, null, doc.toString()));
    OutboundPolicy policy = new OutboundPolicy(List.of(), List.of(), List.of(dir));
    assertThat(RegistryValidator.checkOutbound(api, policy)).isEmpty();
    assertThat(ApiPortal.isInline(doc.toString())).isFalse();
  }

  @Test
  void checkOutboundWhenDocumentInlineThenNoFileIsChecked(@TempDir Path dir) {
    Api api = apiWith(new ApiPortal(true, null, null, "openapi: 3.0.3\npaths: {}\n", null));
    OutboundPolicy policy = new OutboundPolicy(List.of(), List.of(), List.of(dir));
    assertThat(RegistryValidator.checkOutbound(api, policy)).isEmpty();
  }

  private static Api apiWith(ApiPortal portal) {
    return Api.builder()
        .name("petstore")
        .version("v1")
        .basePath("/petstore/v1")
        .upstreams(List.of(URI.create("http://127.0.0.1:9000")))
        .portal(portal)
        .build();
  }
}
