package io.portcullis.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProblemTest {

  @Test
  void toJsonWhenAboutBlankThenTitleIsReasonPhrase() {
    JsonObject json = new JsonObject(Problem.of(404, "no API at /x").toJson());

    assertThat(json.getMap())
        .containsExactly(
            Map.entry("type", "about:blank"),
            Map.entry("title", "Not Found"),
            Map.entry("status", 404),
            Map.entry("detail", "no API at /x"));
  }

  @Test
  void toJsonWhenExtensionsThenTheyFollowTheStandardMembers() {
    Problem problem =
        new Problem(
                URI.create("https://portcullis.io/problems/invalid-field"),
                "Invalid field",
                400,
                "name is required",
                null)
            .with("field", "name")
            .with("errors", List.of(Map.of("field", "name", "message", "required")));

    JsonObject json = new JsonObject(problem.toJson());

    assertThat(json.getString("type")).isEqualTo("https://portcullis.io/problems/invalid-field");
    assertThat(json.getString("field")).isEqualTo("name");
    assertThat(json.getJsonArray("errors").getJsonObject(0).getString("message"))
        .isEqualTo("required");
  }

  @Test
  void toJsonWhenDetailHasQuotesAndControlsThenValidJson() {
    String detail = "bad \"value\"\n\u0000</script>";

    assertThat(new JsonObject(Problem.of(400, detail).toJson()).getString("detail"))
        .isEqualTo(detail);
  }

  @Test
  void toJsonWhenDetailNullThenDetailLeftOut() {
    assertThat(new JsonObject(Problem.of(500, null).toJson()).containsKey("detail")).isFalse();
  }

  @Test
  void ofWhenHttpErrorHasCodeThenErrorMember() {
    JsonObject json =
        new JsonObject(Problem.of(HttpError.of(401, "invalid_token", "expired")).toJson());

    assertThat(json.getString("error")).isEqualTo("invalid_token");
    assertThat(json.getString("title")).isEqualTo("Unauthorized");
  }

  @Test
  void newWhenExtensionShadowsStandardMemberThenRejected() {
    assertThatThrownBy(() -> Problem.of(400, "x").with("status", 200))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'status'");
  }

  @Test
  void newWhenStatusOutOfRangeThenRejected() {
    assertThatThrownBy(() -> Problem.of(99, "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Problem.of(600, "x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void httpErrorWhenStatusNotAnErrorThenRejected() {
    assertThatThrownBy(() -> HttpError.of(200, "fine"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("400..599");
  }
}
