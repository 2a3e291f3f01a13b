package io.portcullis.admin;

import io.portcullis.control.ControlPlane;
import io.portcullis.registry.SnapshotHolder;

/** Says whether this node can serve: what {@code /health} reports. */
@FunctionalInterface
public interface Readiness {

  /**
   * Checks the node now. May block (the store check runs a query): the admin server calls it on a
   * worker thread. Never throws: a check that cannot be made is DOWN.
   */
  Checks check();

  /**
   * The result of each check.
   *
   * @param store whether the store answers a trivial query
   * @param snapshot whether a snapshot of the registry has been published since start
   */
  record Checks(boolean store, boolean snapshot) {
    /** Ready when every check is UP. */
    public boolean ready() {
      return store && snapshot;
    }
  }

  /** The readiness of a node whose registry is written by this control plane into this holder. */
  static Readiness of(ControlPlane control, SnapshotHolder snapshots) {
    return () -> new Checks(control.isStoreReachable(), snapshots.isLoaded());
  }
}
