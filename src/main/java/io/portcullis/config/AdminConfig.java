package io.portcullis.config;

import io.portcullis.registry.ServerTls;

/**
 * The {@code admin} section: the port of the admin API, the Manager UI, {@code /metrics} and {@code
 * /health}.
 *
 * @param listen where to listen; default {@code 127.0.0.1:9080}, reachable from this machine only
 * @param tls HTTPS on the admin port ({@code admin.tls}); null for plain HTTP
 */
public record AdminConfig(HostPort listen, ServerTls tls) {
  public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 9080);
  public static final AdminConfig DEFAULT = new AdminConfig(DEFAULT_LISTEN);

  public AdminConfig {
    listen = listen == null ? DEFAULT_LISTEN : listen;
  }

  /** Plain HTTP on {@code listen}. */
  public AdminConfig(HostPort listen) {
    this(listen, null);
  }
}
