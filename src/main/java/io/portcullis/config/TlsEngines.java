package io.portcullis.config;

import io.netty.handler.ssl.OpenSsl;

/**
 * Whether BoringSSL (netty-tcnative, {@code tls.engine: openssl}) can serve a listener here: its
 * native library must load on this platform and offer ALPN (HTTP/2 is negotiated by ALPN).
 */
final class TlsEngines {
  private TlsEngines() {}

  /** Null when BoringSSL can be used; otherwise why not, in words for a configuration error. */
  static String unavailable() {
    if (!OpenSsl.isAvailable()) {
      Throwable cause = OpenSsl.unavailabilityCause();
      return "its native library (netty-tcnative, shipped for Linux x86-64) did not load"
          + (cause == null ? "" : " (" + cause.getClass().getSimpleName() + ")");
    }
    if (!OpenSsl.isAlpnSupported()) return "the loaded library offers no ALPN";
    return null;
  }
}
