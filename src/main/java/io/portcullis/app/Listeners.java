package io.portcullis.app;

import io.portcullis.config.HostPort;
import io.vertx.core.Future;
import java.net.BindException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/** Waiting for a listener of the node to bind, with a failure an operator can act on. */
final class Listeners {
  private Listeners() {}

  /**
   * Waits until the listener listens.
   *
   * @param listener what listens, as the operator knows it: {@code gateway}, {@code admin}
   * @param at the configured address
   * @param started the listener's start
   * @return what the start answered (the bound port)
   * @throws IllegalStateException in one line naming the listener and the address when it cannot
   *     bind: {@link Future#await()} rethrows the bind failure as it is (a checked {@code
   *     BindException}, which callers catching runtime exceptions would let through with Netty's
   *     frames)
   */
  static <T> T await(String listener, HostPort at, Future<T> started) {
    try {
      return started.await();
    } catch (Exception e) {
      String where = "the " + listener + " listener cannot listen on " + address(at) + ": ";
      if (inUse(e)) {
        throw new IllegalStateException(
            where + "the address is already in use (another process listens there?)", e);
      }
      throw new IllegalStateException(where + e.getMessage(), e);
    }
  }

  private static String address(HostPort at) {
    return (at.host().contains(":") ? "[" + at.host() + "]" : at.host()) + ":" + at.port();
  }

  /**
   * A bind failure for a taken address: the JDK's {@link BindException} or a native transport's.
   */
  private static boolean inUse(Throwable e) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof BindException) return true;
      if (String.valueOf(t.getMessage()).contains("Address already in use")) return true;
    }
    return false;
  }
}
