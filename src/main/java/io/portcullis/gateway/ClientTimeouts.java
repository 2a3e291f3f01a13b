package io.portcullis.gateway;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the gateway waits on a client: the defence against slow and crawling clients.
 *
 * @param requestHead how long a new connection may stay silent before its first request head is
 *     complete; the connection is then closed without an answer (no request to answer)
 * @param idle how long a connection may stay without a request in flight (HTTP/1.1: between the end
 *     of one response and the next request head; HTTP/2: without an open stream); then it is
 *     closed. A request in flight is never cut by it
 * @param body the window of request-body progress: within each such window after the request was
 *     authorized, the client must send at least {@code minBodyRate} bytes per second of it (at
 *     least one byte, at most the rest of a declared body), otherwise it is answered {@code 408}
 *     and the connection closed
 * @param minBodyRate the least average upload rate, in bytes per second, over each {@code body}
 *     window; 0 asks only for one byte per window
 */
public record ClientTimeouts(Duration requestHead, Duration idle, Duration body, long minBodyRate) {
  public static final ClientTimeouts DEFAULT =
      new ClientTimeouts(
          Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(20), 512);

  public ClientTimeouts {
    requireAtLeastOneMilli("requestHead", requestHead);
    requireAtLeastOneMilli("idle", idle);
    requireAtLeastOneMilli("body", body);
    if (minBodyRate < 0) {
      throw new IllegalArgumentException("minBodyRate must not be negative, was " + minBodyRate);
    }
  }

  /** The bytes a client must send within one {@code body} window (at least 1). */
  public long minBytesPerWindow() {
    return Math.max(1, minBodyRate * body.toMillis() / 1000);
  }

  private static void requireAtLeastOneMilli(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.toMillis() < 1) {
      throw new IllegalArgumentException(name + " must be at least 1 ms, was " + value);
    }
  }
}
