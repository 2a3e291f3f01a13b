package io.portcullis.gateway;

import io.portcullis.registry.ServerTls;

/** Every test of {@link GatewayTlsTest} with BoringSSL ({@code tls.engine: openssl}). */
class GatewayOpenSslTlsTest extends GatewayTlsTest {
  @Override
  ServerTls.Engine engine() {
    return ServerTls.Engine.OPENSSL;
  }
}
