package io.portcullis.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.http.Credentials.Defect;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CredentialsTest {

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void parseWhenNoHeaderThenNone() {
    assertThat(Credentials.parse(List.of())).isEqualTo(new Credentials.None());
    assertThat(Credentials.parse(null)).isEqualTo(new Credentials.None());
  }

  @Test
  void parseWhenBearerThenToken() {
    assertThat(Credentials.parse(List.of("Bearer eyJhbGciOi.eyJzdWIi.c2ln-_~+/==")))
        .isEqualTo(new Credentials.Bearer("eyJhbGciOi.eyJzdWIi.c2ln-_~+/=="));
  }

  @Test
  void parseWhenSchemeInOtherCaseAndExtraSpacesThenStillRead() {
    assertThat(Credentials.parse(List.of("bEARER   abc"))).isEqualTo(new Credentials.Bearer("abc"));
  }

  @ParameterizedTest
  @MethodSource("bearerEdges")
  void parseWhenBearerAtTheEdgesOfThePlainFormThenSameAnswerAsTheGeneralRules(
      String value, Credentials expected) {
    assertThat(Credentials.parse(List.of(value))).isEqualTo(expected);
  }

  static Stream<Arguments> bearerEdges() {
    Credentials malformed =
        new Credentials.Invalid(
            Defect.MALFORMED,
            "the Bearer token must be one b64token (letters, digits, -._~+/ and trailing =)");
    return Stream.of(
        Arguments.of("Bearer abc==", new Credentials.Bearer("abc==")),
        Arguments.of("Bearer abc ", new Credentials.Bearer("abc")),
        Arguments.of(" Bearer abc", new Credentials.Bearer("abc")),
        Arguments.of("Bearer a=b", malformed),
        Arguments.of("Bearer =abc", malformed),
        Arguments.of("Bearer abc def", malformed),
        Arguments.of("Bearer ab\u00e9", malformed),
        Arguments.of("Bearer ab\u0100", malformed),
        Arguments.of("Bearer ab\u007f", malformed),
        Arguments.of("Bearer ab*", malformed),
        Arguments.of("Bearer ab:", malformed));
  }

  @Test
  void parseWhenBasicThenUserAndPasswordSplitAtFirstColon() {
    assertThat(Credentials.parse(List.of("Basic " + base64("alice:se:cr:et"))))
        .isEqualTo(new Credentials.Basic("alice", "se:cr:et"));
  }

  @Test
  void parseWhenBasicIsUtf8ThenDecodedAsUtf8() {
    assertThat(Credentials.parse(List.of("Basic " + base64("jöhn:pässwörd€"))))
        .isEqualTo(new Credentials.Basic("jöhn", "pässwörd€"));
  }

  @Test
  void parseWhenBasicHasEmptyPasswordThenEmptyPassword() {
    assertThat(Credentials.parse(List.of("Basic " + base64("client:"))))
        .isEqualTo(new Credentials.Basic("client", ""));
  }

  @Test
  void parseWhenOtherSchemeThenUnsupported() {
    assertThat(Credentials.parse(List.of("Digest username=\"a\", realm=\"b\", nonce=\"c\"")))
        .isEqualTo(new Credentials.Unsupported("Digest"));
    assertThat(Credentials.parse(List.of("Negotiate abc")))
        .isEqualTo(new Credentials.Unsupported("Negotiate"));
  }

  @Test
  void parseWhenDpopSchemeThenDpopTokenInAnyCase() {
    assertThat(Credentials.parse(List.of("DPoP abc.def")))
        .isEqualTo(new Credentials.Dpop("abc.def"));
    assertThat(Credentials.parse(List.of("dpop abc"))).isEqualTo(new Credentials.Dpop("abc"));
    assertThat(Credentials.accessToken(new Credentials.Dpop("abc"))).isEqualTo("abc");
  }

  @Test
  void parseWhenDpopTokenMalformedOrWithQueryTokenThenInvalid() {
    assertThat(Credentials.parse(List.of("DPoP a b")))
        .isEqualTo(
            new Credentials.Invalid(
                Defect.MALFORMED,
                "the DPoP token must be one token68 (letters, digits, -._~+/ and trailing =)"));
    assertThat(Credentials.parse(List.of("DPoP abc"), "access_token=abc"))
        .isInstanceOf(Credentials.Invalid.class)
        .extracting(c -> ((Credentials.Invalid) c).defect())
        .isEqualTo(Defect.MULTIPLE_METHODS);
  }

  static Stream<Arguments> unusable() {
    String latin1 =
        Base64.getEncoder().encodeToString("j\u00f6hn:x".getBytes(StandardCharsets.ISO_8859_1));
    return Stream.of(
        Arguments.of(List.of(""), Defect.MALFORMED),
        Arguments.of(List.of("   "), Defect.MALFORMED),
        Arguments.of(List.of("Bearer"), Defect.MALFORMED),
        Arguments.of(List.of("Bearer "), Defect.MALFORMED),
        Arguments.of(List.of("Bearer a b"), Defect.MALFORMED),
        Arguments.of(List.of("Bearer a\"b"), Defect.MALFORMED),
        Arguments.of(List.of("Bearer =abc"), Defect.MALFORMED),
        Arguments.of(List.of("eyJhbGciOiJSUzI1NiJ9.e30.sig"), Defect.MALFORMED),
        Arguments.of(List.of("Basic"), Defect.MALFORMED),
        Arguments.of(List.of("Basic !!!"), Defect.MALFORMED),
        Arguments.of(List.of("Basic YWxpY2U"), Defect.MALFORMED),
        Arguments.of(List.of("Basic " + base64("no-colon")), Defect.MALFORMED),
        Arguments.of(List.of("Basic " + base64("a:b\nc")), Defect.MALFORMED),
        Arguments.of(List.of("Basic " + latin1), Defect.MALFORMED),
        Arguments.of(List.of("Bearer abc", "Bearer def"), Defect.DUPLICATED),
        Arguments.of(List.of("Bearer abc, Bearer def"), Defect.DUPLICATED),
        Arguments.of(List.of("Bearer abc", "bearer abc"), Defect.DUPLICATED),
        Arguments.of(List.of("Basic YTpi", "Bearer def"), Defect.MULTIPLE_SCHEMES),
        Arguments.of(List.of("Basic YTpi, Bearer def"), Defect.MULTIPLE_SCHEMES),
        Arguments.of(List.of("Bearer abc", ""), Defect.MALFORMED));
  }

  @ParameterizedTest
  @MethodSource("unusable")
  void parseWhenHeaderUnusableThenInvalidSaysWhich(List<String> values, Defect defect) {
    Credentials credentials = Credentials.parse(values);

    assertThat(credentials).isInstanceOf(Credentials.Invalid.class);
    Credentials.Invalid invalid = (Credentials.Invalid) credentials;
    assertThat(invalid.defect()).isEqualTo(defect);
    assertThat(invalid.description()).isNotBlank().doesNotContain("def").doesNotContain("eyJ");
  }

  @Test
  void toStringWhenSecretsThenHidden() {
    assertThat(new Credentials.Bearer("top-secret-token").toString()).doesNotContain("top-secret");
    assertThat(new Credentials.Basic("alice", "hunter2").toString())
        .contains("alice")
        .doesNotContain("hunter2");
  }
}
