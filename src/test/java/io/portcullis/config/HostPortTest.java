package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {
  @ParameterizedTest
  @CsvSource({
    "127.0.0.1:8080, 127.0.0.1, 8080, 127.0.0.1:8080, http://127.0.0.1:8080",
    ":8080, 0.0.0.0, 8080, 0.0.0.0:8080, http://localhost:8080",
    "0.0.0.0:0, 0.0.0.0, 0, 0.0.0.0:0, http://localhost:0",
    "[::1]:9080, ::1, 9080, [::1]:9080, http://[::1]:9080",
    "[::]:80, ::, 80, [::]:80, http://localhost:80",
    "gateway.example.com:65535, gateway.example.com, 65535, gateway.example.com:65535,"
        + " http://gateway.example.com:65535",
  })
  void parseWhenValidThenHostPortAndDefaultPublicUrl(
      String text, String host, int port, String written, String publicUrl) {
    HostPort hp = HostPort.parse(text);
    assertThat(hp).isEqualTo(new HostPort(host, port));
    assertThat(hp).hasToString(written);
    assertThat(HostPort.parse(hp.toString())).isEqualTo(hp);
    assertThat(GatewayConfig.defaultPublicUrl(hp)).isEqualTo(URI.create(publicUrl));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "8080",
        "host",
        "host:",
        "host:-1",
        "host:65536",
        "host:123456",
        "::1:80",
        "[::1]",
        "[zz]:80",
        "ho st:80",
        "-host:80",
        "host:80:80"
      })
  void parseWhenInvalidThenRefusedWithWhatWasExpected(String text) {
    assertThatThrownBy(() -> HostPort.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .satisfiesAnyOf(
            m -> assertThat(m).startsWith("expected host:port"),
            m -> assertThat(m).startsWith("port must be 0 to 65535"),
            m -> assertThat(m).startsWith("write IPv6 addresses in brackets"));
  }
}
