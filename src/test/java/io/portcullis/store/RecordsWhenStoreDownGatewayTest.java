package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.ApiFixtures;
import io.portcullis.gateway.EchoUpstream;
import io.portcullis.gateway.GatewayServer;
import io.portcullis.gateway.LocalRoutes;
import io.portcullis.gateway.RunningGateway;
import io.portcullis.gateway.authorize.PolicyAuthorizer;
import io.portcullis.gateway.identify.Identifiers;
import io.portcullis.monitor.TransactionRecords;
import io.portcullis.registry.SnapshotHolder;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A real gateway whose records go to a store that is down: every call is still answered, and every
 * record that could not be stored is counted.
 */
class RecordsWhenStoreDownGatewayTest {

  @Test
  void gatewayWhenStoreDownThenCallsServedAndLostRecordsCounted() throws Exception {
    Database stopped = Database.open(TestDatabases.h2());
    JdbcTransactionRepository repository =
        new JdbcTransactionRepository(stopped.dataSource(), stopped.dialect());
    stopped.close();
    TransactionRecords records =
        new TransactionRecords(
            repository,
            () -> "node-a",
            new TransactionRecords.Settings(
                true, false, 8, 100, Duration.ofMillis(20), 2, Duration.ofMillis(100)));
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    EchoUpstream upstream = new EchoUpstream(vertx);
    SnapshotHolder snapshots = new SnapshotHolder();
    snapshots.publish(
        ApiFixtures.snapshot(
            1,
            List.of(
                ApiFixtures.open(
                    "petstore", "/petstore", URI.create("http://127.0.0.1:" + upstream.port()))),
            List.of()));
    GatewayServer gateway =
        new GatewayServer(
            vertx,
            RunningGateway.settings(),
            snapshots,
            Identifiers.of(List.of()),
            new PolicyAuthorizer(),
            records,
            LocalRoutes.NONE,
            Clock.systemUTC());
    try {
      int port = RunningGateway.await(gateway.start());
      HttpClient client = HttpClient.newHttpClient();
      for (int i = 0; i < 40; i++) {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/petstore/pets"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
      }
    } finally {
      RunningGateway.await(gateway.close(Duration.ofSeconds(5)));
      upstream.close();
      RunningGateway.await(vertx.close());
    }
    records.flush(Duration.ofSeconds(30));
    records.close();

    assertThat(records.written()).isZero();
    assertThat(records.dropped().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(40);
  }
}
