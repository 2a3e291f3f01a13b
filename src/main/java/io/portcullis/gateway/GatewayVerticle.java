package io.portcullis.gateway;

import io.portcullis.gateway.authorize.Authorizer;
import io.portcullis.gateway.identify.IdentificationPolicy;
import io.portcullis.gateway.proxy.RequestTransformer;
import io.portcullis.gateway.proxy.UpstreamProxy;
import io.portcullis.http.TlsListener;
import io.portcullis.monitor.TransactionRecorder;
import io.portcullis.registry.Snapshot;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One event loop's share of the gateway: an HTTP server on the shared port, its own upstream client
 * (keep-alive pool) and its own pipeline, so that a request never leaves its event loop.
 */
final class GatewayVerticle extends VerticleBase {
  /** Room for the method and {@code HTTP/1.1} around the request-target in Netty's line limit. */
  private static final int REQUEST_LINE_OVERHEAD = 32;

  private final GatewaySettings settings;
  private final int port;
  private final Supplier<Snapshot> snapshots;
  private final IdentificationPolicy identification;
  private final Authorizer authorizer;
  private final TransactionRecorder recorder;
  private final LocalRoutes localRoutes;
  private final Clock clock;
  private final RequestIds requestIds;

  private HttpServer server;
  private HttpClientAgent client;
  private ConnectionTimeouts connectionTimeouts;

  GatewayVerticle(
      GatewaySettings settings,
      int port,
      Supplier<Snapshot> snapshots,
      IdentificationPolicy identification,
      Authorizer authorizer,
      TransactionRecorder recorder,
      LocalRoutes localRoutes,
      Clock clock,
      RequestIds requestIds) {
    this.settings = settings;
    this.port = port;
    this.snapshots = snapshots;
    this.identification = identification;
    this.authorizer = authorizer;
    this.recorder = recorder;
    this.localRoutes = localRoutes;
    this.clock = clock;
    this.requestIds = requestIds;
  }

  @Override
  public Future<?> start() {
    client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout((int) settings.upstreamKeepAliveTimeout().toSeconds())
                .setTcpNoDelay(true)
                .setVerifyHost(true)
                .setName("portcullis-upstream"),
            new PoolOptions()
                .setHttp1MaxSize(settings.upstreamPoolSize())
                .setMaxWaitQueueSize(settings.upstreamWaitQueue()));
    RequestLimits limits = new RequestLimits(vertx, settings);
    RequestPipeline pipeline =
        new RequestPipeline(
            snapshots,
            limits,
            identification,
            authorizer,
            new RequestTransformer(settings.trustForwardedHeaders()),
            new UpstreamProxy(
                vertx,
                client,
                settings.maxBodySize(),
                settings.clientTimeouts(),
                settings.bodyBuffer(),
                settings.upstreamPoolSize()),
            recorder,
            clock,
            requestIds);
    connectionTimeouts = new ConnectionTimeouts(vertx, settings.clientTimeouts());
    connectionTimeouts.start();
    server =
        vertx
            .createHttpServer(serverOptions(settings))
            .connectionHandler(connectionTimeouts::opened)
            .requestHandler(request -> route(request, pipeline))
            .invalidRequestHandler(pipeline::handleInvalid);
    return server.listen(port, settings.host());
  }

  private void route(HttpServerRequest request, RequestPipeline pipeline) {
    connectionTimeouts.requestArrived(request);
    if (localRoutes.claims(request.path())) {
      pipeline.handleLocal(request, localRoutes.handler());
    } else {
      pipeline.handle(request);
    }
  }

  static HttpServerOptions serverOptions(GatewaySettings settings) {
    HttpServerOptions options =
        TlsListener.apply(
            ConnectionTimeouts.apply(new HttpServerOptions(), settings.clientTimeouts()),
            settings.tls());
    return options
        .setHost(settings.host())
        .setHttp2ClearTextEnabled(true)
        .setMaxHeaderSize(settings.maxHeaderSize())
        .setMaxInitialLineLength(settings.maxUriLength() + REQUEST_LINE_OVERHEAD)
        .setInitialSettings(new Http2Settings().setMaxHeaderListSize(settings.maxHeaderSize()))
        .setHandle100ContinueAutomatically(false)
        .setTcpNoDelay(true)
        // WebSocket is not proxied: without these Netty's extension handler inspects every request.
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        // Responses are written only on the connection's event loop (every future of the pipeline
        // completes there), so Vert.x may write them without its cross-thread message queue.
        .setStrictThreadMode(true);
  }

  /**
   * Serves new connections with these TLS options (certificates read again); open ones keep theirs.
   */
  Future<Boolean> updateTls(ServerSSLOptions options) {
    return server.updateSSLOptions(options, true);
  }

  /** The port the server is bound to. */
  int actualPort() {
    return server.actualPort();
  }

  /** Stops accepting, lets in-flight requests finish within the bound, then closes. */
  Future<Void> shutdown(Duration drain) {
    return server.shutdown(drain.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public Future<?> stop() {
    connectionTimeouts.stop();
    return client.close();
  }
}
