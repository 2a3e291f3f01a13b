package io.portcullis.gateway;

import io.portcullis.gateway.authorize.PolicyAuthorizer;
import io.portcullis.gateway.identify.Identifier;
import io.portcullis.gateway.identify.Identifiers;
import io.portcullis.monitor.TransactionEvent;
import io.portcullis.registry.Api;
import io.portcullis.registry.Application;
import io.portcullis.registry.SnapshotHolder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A started gateway on a free port, with its snapshot holder and the events it recorded. */
public final class RunningGateway implements AutoCloseable {
  public final Vertx vertx;
  public final SnapshotHolder snapshots = new SnapshotHolder();
  public final List<TransactionEvent> events = new CopyOnWriteArrayList<>();
  public final GatewayServer server;
  public final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final AtomicLong versions = new AtomicLong();

  public RunningGateway(GatewaySettings settings, List<Identifier> identifiers) throws Exception {
    this(settings, identifiers, LocalRoutes.NONE);
  }

  public RunningGateway(GatewaySettings settings, List<Identifier> identifiers, LocalRoutes local)
      throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    server =
        new GatewayServer(
            vertx,
            settings,
            snapshots,
            Identifiers.of(identifiers),
            new PolicyAuthorizer(),
            events::add,
            local,
            Clock.systemUTC());
    await(server.start());
  }

  public static GatewaySettings settings() {
    return GatewaySettings.defaults().withListen("127.0.0.1", 0).withInstances(2);
  }

  public void publish(List<Api> apis, List<Application> applications) {
    snapshots.publish(ApiFixtures.snapshot(versions.incrementAndGet(), apis, applications));
  }

  public URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
  }

  public HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery)).GET();
    if (headers.length > 0) request.headers(headers);
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> send(HttpRequest request) throws Exception {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  public static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    await(server.close(Duration.ofSeconds(5)));
    await(vertx.close());
  }
}
