package io.portcullis.admin;

import io.portcullis.registry.SnapshotHolder;
import java.util.function.BooleanSupplier;

/** Says what this node can serve: what {@code /health} and {@code /health/ready} report. */
@FunctionalInterface
public interface Readiness {

  /**
   * The node's state now, from state kept up to date elsewhere (the store's circuit breaker and its
   * probe): never blocks, never throws, so that health answers at once even while the database is
   * away.
   */
  Checks check();

  /**
   * The result of each check.
   *
   * @param store whether the store's database is reachable (its circuit breaker is closed)
   * @param snapshot whether a snapshot of the registry has been published since start
   */
  record Checks(boolean store, boolean snapshot) {
    /**
     * Ready to take traffic: the data plane serves from the snapshot, so a node without its store
     * still serves JWT-protected and open APIs (only calls that need the store answer 503, on every
     * node alike). A load balancer that took such a node out would turn a database outage into a
     * total one.
     */
    public boolean ready() {
      return snapshot;
    }
  }

  /**
   * The readiness of a node whose store answers as {@code storeAvailable} says and whose registry
   * is published into this holder.
   */
  static Readiness of(BooleanSupplier storeAvailable, SnapshotHolder snapshots) {
    return () -> new Checks(storeAvailable.getAsBoolean(), snapshots.isLoaded());
  }
}
