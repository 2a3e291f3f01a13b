package io.portcullis.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UrlEncodedFormTest {
  private static UrlEncodedForm.Result parse(String text, int max) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return UrlEncodedForm.parse(bytes, bytes.length, max);
  }

  private static Map<String, String> parameters(String text) {
    UrlEncodedForm.Result result = parse(text, 64);
    assertThat(result).isInstanceOf(UrlEncodedForm.Parsed.class);
    return ((UrlEncodedForm.Parsed) result).parameters();
  }

  private static String malformed(String text, int max) {
    UrlEncodedForm.Result result = parse(text, max);
    assertThat(result).isInstanceOf(UrlEncodedForm.Malformed.class);
    return ((UrlEncodedForm.Malformed) result).description();
  }

  @Test
  void parseWhenEncodedThenDecodedInOrder() {
    assertThat(parameters("b=x+y%2Bz&a=%C3%A9&c&d=&&e=1=2&"))
        .containsExactly(
            Map.entry("b", "x y+z"),
            Map.entry("a", "é"),
            Map.entry("c", ""),
            Map.entry("d", ""),
            Map.entry("e", "1=2"));
    assertThat(parameters("")).isEmpty();
    assertThat(parameters("&&&")).isEmpty();
  }

  @Test
  void parseWhenParameterRepeatedThenMalformedNamingIt() {
    assertThat(malformed("grant_type=a&scope=x&grant_type=a", 64))
        .isEqualTo(
            "parameter 'grant_type' is repeated; send each parameter once (RFC 6749 section 3.1)");
    assertThat(malformed("a&a", 64)).contains("'a' is repeated");
  }

  @Test
  void parseWhenMoreThanMaximumThenMalformedNamingTheLimit() {
    assertThat(parameters("a=1&b=2&c=3")).hasSize(3);
    assertThat(malformed("a=1&b=2&c=3&d=4", 3)).startsWith("the form has more than 3 parameters");
  }

  @Test
  void parseWhenFloodOf32700NamesThenRefusedAtTheLimit() {
    String flood = "grant_type=client_credentials&" + "a&".repeat(32_700);
    assertThat(malformed(flood, 64)).contains("'a' is repeated");
    StringBuilder distinct = new StringBuilder();
    for (int i = 0; i < 10_000; i++) distinct.append('p').append(i).append('&');
    assertThat(malformed(distinct.toString(), 64)).startsWith("the form has more than 64");
  }

  @Test
  void parseWhenPercentEncodingBrokenThenMalformedNamingTheParameter() {
    for (String bad : new String[] {"%", "%4", "%4g", "x%", "%G0", "%C3"}) {
      assertThat(malformed("token=" + bad, 64))
          .as(bad)
          .startsWith("the value of form parameter 'token' is not valid form encoding");
    }
    assertThat(malformed("a=1&b%=2", 64)).startsWith("the name of form parameter 2 is not valid");
    assertThat(malformed("a=1&=2", 64)).isEqualTo("form parameter 2 has an empty name");
  }
}
