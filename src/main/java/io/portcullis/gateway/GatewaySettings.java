package io.portcullis.gateway;

import io.portcullis.registry.ServerTls;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How the gateway listener runs. Sizes are bytes. Defaults ({@link #defaults()}) follow what nginx
 * and Envoy operators know:
 *
 * <ul>
 *   <li>{@code maxHeaderSize} 8 KiB, all header lines together (nginx {@code
 *       large_client_header_buffers 8k}; Netty's default) → {@code 431} beyond it;
 *   <li>{@code maxUriLength} 8 KiB, the request-target (nginx's 8k request line) → {@code 414};
 *   <li>{@code maxBodySize} 100 MiB, counted as the body streams through, whether announced by
 *       {@code Content-Length} or chunked → {@code 413}; bodies are never buffered whole, so this
 *       bounds upload size, not memory;
 *   <li>{@code drainTimeout} 30 s, the time in-flight requests get on shutdown (Kubernetes' default
 *       grace period);
 *   <li>{@code upstreamPoolSize} 128 keep-alive connections per upstream host and event loop;
 *   <li>{@code upstreamKeepAliveTimeout} 4 s: an idle upstream connection is closed before the 5 s
 *       idle timeout of Apache httpd and Node.js, so the gateway never sends a request on a
 *       connection the upstream is closing;
 *   <li>{@code trustForwardedHeaders} false: incoming {@code X-Forwarded-*} and {@code Forwarded}
 *       are replaced, not extended, since a client could forge them;
 *   <li>{@code instances} one server verticle per available processor;
 *   <li>{@code clientTimeouts} {@link ClientTimeouts#DEFAULT}: 10 s to the first request head, 60 s
 *       idle between requests, 512 bytes/s of request body over each 20 s window;
 *   <li>{@code bodyBuffer} 64 KiB: a request body up to this size is read whole before an upstream
 *       connection is taken from the pool (a larger one once this much has arrived), so that a slow
 *       client holds memory of its own, never a pooled connection other APIs need;
 *   <li>{@code upstreamWaitQueue} 1024 calls per upstream host and event loop may wait for a pooled
 *       connection (Envoy's {@code max_pending_requests}); beyond it a call is answered {@code 503}
 *       at once.
 * </ul>
 *
 * @param host the address to bind
 * @param port the port to bind; 0 picks a free one (see {@link GatewayServer#port()})
 * @param publicUrl how clients reach the gateway; {@code http://host:port} when null
 * @param maxHeaderSize the most bytes of request header lines accepted
 * @param maxUriLength the longest request-target accepted
 * @param maxBodySize the largest request body accepted
 * @param drainTimeout how long {@link GatewayServer#close()} lets in-flight requests finish
 * @param upstreamPoolSize the most connections per upstream host per event loop
 * @param upstreamKeepAliveTimeout how long an idle upstream connection is kept
 * @param trustForwardedHeaders whether the gateway sits behind a proxy whose forwarding headers are
 *     extended rather than replaced
 * @param instances how many server verticles (event loops) serve the port
 * @param clientTimeouts how long the listener waits on clients
 * @param bodyBuffer how many request-body bytes are read before an upstream connection is taken
 * @param upstreamWaitQueue how many calls may wait for a pooled upstream connection, per upstream
 *     host and event loop
 * @param tls HTTPS on the port; null for plain HTTP
 */
public record GatewaySettings(
    String host,
    int port,
    URI publicUrl,
    int maxHeaderSize,
    int maxUriLength,
    long maxBodySize,
    Duration drainTimeout,
    int upstreamPoolSize,
    Duration upstreamKeepAliveTimeout,
    boolean trustForwardedHeaders,
    int instances,
    ClientTimeouts clientTimeouts,
    int bodyBuffer,
    int upstreamWaitQueue,
    ServerTls tls) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final int DEFAULT_MAX_HEADER_SIZE = 8 * 1024;
  public static final int DEFAULT_MAX_URI_LENGTH = 8 * 1024;
  public static final long DEFAULT_MAX_BODY_SIZE = 100L * 1024 * 1024;
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_UPSTREAM_POOL_SIZE = 128;
  public static final Duration DEFAULT_UPSTREAM_KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(4);
  public static final int DEFAULT_BODY_BUFFER = 64 * 1024;
  public static final int DEFAULT_UPSTREAM_WAIT_QUEUE = 1024;

  public GatewaySettings {
    if (host == null || host.isBlank()) throw new IllegalArgumentException("host is required");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    publicUrl = publicUrl == null ? URI.create("http://" + urlHost(host) + ":" + port) : publicUrl;
    requirePositive("maxHeaderSize", maxHeaderSize);
    requirePositive("maxUriLength", maxUriLength);
    requirePositive("maxBodySize", maxBodySize);
    requirePositive("upstreamPoolSize", upstreamPoolSize);
    requirePositive("instances", instances);
    Objects.requireNonNull(clientTimeouts, "clientTimeouts");
    if (bodyBuffer < 0)
      throw new IllegalArgumentException("bodyBuffer must be >= 0, was " + bodyBuffer);
    requirePositive("upstreamWaitQueue", upstreamWaitQueue);
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    if (drainTimeout.isNegative()) {
      throw new IllegalArgumentException("drainTimeout must not be negative, was " + drainTimeout);
    }
    Objects.requireNonNull(upstreamKeepAliveTimeout, "upstreamKeepAliveTimeout");
    if (upstreamKeepAliveTimeout.toSeconds() < 1) {
      throw new IllegalArgumentException(
          "upstreamKeepAliveTimeout must be at least 1 s, was " + upstreamKeepAliveTimeout);
    }
  }

  /** Plain HTTP on the port. */
  public GatewaySettings(
      String host,
      int port,
      URI publicUrl,
      int maxHeaderSize,
      int maxUriLength,
      long maxBodySize,
      Duration drainTimeout,
      int upstreamPoolSize,
      Duration upstreamKeepAliveTimeout,
      boolean trustForwardedHeaders,
      int instances,
      ClientTimeouts clientTimeouts,
      int bodyBuffer,
      int upstreamWaitQueue) {
    this(
        host,
        port,
        publicUrl,
        maxHeaderSize,
        maxUriLength,
        maxBodySize,
        drainTimeout,
        upstreamPoolSize,
        upstreamKeepAliveTimeout,
        trustForwardedHeaders,
        instances,
        clientTimeouts,
        bodyBuffer,
        upstreamWaitQueue,
        null);
  }

  /**
   * The settings before the slow-client defences were added, with their defaults.
   *
   * @see #GatewaySettings(String, int, URI, int, int, long, Duration, int, Duration, boolean, int,
   *     ClientTimeouts, int, int)
   */
  public GatewaySettings(
      String host,
      int port,
      URI publicUrl,
      int maxHeaderSize,
      int maxUriLength,
      long maxBodySize,
      Duration drainTimeout,
      int upstreamPoolSize,
      Duration upstreamKeepAliveTimeout,
      boolean trustForwardedHeaders,
      int instances) {
    this(
        host,
        port,
        publicUrl,
        maxHeaderSize,
        maxUriLength,
        maxBodySize,
        drainTimeout,
        upstreamPoolSize,
        upstreamKeepAliveTimeout,
        trustForwardedHeaders,
        instances,
        ClientTimeouts.DEFAULT,
        DEFAULT_BODY_BUFFER,
        DEFAULT_UPSTREAM_WAIT_QUEUE);
  }

  /** Every default, listening on 127.0.0.1:8080. */
  public static GatewaySettings defaults() {
    return new GatewaySettings(
        DEFAULT_HOST,
        DEFAULT_PORT,
        null,
        DEFAULT_MAX_HEADER_SIZE,
        DEFAULT_MAX_URI_LENGTH,
        DEFAULT_MAX_BODY_SIZE,
        DEFAULT_DRAIN_TIMEOUT,
        DEFAULT_UPSTREAM_POOL_SIZE,
        DEFAULT_UPSTREAM_KEEP_ALIVE_TIMEOUT,
        false,
        Runtime.getRuntime().availableProcessors());
  }

  /** These settings listening on another address; a derived public URL follows it. */
  public GatewaySettings withListen(String newHost, int newPort) {
    return new GatewaySettings(
        newHost,
        newPort,
        null,
        maxHeaderSize,
        maxUriLength,
        maxBodySize,
        drainTimeout,
        upstreamPoolSize,
        upstreamKeepAliveTimeout,
        trustForwardedHeaders,
        instances,
        clientTimeouts,
        bodyBuffer,
        upstreamWaitQueue,
        tls);
  }

  /** These settings with other request limits. */
  public GatewaySettings withLimits(int newMaxHeaderSize, int newMaxUriLength, long newMaxBody) {
    return new GatewaySettings(
        host,
        port,
        publicUrl,
        newMaxHeaderSize,
        newMaxUriLength,
        newMaxBody,
        drainTimeout,
        upstreamPoolSize,
        upstreamKeepAliveTimeout,
        trustForwardedHeaders,
        instances,
        clientTimeouts,
        bodyBuffer,
        upstreamWaitQueue,
        tls);
  }

  /** These settings with another number of server verticles. */
  public GatewaySettings withInstances(int newInstances) {
    return new GatewaySettings(
        host,
        port,
        publicUrl,
        maxHeaderSize,
        maxUriLength,
        maxBodySize,
        drainTimeout,
        upstreamPoolSize,
        upstreamKeepAliveTimeout,
        trustForwardedHeaders,
        newInstances,
        clientTimeouts,
        bodyBuffer,
        upstreamWaitQueue,
        tls);
  }

  /** These settings with forwarding headers trusted or not. */
  public GatewaySettings withTrustForwardedHeaders(boolean trust) {
    return new GatewaySettings(
        host,
        port,
        publicUrl,
        maxHeaderSize,
        maxUriLength,
        maxBodySize,
        drainTimeout,
        upstreamPoolSize,
        upstreamKeepAliveTimeout,
        trust,
        instances,
        clientTimeouts,
        bodyBuffer,
        upstreamWaitQueue,
        tls);
  }

  /** These settings with other client timeouts and body buffer. */
  public GatewaySettings withClientTimeouts(ClientTimeouts newTimeouts, int newBodyBuffer) {
    return new GatewaySettings(
        host,
        port,
        publicUrl,
        maxHeaderSize,
        maxUriLength,
        maxBodySize,
        drainTimeout,
        upstreamPoolSize,
        upstreamKeepAliveTimeout,
        trustForwardedHeaders,
        instances,
        newTimeouts,
        newBodyBuffer,
        upstreamWaitQueue,
        tls);
  }

  /** These settings serving HTTPS as {@code newTls} says (null: plain HTTP). */
  public GatewaySettings withTls(ServerTls newTls) {
    return new GatewaySettings(
        host,
        port,
        publicUrl,
        maxHeaderSize,
        maxUriLength,
        maxBodySize,
        drainTimeout,
        upstreamPoolSize,
        upstreamKeepAliveTimeout,
        trustForwardedHeaders,
        instances,
        clientTimeouts,
        bodyBuffer,
        upstreamWaitQueue,
        newTls);
  }

  /** These settings with another upstream pool: connections and waiting calls. */
  public GatewaySettings withUpstreamPool(int newPoolSize, int newWaitQueue) {
    return new GatewaySettings(
        host,
        port,
        publicUrl,
        maxHeaderSize,
        maxUriLength,
        maxBodySize,
        drainTimeout,
        newPoolSize,
        upstreamKeepAliveTimeout,
        trustForwardedHeaders,
        instances,
        clientTimeouts,
        bodyBuffer,
        newWaitQueue,
        tls);
  }

  private static void requirePositive(String name, long value) {
    if (value <= 0) throw new IllegalArgumentException(name + " must be > 0, was " + value);
  }

  private static String urlHost(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
