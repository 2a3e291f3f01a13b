package io.portcullis.control;

import java.util.function.Supplier;

/**
 * Who the control-plane writes made on the current thread are made by, for the audit log. The doors
 * set it around their calls: the admin API and the Manager to the signed-in username, the
 * configuration file's apply to {@value #CONFIG_FILE}; a write made outside any is by {@value
 * #SYSTEM}. Control-plane calls block on the calling thread, so the actor set there is the one the
 * write sees.
 */
public final class Actor {
  /** The actor of writes no door named. */
  public static final String SYSTEM = "system";

  /** The actor of the configuration file's apply at start. */
  public static final String CONFIG_FILE = "config-file";

  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

  private Actor() {}

  /** Runs the work with {@code actor} as the actor of its writes, then restores the previous. */
  public static <R> R as(String actor, Supplier<R> work) {
    try {
      return call(actor, work::get);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e); // a Supplier throws no checked exception
    }
  }

  /** As {@link #as}, for work that may throw a checked exception. */
  public static <R> R call(String actor, java.util.concurrent.Callable<R> work) throws Exception {
    String previous = CURRENT.get();
    CURRENT.set(actor == null || actor.isBlank() ? SYSTEM : actor);
    try {
      return work.call();
    } finally {
      if (previous == null) CURRENT.remove();
      else CURRENT.set(previous);
    }
  }

  /** The current thread's actor. */
  public static String current() {
    String actor = CURRENT.get();
    return actor == null ? SYSTEM : actor;
  }
}
