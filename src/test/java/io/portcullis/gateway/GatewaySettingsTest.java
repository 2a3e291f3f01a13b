package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GatewaySettingsTest {

  @Test
  void defaultsWhenCreatedThenDocumentedValues() {
    GatewaySettings settings = GatewaySettings.defaults();

    assertThat(settings.host()).isEqualTo("127.0.0.1");
    assertThat(settings.port()).isEqualTo(8080);
    assertThat(settings.publicUrl()).isEqualTo(URI.create("http://127.0.0.1:8080"));
    assertThat(settings.maxHeaderSize()).isEqualTo(8192);
    assertThat(settings.maxUriLength()).isEqualTo(8192);
    assertThat(settings.maxBodySize()).isEqualTo(100L * 1024 * 1024);
    assertThat(settings.drainTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.upstreamPoolSize()).isEqualTo(128);
    assertThat(settings.upstreamKeepAliveTimeout()).isEqualTo(Duration.ofSeconds(4));
    assertThat(settings.trustForwardedHeaders()).isFalse();
    assertThat(settings.instances()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(settings.clientTimeouts())
        .isEqualTo(
            new ClientTimeouts(
                Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(20), 512));
    assertThat(settings.clientTimeouts().minBytesPerWindow()).isEqualTo(10_240);
    assertThat(settings.bodyBuffer()).isEqualTo(64 * 1024);
    assertThat(settings.upstreamWaitQueue()).isEqualTo(1024);
  }

  @Test
  void withListenWhenIpv6HostThenPublicUrlBracketsIt() {
    assertThat(GatewaySettings.defaults().withListen("::1", 9000).publicUrl())
        .isEqualTo(URI.create("http://[::1]:9000"));
  }

  @Test
  void newWhenValuesOutOfRangeThenErrorNamesTheField() {
    GatewaySettings d = GatewaySettings.defaults();
    assertThatThrownBy(() -> d.withListen("", 80)).hasMessageContaining("host");
    assertThatThrownBy(() -> d.withListen("127.0.0.1", 70000)).hasMessageContaining("port");
    assertThatThrownBy(() -> d.withLimits(0, 1, 1)).hasMessageContaining("maxHeaderSize");
    assertThatThrownBy(() -> d.withLimits(1, 0, 1)).hasMessageContaining("maxUriLength");
    assertThatThrownBy(() -> d.withLimits(1, 1, 0)).hasMessageContaining("maxBodySize");
    assertThatThrownBy(() -> d.withInstances(0)).hasMessageContaining("instances");
    assertThatThrownBy(() -> d.toBuilder().drainTimeout(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("drainTimeout");
    assertThatThrownBy(() -> d.toBuilder().upstreamKeepAliveTimeout(Duration.ofMillis(10)).build())
        .hasMessageContaining("upstreamKeepAliveTimeout");
    assertThatThrownBy(() -> d.withClientTimeouts(ClientTimeouts.DEFAULT, -1))
        .hasMessageContaining("bodyBuffer");
    assertThatThrownBy(() -> d.withUpstreamPool(128, 0)).hasMessageContaining("upstreamWaitQueue");
    assertThatThrownBy(() -> d.withUpstreamPool(0, 1)).hasMessageContaining("upstreamPoolSize");
    assertThatThrownBy(
            () ->
                new ClientTimeouts(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), 1))
        .hasMessageContaining("requestHead");
    assertThatThrownBy(
            () -> new ClientTimeouts(Duration.ofSeconds(1), null, Duration.ofSeconds(1), 1))
        .hasMessageContaining("idle");
    assertThatThrownBy(
            () ->
                new ClientTimeouts(
                    Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), -1))
        .hasMessageContaining("minBodyRate");
  }

  @Test
  void minBytesPerWindowWhenRateIsZeroThenOneByte() {
    assertThat(
            new ClientTimeouts(
                    Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(20), 0)
                .minBytesPerWindow())
        .isEqualTo(1);
  }
}
