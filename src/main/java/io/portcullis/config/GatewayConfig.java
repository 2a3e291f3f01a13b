package io.portcullis.config;

import io.portcullis.credential.FailureThrottle;
import io.portcullis.registry.ServerTls;
import java.net.URI;
import java.time.Duration;

/**
 * The {@code gateway} section: the port that proxies APIs and serves the authorization server.
 *
 * @param listen where to listen; default {@code 127.0.0.1:8080}
 * @param publicUrl the base URL clients use to reach the gateway, without a trailing {@code /}: the
 *     issuer of the internal authorization server and the base of its endpoint URLs; default {@code
 *     http://<listen host>:<port>} (see {@link #defaultPublicUrl})
 * @param maxHeaderSize largest request head accepted, in bytes; default 8192
 * @param maxUriLength longest request line URI accepted, in characters; default 8192
 * @param maxBodySize largest request body forwarded, in bytes, 0 for no limit; default 100 MiB
 * @param drainTimeout how long a stopping gateway waits for calls in flight; default 30 s
 * @param verifiedTokenCache how many verified JWTs are remembered so that a token presented again
 *     skips its signature check; 0 verifies every request afresh; default 100000
 * @param timeouts how long the gateway waits on clients ({@code gateway.timeouts})
 * @param bodyBuffer how many request-body bytes are read before an upstream connection is taken;
 *     default 64 KiB
 * @param authThrottle the failed-authentication limits ({@code authThrottle}); default {@link
 *     FailureThrottle.Settings#DEFAULTS}
 * @param healthPath the path on the gateway port that answers readiness, for load balancers that
 *     cannot reach the admin port; default {@value #DEFAULT_HEALTH_PATH}, which no API can be
 *     expected to use
 * @param tls HTTPS on the gateway port ({@code gateway.tls}); null for plain HTTP
 */
public record GatewayConfig(
    HostPort listen,
    URI publicUrl,
    int maxHeaderSize,
    int maxUriLength,
    long maxBodySize,
    Duration drainTimeout,
    long verifiedTokenCache,
    GatewayTimeouts timeouts,
    int bodyBuffer,
    FailureThrottle.Settings authThrottle,
    String healthPath,
    ServerTls tls) {

  public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 8080);
  public static final int DEFAULT_MAX_HEADER_SIZE = 8192;
  public static final int DEFAULT_MAX_URI_LENGTH = 8192;
  public static final long DEFAULT_MAX_BODY_SIZE = 100L * 1024 * 1024;
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
  public static final long DEFAULT_VERIFIED_TOKEN_CACHE = 100_000;
  public static final int DEFAULT_BODY_BUFFER = 64 * 1024;
  public static final String DEFAULT_HEALTH_PATH = "/.well-known/portcullis/health";

  public static final GatewayConfig DEFAULT = builder().build();

  public GatewayConfig {
    listen = listen == null ? DEFAULT_LISTEN : listen;
    publicUrl = publicUrl == null ? defaultPublicUrl(listen) : publicUrl;
    drainTimeout = drainTimeout == null ? DEFAULT_DRAIN_TIMEOUT : drainTimeout;
    timeouts = timeouts == null ? GatewayTimeouts.DEFAULT : timeouts;
    authThrottle = authThrottle == null ? FailureThrottle.Settings.DEFAULTS : authThrottle;
    healthPath = healthPath == null ? DEFAULT_HEALTH_PATH : healthPath;
  }

  /**
   * {@code http://<host>:<port>} of the listen address; a listener on every interface ({@code
   * 0.0.0.0}, {@code ::}) is shown as {@code localhost}, since clients cannot connect to those.
   */
  public static URI defaultPublicUrl(HostPort listen) {
    String host = listen.isAnyHost() ? "localhost" : listen.urlHost();
    return URI.create("http://" + host + ":" + listen.port());
  }

  /** The token endpoint under the public URL: the default {@code assertionAudience}. */
  public URI tokenEndpoint() {
    return URI.create(publicUrl + "/oauth2/token");
  }

  /**
   * A builder holding every default (those of {@link #DEFAULT}): plain HTTP, public URL derived
   * from {@code listen}.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every component of this section, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .listen(listen)
        .publicUrl(publicUrl)
        .maxHeaderSize(maxHeaderSize)
        .maxUriLength(maxUriLength)
        .maxBodySize(maxBodySize)
        .drainTimeout(drainTimeout)
        .verifiedTokenCache(verifiedTokenCache)
        .timeouts(timeouts)
        .bodyBuffer(bodyBuffer)
        .authThrottle(authThrottle)
        .healthPath(healthPath)
        .tls(tls);
  }

  /**
   * Builds a {@link GatewayConfig} section component by component; each setter names the component
   * it sets (see the record's parameters). Not thread-safe.
   */
  public static final class Builder {
    private HostPort listen = DEFAULT_LISTEN;
    private URI publicUrl;
    private int maxHeaderSize = DEFAULT_MAX_HEADER_SIZE;
    private int maxUriLength = DEFAULT_MAX_URI_LENGTH;
    private long maxBodySize = DEFAULT_MAX_BODY_SIZE;
    private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private long verifiedTokenCache = DEFAULT_VERIFIED_TOKEN_CACHE;
    private GatewayTimeouts timeouts;
    private int bodyBuffer = DEFAULT_BODY_BUFFER;
    private FailureThrottle.Settings authThrottle;
    private String healthPath;
    private ServerTls tls;

    private Builder() {}

    public Builder listen(HostPort listen) {
      this.listen = listen;
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

    public Builder verifiedTokenCache(long verifiedTokenCache) {
      this.verifiedTokenCache = verifiedTokenCache;
      return this;
    }

    public Builder timeouts(GatewayTimeouts timeouts) {
      this.timeouts = timeouts;
      return this;
    }

    public Builder bodyBuffer(int bodyBuffer) {
      this.bodyBuffer = bodyBuffer;
      return this;
    }

    public Builder authThrottle(FailureThrottle.Settings authThrottle) {
      this.authThrottle = authThrottle;
      return this;
    }

    public Builder healthPath(String healthPath) {
      this.healthPath = healthPath;
      return this;
    }

    public Builder tls(ServerTls tls) {
      this.tls = tls;
      return this;
    }

    /** The section; the canonical constructor fills the defaults of components left null. */
    public GatewayConfig build() {
      return new GatewayConfig(
          listen,
          publicUrl,
          maxHeaderSize,
          maxUriLength,
          maxBodySize,
          drainTimeout,
          verifiedTokenCache,
          timeouts,
          bodyBuffer,
          authThrottle,
          healthPath,
          tls);
    }
  }
}
