package io.portcullis.gateway.proxy;

import io.portcullis.gateway.ClientTimeouts;
import io.portcullis.gateway.GatewaySettings;
import io.portcullis.gateway.RequestContext;
import io.portcullis.http.HttpError;
import io.portcullis.http.QueryToken;
import io.portcullis.registry.Api;
import io.portcullis.registry.RouteTable;
import io.portcullis.registry.UpstreamTls;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Forwards a request to one of its API's upstreams and relays the answer, streaming both bodies
 * with back-pressure: at most a few chunks of either body are held in memory, whatever its size.
 *
 * <p>The upstream path is the upstream URL's path followed by what follows the API's base path
 * ({@link RouteTable#remainder}); a request for exactly the base path goes to exactly the upstream
 * path. The query is kept as sent, less any {@code access_token} parameter ({@link QueryToken}),
 * but for bytes outside ASCII, which are percent-encoded.
 *
 * <p>A request body is read up to the body buffer (whole when smaller) before an upstream
 * connection is taken from the pool, and must keep coming at the client's minimum rate (else 408).
 * Timeouts come from the API ({@link Api#timeouts()}): {@code connect} bounds opening (or
 * obtaining) an upstream connection, failing with 502 (503 when the pool's wait queue is full);
 * {@code response} bounds the wait for the response head once the request has been sent, and for
 * the upstream to accept more of a request body, failing with 504; {@code idle} bounds each silence
 * between chunks of the response body, failing with a reset of the client's response, recorded as
 * aborted. Time spent waiting for the client to send its body is not counted against the upstream.
 */
public final class UpstreamProxy {
  private final Vertx vertx;
  private final HttpClient client;
  private final ProxyLimits limits;
  private final UpstreamSelector selector = new UpstreamSelector();

  /**
   * Calls holding or waiting for a connection, per upstream host and port (the URL's authority):
   * this proxy serves one event loop, as does its client's pool, so no locking is needed.
   */
  private final Map<String, int[]> callsByAuthority = new HashMap<>();

  /** Client TLS options by upstream TLS setting; this proxy's event loop only, so a plain map. */
  private final Map<UpstreamTls, ClientSSLOptions> upstreamSsl = new HashMap<>();

  /**
   * @param vertx for timers
   * @param client the keep-alive client of this event loop
   * @param maxBodySize the largest request body forwarded; beyond it the upstream request is reset
   *     and the client gets 413
   */
  public UpstreamProxy(Vertx vertx, HttpClient client, long maxBodySize) {
    this(
        vertx,
        client,
        maxBodySize,
        ClientTimeouts.DEFAULT,
        GatewaySettings.DEFAULT_BODY_BUFFER,
        GatewaySettings.DEFAULT_UPSTREAM_POOL_SIZE);
  }

  /**
   * @param clientTimeouts how fast the client must send its body ({@link ClientTimeouts#body()},
   *     {@link ClientTimeouts#minBodyRate()}); a slower one is answered 408
   * @param bodyBuffer how many bytes of a request body are read before an upstream connection is
   *     taken (the whole body when smaller); 0 takes it at once
   * @param poolSize the client's pool size per upstream host: a call that times out waiting for a
   *     connection while that many calls hold or wait for one is answered 503, not 502
   */
  public UpstreamProxy(
      Vertx vertx,
      HttpClient client,
      long maxBodySize,
      ClientTimeouts clientTimeouts,
      int bodyBuffer,
      int poolSize) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.client = Objects.requireNonNull(client, "client");
    this.limits =
        new ProxyLimits(
            maxBodySize,
            Objects.requireNonNull(clientTimeouts, "clientTimeouts"),
            bodyBuffer,
            poolSize);
  }

  /**
   * Forwards the routed, authorized request and relays the upstream's answer to the client. Must be
   * called on the request's event loop, with the request paused and its body unread.
   *
   * @param headers writes the upstream request's headers into its (empty) header map, once an
   *     upstream connection is ready
   * @return a future of empty once the upstream's answer has been relayed (completely, or as far as
   *     it went before a reset) or the client has gone away; of the error to answer when no
   *     response head has been sent (502 upstream unreachable or closed, 504 too slow, 413 body too
   *     large). Never failed.
   */
  public Future<Optional<HttpError>> forward(RequestContext ctx, Consumer<MultiMap> headers) {
    Api api = ctx.api();
    if (api.upstreams().isEmpty()) {
      return Future.succeededFuture(
          Optional.of(HttpError.of(502, "API " + api.key() + " has no upstream")));
    }
    URI upstream = selector.pick(api.upstreams());
    HttpServerRequest request = ctx.request();
    boolean ssl = "https".equalsIgnoreCase(upstream.getScheme());
    int port = upstream.getPort() >= 0 ? upstream.getPort() : ssl ? 443 : 80;
    RequestOptions options =
        new RequestOptions()
            .setMethod(request.method())
            .setHost(upstream.getHost())
            .setPort(port)
            .setSsl(ssl)
            .setURI(upstreamUri(upstream, api, ctx.path(), QueryToken.strip(ctx.query())))
            .setConnectTimeout(api.timeouts().connect());
    if (ssl && api.upstreamTls() != null) {
      // Only for APIs with their own upstream TLS; the others use the client's defaults. Settings
      // of APIs since changed are dropped now and then, so that the map stays small.
      if (upstreamSsl.size() > 1024) upstreamSsl.clear();
      options.setSslOptions(upstreamSsl.computeIfAbsent(api.upstreamTls(), UpstreamProxy::ssl));
    }
    Exchange exchange =
        new Exchange(
            vertx,
            ctx,
            upstream.getHost(),
            port,
            limits,
            callsByAuthority.computeIfAbsent(upstream.getRawAuthority(), authority -> new int[1]),
            headers);
    return exchange.start(client, options);
  }

  /**
   * The client TLS options of an API's {@code upstreamTls}, built once per distinct setting (the
   * connection pool is keyed by them, so equal settings share connections). Vert.x reads the files
   * off the event loop when it first builds their TLS context.
   */
  private static ClientSSLOptions ssl(UpstreamTls tls) {
    ClientSSLOptions options =
        new ClientSSLOptions()
            .setHostnameVerificationAlgorithm(tls.verifyHostname() ? "HTTPS" : "")
            .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
    if (tls.ca() != null) {
      // Vert.x caches TLS contexts by key and trust material only, and the first connection's
      // hostname verification then holds for every later one with the same material. A setting
      // without verification names its CA file by another spelling of the same path, so that it
      // never shares a context with settings that verify.
      String ca = tls.verifyHostname() ? tls.ca() : unverifiedSpelling(tls.ca());
      options.setTrustOptions(new PemTrustOptions().addCertPath(ca));
    }
    if (tls.certificate() != null && tls.key() != null) {
      options.setKeyCertOptions(
          new PemKeyCertOptions().setCertPath(tls.certificate()).setKeyPath(tls.key()));
    }
    return options;
  }

  /** The same file as {@code path}, spelled with a {@code ./} before its name. */
  static String unverifiedSpelling(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "./" + path : path.substring(0, slash) + "/./" + path.substring(slash + 1);
  }

  /** The request-target to send upstream. */
  static String upstreamUri(URI upstream, Api api, String path, String query) {
    String base = upstream.getRawPath() == null ? "" : upstream.getRawPath();
    while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
    String remainder = RouteTable.remainder(api, path);
    boolean exactlyBasePath = remainder.equals("/") && !path.endsWith("/");
    String target;
    if (base.isEmpty()) {
      target = remainder;
    } else {
      target = exactlyBasePath ? base : base + remainder;
    }
    return query == null ? target : target + "?" + query;
  }
}
