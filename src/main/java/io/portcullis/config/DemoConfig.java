package io.portcullis.config;

/**
 * The optional {@code demo} section: when present, {@code serve} also starts a tiny echo upstream
 * so that the quick start has something to proxy to.
 *
 * @param echoUpstream where the echo upstream listens, such as {@code 127.0.0.1:9000}
 */
public record DemoConfig(HostPort echoUpstream) {
  public DemoConfig {
    if (echoUpstream == null) throw new IllegalArgumentException("echoUpstream is required");
  }
}
