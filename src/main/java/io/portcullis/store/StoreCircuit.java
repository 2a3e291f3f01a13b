package io.portcullis.store;

import io.portcullis.token.store.StoreUnavailable;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;

/**
 * A circuit breaker in front of the store's connection pool, so that a database outage is answered
 * at once instead of each call waiting the pool's connection timeout.
 *
 * <ul>
 *   <li><b>Closed</b> (normal): {@link #dataSource()} hands out the pool's connections. A
 *       connection that cannot be had because the database cannot be reached (the pool timed out
 *       after failing to connect, or the driver reports a connection failure: SQLState class {@code
 *       08}, or {@code 57P} for a PostgreSQL shutting down or starting) counts as a failure; any
 *       connection had resets the count. A pool that is merely busy (timed out without a connection
 *       failure) is not a failure. After {@link Settings#failureThreshold} failures in a row the
 *       circuit opens.
 *   <li><b>Open</b>: every {@code getConnection} fails at once with an exception that is {@link
 *       StoreUnavailable}; nothing waits. One line is logged.
 *   <li><b>Half-open</b>: every {@link Settings#probeInterval} a probe on a thread of its own takes
 *       a connection from the pool and checks it; calls are still refused meanwhile, so no call
 *       waits for the probe. When the probe succeeds the circuit closes (one line logged, with how
 *       long it was open); else it stays open.
 * </ul>
 *
 * <p>While closed and idle (no connection had for {@link Settings#idleCheckInterval}), the probe
 * checks the pool too, so that {@link #isAvailable()} (what readiness reports) follows the database
 * even without traffic. {@link #isAvailable()} never blocks.
 */
public final class StoreCircuit implements AutoCloseable {
  private static final org.slf4j.Logger log = LoggerFactory.getLogger(StoreCircuit.class);

  /** Where the circuit stands. */
  public enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  /**
   * @param failureThreshold connection failures in a row that open the circuit
   * @param probeInterval how often an open circuit probes the pool
   * @param idleCheckInterval how long a closed circuit without traffic waits before it checks the
   *     pool itself
   * @param probeTimeout how long a probe's connection check may take
   */
  public record Settings(
      int failureThreshold,
      Duration probeInterval,
      Duration idleCheckInterval,
      Duration probeTimeout) {
    public static final Settings DEFAULT =
        new Settings(2, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(2));

    public Settings {
      Objects.requireNonNull(probeInterval, "probeInterval");
      Objects.requireNonNull(idleCheckInterval, "idleCheckInterval");
      Objects.requireNonNull(probeTimeout, "probeTimeout");
      if (failureThreshold < 1) {
        throw new IllegalArgumentException(
            "failureThreshold must be at least 1; was " + failureThreshold);
      }
      if (probeInterval.toMillis() < 1) {
        throw new IllegalArgumentException("probeInterval must be positive; was " + probeInterval);
      }
      if (probeTimeout.toSeconds() < 1) {
        throw new IllegalArgumentException(
            "probeTimeout must be at least 1 second; was " + probeTimeout);
      }
    }
  }

  private final DataSource pool;
  private final String description;
  private final Settings settings;
  private final DataSource guarded;
  private final AtomicInteger failures = new AtomicInteger();
  private final ScheduledExecutorService prober;
  private final Object probing = new Object();
  private volatile State state = State.CLOSED;
  private boolean shutdown;
  private volatile Instant openedAt;
  private volatile long lastSuccessNanos = System.nanoTime();

  /**
   * Starts the probe thread.
   *
   * @param pool the connection pool to guard
   * @param description the database as it may be logged (no password)
   */
  public StoreCircuit(DataSource pool, String description, Settings settings) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.description = Objects.requireNonNull(description, "description");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.guarded = new Guarded();
    this.prober =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread t = new Thread(runnable, "portcullis-store-probe");
              t.setDaemon(true);
              return t;
            });
    long interval = settings.probeInterval().toMillis();
    prober.scheduleWithFixedDelay(this::probe, interval, interval, TimeUnit.MILLISECONDS);
  }

  /** The pool behind this circuit: what every store component should use. */
  public DataSource dataSource() {
    return guarded;
  }

  /** Whether calls reach the database: the circuit is closed. Never blocks. */
  public boolean isAvailable() {
    return state == State.CLOSED;
  }

  public State state() {
    return state;
  }

  /**
   * Stops the probe; the circuit then stays open (the store is closed, so not available). The pool
   * is not closed.
   */
  @Override
  public synchronized void close() {
    shutdown = true;
    prober.shutdownNow();
    if (openedAt == null || state == State.CLOSED) openedAt = Instant.now();
    state = State.OPEN;
  }

  private void succeeded() {
    lastSuccessNanos = System.nanoTime();
    failures.set(0);
  }

  private void failed(SQLException e) {
    if (!isConnectionFailure(e)) return;
    if (failures.incrementAndGet() >= settings.failureThreshold()) open(e);
  }

  private synchronized void open(SQLException cause) {
    if (state != State.CLOSED) return;
    state = State.OPEN;
    openedAt = Instant.now();
    log.atWarn()
        .addKeyValue("store", description)
        .addKeyValue("error", cause.getMessage())
        .log("store unavailable: calls that need it are answered at once until a probe reaches it");
  }

  private synchronized void closeCircuit() {
    if (state == State.CLOSED || shutdown) return;
    state = State.CLOSED;
    failures.set(0);
    log.atInfo()
        .addKeyValue("store", description)
        .addKeyValue("unavailableFor", Duration.between(openedAt, Instant.now()))
        .log("store available again");
  }

  /**
   * Checks the pool now, when the circuit is open, and closes the circuit when the check succeeds;
   * for whoever has seen the database come back (a listening connection re-established) and must
   * use it at once. Blocks up to the pool's connection timeout.
   *
   * @return whether the circuit is closed afterwards
   */
  public boolean probeNow() {
    return tryClose();
  }

  /** One round of the probe thread; never throws (that would cancel the schedule). */
  private void probe() {
    try {
      if (state != State.CLOSED) {
        tryClose();
        return;
      }
      long idle = System.nanoTime() - lastSuccessNanos;
      if (idle < settings.idleCheckInterval().toNanos()) return;
      try {
        check();
        succeeded();
      } catch (SQLException e) {
        failed(e);
      }
    } catch (RuntimeException e) {
      log.atWarn().addKeyValue("error", e.toString()).log("store probe failed unexpectedly");
    }
  }

  /** Half-open: one check at a time; calls are still refused meanwhile. */
  private boolean tryClose() {
    synchronized (probing) {
      synchronized (this) {
        if (state == State.CLOSED) return true;
        if (shutdown) return false;
        state = State.HALF_OPEN;
      }
      try {
        check();
        succeeded();
        closeCircuit();
        return true;
      } catch (SQLException e) {
        synchronized (this) {
          if (state == State.HALF_OPEN) state = State.OPEN;
        }
        log.atDebug().addKeyValue("error", e.getMessage()).log("store probe failed");
        return false;
      }
    }
  }

  private void check() throws SQLException {
    try (Connection connection = pool.getConnection()) {
      if (!connection.isValid((int) settings.probeTimeout().toSeconds())) {
        throw new SQLTransientConnectionException("the connection is not valid", "08006");
      }
    }
  }

  /**
   * Whether the database could not be reached, as opposed to a busy pool or a failed statement. The
   * pool's timeout carries the SQLState of its last connection failure.
   */
  static boolean isConnectionFailure(SQLException e) {
    for (SQLException s = e; s != null; s = s.getNextException()) {
      String state = s.getSQLState();
      if (state != null && (state.startsWith("08") || state.startsWith("57P"))) return true;
      if (s.getNextException() == s) break;
    }
    return false;
  }

  private SQLException unavailable() {
    return new Unavailable(
        "the store "
            + description
            + " is unavailable since "
            + openedAt
            + "; calls are refused until a probe reaches it again");
  }

  /** The failure of a call refused because the circuit is open. */
  static final class Unavailable extends SQLTransientConnectionException
      implements StoreUnavailable {
    private static final long serialVersionUID = 1L;

    Unavailable(String message) {
      super(message, "08001");
    }

    /** No stack trace: it is thrown on purpose, for every call during an outage. */
    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  /** The pool's connections, while the circuit is closed. */
  private final class Guarded implements DataSource {
    @Override
    public Connection getConnection() throws SQLException {
      if (state != State.CLOSED) throw unavailable();
      try {
        Connection connection = pool.getConnection();
        succeeded();
        return connection;
      } catch (SQLException e) {
        failed(e);
        throw e;
      }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      throw new SQLFeatureNotSupportedException("the store's pool has fixed credentials");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
      return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
      pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
      pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
      return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      return type.isInstance(this) ? type.cast(this) : pool.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
      return type.isInstance(this) || pool.isWrapperFor(type);
    }
  }
}
