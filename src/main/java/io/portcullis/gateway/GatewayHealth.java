package io.portcullis.gateway;

import io.portcullis.registry.SnapshotHolder;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Readiness on the gateway port, for load balancers that cannot reach the admin port: {@code 200
 * {"status":"UP","store":"UP"}} while the node can serve (its registry snapshot is loaded), with
 * the store's state in the body ({@code "store":"DOWN"} while the database is unreachable:
 * JWT-protected and open APIs still work), else {@code 503 {"status":"DOWN",…}}. It answers from
 * kept state on the event loop at once, never waiting on the database. Only {@code GET} and {@code
 * HEAD}; anything else is 405.
 */
public final class GatewayHealth implements Handler<HttpServerRequest> {
  private final SnapshotHolder snapshots;
  private final BooleanSupplier storeAvailable;

  /**
   * @param snapshots the node's registry; ready once a snapshot is loaded
   * @param storeAvailable whether the store's database is reachable now; must not block
   */
  public GatewayHealth(SnapshotHolder snapshots, BooleanSupplier storeAvailable) {
    this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
    this.storeAvailable = Objects.requireNonNull(storeAvailable, "storeAvailable");
  }

  @Override
  public void handle(HttpServerRequest request) {
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      request.response().setStatusCode(405).putHeader("Allow", "GET, HEAD").end();
      return;
    }
    boolean ready = snapshots.isLoaded();
    String body =
        "{\"status\":\""
            + up(ready)
            + "\",\"store\":\""
            + up(storeAvailable.getAsBoolean())
            + "\"}";
    request
        .response()
        .setStatusCode(ready ? 200 : 503)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body);
  }

  private static String up(boolean up) {
    return up ? "UP" : "DOWN";
  }
}
