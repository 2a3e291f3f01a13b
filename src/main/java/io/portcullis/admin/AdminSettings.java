package io.portcullis.admin;

import io.portcullis.registry.ServerTls;

/**
 * Where the admin server listens and how much it reads.
 *
 * @param host the interface to bind, e.g. {@code 127.0.0.1} (the default of the configuration)
 * @param port the port; 0 picks a free one ({@link AdminServer#port()} tells which)
 * @param maxBodyBytes the largest request body accepted; a larger one is answered 413
 * @param tls HTTPS on the port; null for plain HTTP
 */
public record AdminSettings(String host, int port, long maxBodyBytes, ServerTls tls) {
  /** 1 MiB: far above any registry entity, small enough that nobody can make us buffer much. */
  public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

  public AdminSettings {
    if (host == null || host.isBlank()) throw new IllegalArgumentException("host is required");
    if (port < 0 || port > 65_535)
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    if (maxBodyBytes <= 0)
      throw new IllegalArgumentException("maxBodyBytes must be positive, was " + maxBodyBytes);
  }

  /** Plain HTTP. */
  public AdminSettings(String host, int port, long maxBodyBytes) {
    this(host, port, maxBodyBytes, null);
  }

  /** Plain HTTP with the default body limit. */
  public AdminSettings(String host, int port) {
    this(host, port, DEFAULT_MAX_BODY_BYTES);
  }
}
