package io.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class HopByHopTest {

  @Test
  void stripWhenConnectionNamesFieldsThenTheyGoWithTheFixedSet() {
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
            .add("Authorization", "Bearer t");

    HopByHop.strip(headers);

    assertThat(headers.names()).containsExactlyInAnyOrder("Content-Type", "Authorization");
  }
}
