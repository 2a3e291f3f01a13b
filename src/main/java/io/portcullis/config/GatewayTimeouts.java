package io.portcullis.config;

import java.time.Duration;

/**
 * The {@code gateway.timeouts} section: how long the gateway waits on clients.
 *
 * @param requestHead how long a new connection may stay silent before its first request head is
 *     complete; default 10 s
 * @param idle how long a connection may stay without a request in flight (HTTP/2: without an open
 *     stream); default 60 s
 * @param body the window over which request-body progress is measured; default 20 s
 * @param minBodyRate the least average upload rate in bytes per second over each window (at least
 *     one byte per window); default 512
 */
public record GatewayTimeouts(
    Duration requestHead, Duration idle, Duration body, long minBodyRate) {
  public static final GatewayTimeouts DEFAULT =
      new GatewayTimeouts(
          Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(20), 512);
}
