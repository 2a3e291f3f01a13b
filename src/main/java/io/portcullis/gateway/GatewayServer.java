package io.portcullis.gateway;

import io.portcullis.gateway.authorize.Authorizer;
import io.portcullis.gateway.identify.IdentificationPolicy;
import io.portcullis.gateway.identify.Identifiers;
import io.portcullis.monitor.TransactionRecorder;
import io.portcullis.registry.Snapshot;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.ServerSSLOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway listener: HTTP/1.1 and HTTP/2 over cleartext (h2c, by upgrade or prior knowledge) on
 * one port, served by {@link GatewaySettings#instances()} verticles, one per event loop, that share
 * the port.
 *
 * <p>Configuration changes need no restart: every request reads the current snapshot once.
 */
public final class GatewayServer {
  private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

  private final Vertx vertx;
  private final GatewaySettings settings;
  private final Supplier<Snapshot> snapshots;
  private final IdentificationPolicy identification;
  private final Authorizer authorizer;
  private final TransactionRecorder recorder;
  private final LocalRoutes localRoutes;
  private final Clock clock;
  private final RequestIds requestIds = new RequestIds();
  private final List<GatewayVerticle> verticles = new CopyOnWriteArrayList<>();
  private final List<String> deployments = new CopyOnWriteArrayList<>();
  private volatile int port = -1;

  /**
   * A gateway without local endpoints, on the system clock.
   *
   * @param snapshots the current registry snapshot, read once per request (a {@code
   *     SnapshotHolder})
   */
  public GatewayServer(
      Vertx vertx,
      GatewaySettings settings,
      Supplier<Snapshot> snapshots,
      Identifiers identifiers,
      Authorizer authorizer,
      TransactionRecorder recorder) {
    this(
        vertx,
        settings,
        snapshots,
        identifiers,
        authorizer,
        recorder,
        LocalRoutes.NONE,
        Clock.systemUTC());
  }

  /**
   * @param localRoutes endpoints served on the gateway port ahead of the APIs (the authorization
   *     server's)
   * @param clock the time of transaction events
   */
  public GatewayServer(
      Vertx vertx,
      GatewaySettings settings,
      Supplier<Snapshot> snapshots,
      Identifiers identifiers,
      Authorizer authorizer,
      TransactionRecorder recorder,
      LocalRoutes localRoutes,
      Clock clock) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
    this.identification = new IdentificationPolicy(identifiers);
    this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
    this.recorder = Objects.requireNonNull(recorder, "recorder");
    this.localRoutes = Objects.requireNonNull(localRoutes, "localRoutes");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Binds the port and starts serving.
   *
   * @return a future of the bound port (the chosen one when the settings say 0), failed when the
   *     port cannot be bound
   */
  public Future<Integer> start() {
    if (!deployments.isEmpty()) throw new IllegalStateException("the gateway is already started");
    // Vert.x shares a server socket between servers asking for the same host and port; port 0
    // would give each instance its own random port, a negative port shares one random port.
    int bindPort = settings.port() == 0 ? -1 : settings.port();
    return deploy(bindPort, settings.instances())
        .map(deployed -> verticles.get(0).actualPort())
        .onSuccess(
            bound -> {
              port = bound;
              log.info(
                  "gateway listening on {}:{} with {} event loop(s)",
                  settings.host(),
                  bound,
                  settings.instances());
            });
  }

  private Future<String> deploy(int bindPort, int instances) {
    return vertx
        .deployVerticle(
            () -> {
              GatewayVerticle verticle =
                  new GatewayVerticle(
                      settings,
                      bindPort,
                      snapshots,
                      identification,
                      authorizer,
                      recorder,
                      localRoutes,
                      clock,
                      requestIds);
              verticles.add(verticle);
              return verticle;
            },
            new DeploymentOptions().setInstances(instances))
        .onSuccess(deployments::add);
  }

  /**
   * Serves new connections with these TLS options, read again from their files, on every event
   * loop's server; open connections keep theirs.
   *
   * @return a future completed when every server has its new TLS context; failed when the files
   *     cannot be loaded (then the previous context stays)
   */
  public Future<Void> updateTls(ServerSSLOptions options) {
    List<Future<Boolean>> updates = new ArrayList<>();
    for (GatewayVerticle verticle : verticles) updates.add(verticle.updateTls(options));
    return Future.all(updates).mapEmpty();
  }

  /** The bound port; -1 before {@link #start()} completed. */
  public int port() {
    return port;
  }

  public GatewaySettings settings() {
    return settings;
  }

  /** {@link #close(Duration)} with the settings' drain timeout. */
  public Future<Void> close() {
    return close(settings.drainTimeout());
  }

  /**
   * Stops accepting connections at once, lets in-flight requests finish for at most {@code drain},
   * then closes every connection and the upstream pools.
   *
   * @return a future completed when everything is closed; never failed by requests cut short
   */
  public Future<Void> close(Duration drain) {
    List<Future<Void>> shutdowns = new ArrayList<>();
    for (GatewayVerticle verticle : verticles) {
      shutdowns.add(verticle.shutdown(drain).otherwiseEmpty());
    }
    return Future.join(shutdowns)
        .otherwiseEmpty()
        .compose(
            drained -> {
              List<Future<Void>> undeployments = new ArrayList<>();
              for (String id : deployments) undeployments.add(vertx.undeploy(id));
              deployments.clear();
              verticles.clear();
              return Future.join(undeployments).<Void>mapEmpty();
            })
        .onComplete(closed -> port = -1);
  }
}
