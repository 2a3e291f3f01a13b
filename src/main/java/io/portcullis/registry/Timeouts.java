package io.portcullis.registry;

/**
 * Upstream timeouts of an API, in milliseconds.
 *
 * @param connect time allowed to open a connection to the upstream (or to obtain one from the pool)
 * @param response time allowed between sending the request and the upstream's response head (and
 *     for the upstream to accept more of a request body)
 * @param idle time allowed between two pieces of the upstream's response body; a response cut by it
 *     is reset and recorded as aborted
 */
public record Timeouts(long connect, long response, long idle) {
  public static final long DEFAULT_IDLE = 30_000;
  public static final Timeouts DEFAULT = new Timeouts(2_000, 30_000, DEFAULT_IDLE);

  public Timeouts {
    if (connect <= 0) throw new IllegalArgumentException("connect must be > 0 ms, was " + connect);
    if (response <= 0)
      throw new IllegalArgumentException("response must be > 0 ms, was " + response);
    if (idle <= 0) throw new IllegalArgumentException("idle must be > 0 ms, was " + idle);
  }

  /** Connect and response timeouts with the default idle timeout. */
  public Timeouts(long connect, long response) {
    this(connect, response, DEFAULT_IDLE);
  }
}
