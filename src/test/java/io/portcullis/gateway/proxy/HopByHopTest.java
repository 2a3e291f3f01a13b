package io.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HopByHopTest {

  @Test
  void copyWhenConnectionNamesFieldsThenTheyStayBehindWithTheFixedSet() {
    MultiMap headers =
        HttpHeaders.headers()
            .add("Connection", "keep-alive, X-Private")
            .add("connection", " X-Other ,")
            .add("x-private", "1")
            .add("X-OTHER", "2")
            .add("Keep-Alive", "timeout=5")
            .add("Transfer-Encoding", "chunked")
            .add("TE", "trailers")
            .add("Trailer", "X-Sum")
            .add("Upgrade", "h2c")
            .add("Proxy-Authorization", "Basic x")
            .add("Proxy-Authenticate", "Basic")
            .add("Proxy-Connection", "keep-alive")
            .add("Content-Type", "text/plain")
            .add("Accept", "a")
            .add("accept", "b")
            .add("Authorization", "Bearer t");
    MultiMap copy = HttpHeaders.headers();

    HopByHop.copyEndToEnd(headers, copy, name -> name.equalsIgnoreCase("authorization"));

    assertThat(copy.names()).containsExactlyInAnyOrder("Content-Type", "Accept");
    assertThat(copy.getAll("Accept")).containsExactly("a", "b");
    assertThat(headers.entries()).as("the source is left as it was").hasSize(16);
  }

  @Test
  void copyWhenNoConnectionHeaderThenOnlyTheFixedSetStaysBehind() {
    MultiMap headers =
        HttpHeaders.headers().add("te", "trailers").add("X-Private", "1").add("Host", "h");
    MultiMap copy = HttpHeaders.headers();

    HopByHop.copyEndToEnd(headers, copy, name -> false);

    assertThat(copy.names()).containsExactlyInAnyOrder("X-Private", "Host");
  }

  @ParameterizedTest
  @CsvSource({
    "X-Forwarded-For, X-Forwarded-For, true",
    "x_forwarded_for, X-Forwarded-For, true",
    "X-FORWARDED_FOR, X-Forwarded-For, true",
    "X-Forwarded-Fo, X-Forwarded-For, false",
    "X-Forwarded-Fork, X-Forwarded-For, false",
    "X.Forwarded.For, X-Forwarded-For, false",
    "Forwarded, Forwarded, true",
    "Forwarded_, Forwarded, false"
  })
  void sameFieldWhenSpeltWithUnderscoresOrOtherCaseThenSame(
      String name, String reserved, boolean same) {
    assertThat(HopByHop.sameField(name, reserved)).isEqualTo(same);
  }

  @ParameterizedTest
  @CsvSource({
    "X-Portcullis-Application, true",
    "x_portcullis_application, true",
    "X_PORTCULLIS-, true",
    "X-Portcullis, false",
    "X-Portcullisx, false",
    "XX-Portcullis-, false"
  })
  void startsWithFieldWhenPrefixSpeltAnyWayThenMatches(String name, boolean starts) {
    assertThat(HopByHop.startsWithField(name, "X-Portcullis-")).isEqualTo(starts);
  }
}
