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

  /** Every default, listening on 127.0.0.1:8080. */
  public static GatewaySettings defaults() {
    return builder().build();
  }

  /** These settings listening on another address; a derived public URL follows it. */
  public GatewaySettings withListen(String newHost, int newPort) {
    return toBuilder().host(newHost).port(newPort).publicUrl(null).build();
  }

  /** These settings with other request limits. */
  public GatewaySettings withLimits(int newMaxHeaderSize, int newMaxUriLength, long newMaxBody) {
    return toBuilder()
        .maxHeaderSize(newMaxHeaderSize)
        .maxUriLength(newMaxUriLength)
        .maxBodySize(newMaxBody)
        .build();
  }

  /** These settings with another number of server verticles. */
  public GatewaySettings withInstances(int newInstances) {
    return toBuilder().instances(newInstances).build();
  }

  /** These settings with forwarding headers trusted or not. */
  public GatewaySettings withTrustForwardedHeaders(boolean trust) {
    return toBuilder().trustForwardedHeaders(trust).build();
  }

  /** These settings with other client timeouts and body buffer. */
  public GatewaySettings withClientTimeouts(ClientTimeouts newTimeouts, int newBodyBuffer) {
    return toBuilder().clientTimeouts(newTimeouts).bodyBuffer(newBodyBuffer).build();
  }

  /** These settings serving HTTPS as {@code newTls} says (null: plain HTTP). */
  public GatewaySettings withTls(ServerTls newTls) {
    return toBuilder().tls(newTls).build();
  }

  /** These settings with another upstream pool: connections and waiting calls. */
  public GatewaySettings withUpstreamPool(int newPoolSize, int newWaitQueue) {
    return toBuilder().upstreamPoolSize(newPoolSize).upstreamWaitQueue(newWaitQueue).build();
  }

  /**
   * A builder holding every default (those of {@link #defaults()}); plain HTTP, public URL derived
   * from the address.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every component of these settings, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .host(host)
        .port(port)
        .publicUrl(publicUrl)
        .maxHeaderSize(maxHeaderSize)
        .maxUriLength(maxUriLength)
        .maxBodySize(maxBodySize)
        .drainTimeout(drainTimeout)
        .upstreamPoolSize(upstreamPoolSize)
        .upstreamKeepAliveTimeout(upstreamKeepAliveTimeout)
        .trustForwardedHeaders(trustForwardedHeaders)
        .instances(instances)
        .clientTimeouts(clientTimeouts)
        .bodyBuffer(bodyBuffer)
        .upstreamWaitQueue(upstreamWaitQueue)
        .tls(tls);
  }

  /**
   * Builds a {@link GatewaySettings} component by component; each setter names the component it
   * sets (see the record's parameters). Not thread-safe.
   */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private URI publicUrl;
    private int maxHeaderSize = DEFAULT_MAX_HEADER_SIZE;
    private int maxUriLength = DEFAULT_MAX_URI_LENGTH;
    private long maxBodySize = DEFAULT_MAX_BODY_SIZE;
    private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private int upstreamPoolSize = DEFAULT_UPSTREAM_POOL_SIZE;
    private Duration upstreamKeepAliveTimeout = DEFAULT_UPSTREAM_KEEP_ALIVE_TIMEOUT;
    private boolean trustForwardedHeaders;
    private int instances = Runtime.getRuntime().availableProcessors();
    private ClientTimeouts clientTimeouts = ClientTimeouts.DEFAULT;
    private int bodyBuffer = DEFAULT_BODY_BUFFER;
    private int upstreamWaitQueue = DEFAULT_UPSTREAM_WAIT_QUEUE;
    private ServerTls tls;

    private Builder() {}

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder publicUrl(URI publicUrl) {
      this.publicUrl = publicUrl;
      return this;
    }

    public Builder maxHeaderSize(int maxHeaderSize) {
      this.maxHeaderSize = maxHeaderSize;
      return this;
    }

    public Builder maxUriLength(int maxUriLength) {
      this.maxUriLength = maxUriLength;
      return this;
    }

    public Builder maxBodySize(long maxBodySize) {
      this.maxBodySize = maxBodySize;
      return this;
    }

    public Builder drainTimeout(Duration drainTimeout) {
      this.drainTimeout = drainTimeout;
      return this;
    }

    public Builder upstreamPoolSize(int upstreamPoolSize) {
      this.upstreamPoolSize = upstreamPoolSize;
      return this;
    }

    public Builder upstreamKeepAliveTimeout(Duration upstreamKeepAliveTimeout) {
      this.upstreamKeepAliveTimeout = upstreamKeepAliveTimeout;
      return this;
    }

    public Builder trustForwardedHeaders(boolean trustForwardedHeaders) {
      this.trustForwardedHeaders = trustForwardedHeaders;
      return this;
    }

    public Builder instances(int instances) {
      this.instances = instances;
      return this;
    }

    public Builder clientTimeouts(ClientTimeouts clientTimeouts) {
      this.clientTimeouts = clientTimeouts;
      return this;
    }

    public Builder bodyBuffer(int bodyBuffer) {
      this.bodyBuffer = bodyBuffer;
      return this;
    }

    public Builder upstreamWaitQueue(int upstreamWaitQueue) {
      this.upstreamWaitQueue = upstreamWaitQueue;
      return this;
    }

    public Builder tls(ServerTls tls) {
      this.tls = tls;
      return this;
    }

    /**
     * The settings; the canonical constructor checks every value and derives a missing public URL.
     */
    public GatewaySettings build() {
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
          tls);
    }
  }

  private static void requirePositive(String name, long value) {
    if (value <= 0) throw new IllegalArgumentException(name + " must be > 0, was " + value);
  }

  private static String urlHost(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
