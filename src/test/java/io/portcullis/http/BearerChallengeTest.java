package io.portcullis.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BearerChallengeTest {

  @Test
  void toHeaderValueWhenOnlyRealmThenNoErrorAttributes() {
    assertThat(BearerChallenge.realm("petstore").toHeaderValue())
        .isEqualTo("Bearer realm=\"petstore\"");
  }

  @Test
  void toHeaderValueWhenEverythingSetThenRfc6750Order() {
    BearerChallenge challenge =
        new BearerChallenge("photos", "insufficient_scope", "needs more", "read write");

    assertThat(challenge.toHeaderValue())
        .isEqualTo(
            "Bearer realm=\"photos\", error=\"insufficient_scope\", error_description=\"needs"
                + " more\", scope=\"read write\"");
  }

  @Test
  void toHeaderValueWhenNothingSetThenBareScheme() {
    assertThat(new BearerChallenge(null, null, null, null).toHeaderValue()).isEqualTo("Bearer");
  }

  @Test
  void toHeaderValueWhenValuesHaveQuotesBackslashesOrControlsThenEscapedAndNeutralized() {
    BearerChallenge challenge =
        new BearerChallenge(
            "a \"quoted\" \\realm", "invalid_token", "line\r\nX-Injected: 1 é", null);

    assertThat(challenge.toHeaderValue())
        .isEqualTo(
            "Bearer realm=\"a \\\"quoted\\\" \\\\realm\", error=\"invalid_token\","
                + " error_description=\"line??X-Injected: 1 ?\"");
  }

  @Test
  void ofWhenErrorHasCodeThenDescriptionAndScopeIncluded() {
    HttpError error = HttpError.of(403, "insufficient_scope", "API x requires a");

    assertThat(BearerChallenge.of("x", error, List.of("a", "b")))
        .isEqualTo(new BearerChallenge("x", "insufficient_scope", "API x requires a", "a b"));
  }

  @Test
  void ofWhenErrorHasNoCodeThenOnlyRealm() {
    assertThat(BearerChallenge.of("x", HttpError.of(401, "no token"), List.of()))
        .isEqualTo(BearerChallenge.realm("x"));
  }
}
