package io.portcullis.gateway.proxy;

import java.net.URI;
import java.util.List;

/**
 * Picks the upstream of each request round-robin. One selector serves one event loop, so the
 * counter needs no synchronization; across event loops the rotation is independent.
 */
final class UpstreamSelector {
  private int next;

  /**
   * The next upstream of the list.
   *
   * @param upstreams at least one
   */
  URI pick(List<URI> upstreams) {
    if (upstreams.size() == 1) return upstreams.get(0);
    return upstreams.get(Math.floorMod(next++, upstreams.size()));
  }
}
