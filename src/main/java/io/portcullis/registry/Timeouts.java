package io.portcullis.registry;

/**
 * Upstream timeouts of an API, in milliseconds.
 *
 * @param connect time allowed to open a connection to the upstream
 * @param response time allowed between sending the request and the upstream's response head
 */
public record Timeouts(long connect, long response) {
  public static final Timeouts DEFAULT = new Timeouts(2_000, 30_000);

  public Timeouts {
    if (connect <= 0) throw new IllegalArgumentException("connect must be > 0 ms, was " + connect);
    if (response <= 0)
      throw new IllegalArgumentException("response must be > 0 ms, was " + response);
  }
}
