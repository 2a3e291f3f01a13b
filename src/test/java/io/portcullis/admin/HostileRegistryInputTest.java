package io.portcullis.admin;

import static io.portcullis.admin.AdminServerTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Registry changes an attacker with a foothold (or a careless administrator) could send to mint
 * identities or make the gateway reach where nobody meant, through a real admin server and store.
 */
class HostileRegistryInputTest {
  private static final String APP_B =
      "{\"name\":\"app-b\",\"identifiers\":[{\"claims\":{\"sub\":\"app-b\"}}]}";

  private AdminFixture fixture;

  @BeforeEach
  void start() {
    fixture = new AdminFixture();
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  /** The first violation of a 400 answer: its field and message. */
  private static String[] violation(HttpResponse<String> response) {
    assertProblem(response, 400);
    JsonNode error = AdminServerTest.json(response).get("errors").get(0);
    return new String[] {error.get("field").asText(), error.get("message").asText()};
  }

  @ParameterizedTest
  @ValueSource(strings = {"client_id", "azp", "scope", "scp", "cnf", "sub", "act"})
  void createApplicationWhenClaimsNameAReservedClaimThen400NamingIt(String claim) {
    HttpResponse<String> response =
        fixture.admin(
            "POST",
            "/applications",
            "{\"name\":\"app-a\",\"claims\":[\"department\",\"" + claim + "\"]}");

    String[] error = violation(response);
    assertThat(error[0]).isEqualTo("claims[1]");
    assertThat(error[1]).contains("'" + claim + "' is reserved");
    assertThat(fixture.snapshots.get().application("app-a")).isEmpty();
  }

  @Test
  void createApplicationWhenClaimsNameAnotherApplicationsIdentifierClaimThen400NamingBoth() {
    assertThat(
            fixture
                .admin(
                    "POST",
                    "/applications",
                    "{\"name\":\"app-b\",\"identifiers\":[{\"claims\":{\"tenant\":\"b\"}}]}")
                .statusCode())
        .isEqualTo(201);

    String[] error =
        violation(
            fixture.admin("POST", "/applications", "{\"name\":\"app-a\",\"claims\":[\"tenant\"]}"));

    assertThat(error[0]).isEqualTo("claims[0]");
    assertThat(error[1]).contains("'tenant'", "application app-b", "application app-a");
  }

  @Test
  void createUserWhenUsernameIsTheSubThatIdentifiesAnApplicationThen400NamingBoth() {
    assertThat(fixture.admin("POST", "/applications", APP_B).statusCode()).isEqualTo(201);

    String[] error =
        violation(
            fixture.admin(
                "POST", "/users", "{\"username\":\"app-b\",\"password\":\"app-b-password\"}"));

    assertThat(error[0]).isEqualTo("users[app-b].username");
    assertThat(error[1]).contains("user 'app-b'", "application app-b");
    assertThat(fixture.snapshots.get().user("app-b")).isEmpty();
  }

  @Test
  void createApplicationWhenItsSubIsAnExistingUsernameThen400NamingBoth() {
    String[] error =
        violation(
            fixture.admin(
                "POST",
                "/applications",
                "{\"name\":\"app-b\",\"identifiers\":[{\"claims\":{\"sub\":\"alice\"}}]}"));

    assertThat(error[0]).isEqualTo("users[alice].username");
    assertThat(error[1]).contains("user 'alice'", "application app-b");
  }

  @Test
  void createExternalServerWhenValidatedThenItsJwksUriIsNotContacted() throws Exception {
    try (java.net.ServerSocket jwks =
        new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      HttpResponse<String> response =
          fixture.admin(
              "POST",
              "/authorization-servers",
              "{\"alias\":\"corp\",\"type\":\"external\",\"issuer\":\"https://corp\","
                  + "\"jwksUri\":\"http://127.0.0.1:"
                  + jwks.getLocalPort()
                  + "/jwks\",\"algorithms\":[\"RS256\"]}");

      assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
      // A fetch during validation would have connected before the answer: nothing is queued.
      jwks.setSoTimeout(100);
      org.assertj.core.api.Assertions.assertThatThrownBy(jwks::accept)
          .isInstanceOf(java.net.SocketTimeoutException.class);
    }
  }

  @Test
  void createApiWhenUpstreamIsTheMetadataAddressThen400NamingUpstream() {
    String[] error =
        violation(
            fixture.admin(
                "POST",
                "/apis",
                "{\"name\":\"meta\",\"version\":\"v1\",\"basePath\":\"/meta/v1\","
                    + "\"upstream\":\"http://169.254.169.254/latest\"}"));

    assertThat(error[0]).isEqualTo("upstream");
    assertThat(error[1]).contains("169.254.169.254", "link-local or cloud metadata");
  }

  @Test
  void createApiWhenMethodsNameApiKeyThen400NamingFieldAndAcceptedValues() {
    String[] error =
        violation(
            fixture.admin(
                "POST",
                "/apis",
                "{\"name\":\"keyed\",\"version\":\"v1\",\"basePath\":\"/keyed/v1\","
                    + "\"upstream\":\"http://127.0.0.1:9000\","
                    + "\"identifyAndAuthorize\":{\"methods\":[\"API_KEY\"]}}"));

    assertThat(error[0]).isEqualTo("identifyAndAuthorize.methods");
    assertThat(error[1]).contains("API_KEY is not available", "[JWT, OAUTH2_TOKEN]");
  }
}
