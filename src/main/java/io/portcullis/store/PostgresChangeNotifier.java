package io.portcullis.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ChangeNotifier} over PostgreSQL {@code LISTEN}/{@code NOTIFY}: every node that shares
 * the database receives every notice, within milliseconds, without polling the tables.
 *
 * <p>Notices are sent with {@code pg_notify} on a pooled connection. They are received on one
 * dedicated connection, outside the pool (a {@code LISTEN} lasts as long as its session), by a
 * thread of its own that waits in pgjdbc's {@link PGConnection#getNotifications(int)} and calls the
 * listeners. When that connection breaks, the thread reconnects (at once, then backing off up to
 * {@value #MAX_BACKOFF_MILLIS} ms between attempts) and, once listening again, tells every listener
 * that notices may have been {@linkplain Listener#missed missed}.
 */
public final class PostgresChangeNotifier implements ChangeNotifier {
  /** Opens the dedicated listening connection. */
  @FunctionalInterface
  public interface ConnectionFactory {
    Connection open() throws SQLException;
  }

  static final long MAX_BACKOFF_MILLIS = 10_000;
  private static final int WAIT_MILLIS = 250;
  private static final Logger log = LoggerFactory.getLogger(PostgresChangeNotifier.class);

  private final DataSource publishing;
  private final ConnectionFactory listening;
  private final ChangeListeners listeners = new ChangeListeners();
  private final Map<String, Channel> channelsByPgName = new HashMap<>();
  private final Object lifecycle = new Object();
  private volatile boolean running;
  private volatile Connection connection;
  private Thread thread;

  /**
   * @param publishing the pool, for sending notices
   * @param listening opens the connection that listens; it is closed by this notifier
   */
  public PostgresChangeNotifier(DataSource publishing, ConnectionFactory listening) {
    this.publishing = Objects.requireNonNull(publishing, "publishing");
    this.listening = Objects.requireNonNull(listening, "listening");
    for (Channel channel : Channel.values()) channelsByPgName.put(channel.pgName(), channel);
  }

  /**
   * Opens the listening connection and starts receiving. Returns once listening, so that every
   * notice sent after it returns is received.
   *
   * @throws StoreException when the connection cannot be opened or {@code LISTEN} fails
   * @throws IllegalStateException when started already
   */
  public void start() {
    synchronized (lifecycle) {
      if (running || thread != null) throw new IllegalStateException("started already");
      try {
        connection = listen();
      } catch (SQLException e) {
        throw new StoreException("cannot listen for change notices: " + e.getMessage(), e);
      }
      running = true;
      thread = new Thread(this::receive, "portcullis-change-listener");
      thread.setDaemon(true);
      thread.start();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Runs {@code SELECT pg_notify(channel, payload)} in auto-commit, so the notice is sent at
   * once.
   */
  @Override
  public void publish(Channel channel, String payload) {
    ChangeNotifier.checkPayload(channel, payload);
    try (Connection c = publishing.getConnection();
        PreparedStatement statement = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      statement.setString(1, channel.pgName());
      statement.setString(2, payload);
      statement.execute();
    } catch (SQLException e) {
      throw new StoreException(
          "cannot send change notice on " + channel.pgName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Subscription subscribe(Channel channel, Listener listener) {
    return listeners.add(channel, listener);
  }

  /** Stops the receiving thread and closes the listening connection. */
  @Override
  public void close() {
    Thread stopping;
    synchronized (lifecycle) {
      running = false;
      stopping = thread;
    }
    if (stopping != null) {
      stopping.interrupt();
      try {
        stopping.join(Duration.ofSeconds(5).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    closeQuietly(connection);
    connection = null;
  }

  /** The server process id of the listening session; for tests that break it. */
  int listenerBackendPid() throws SQLException {
    Connection c = connection;
    if (c == null) throw new SQLException("not listening");
    return c.unwrap(PGConnection.class).getBackendPID();
  }

  private Connection listen() throws SQLException {
    Connection c = listening.open();
    try {
      c.setAutoCommit(true);
      try (Statement statement = c.createStatement()) {
        for (Channel channel : Channel.values()) statement.execute("LISTEN " + channel.pgName());
      }
      return c;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  private void receive() {
    long backoff = 0;
    boolean failing = false;
    while (running) {
      try {
        if (connection == null) {
          connection = listen();
          log.info("listening for change notices again; caches are re-read");
          failing = false;
          backoff = 0;
          listeners.missed();
        }
        PGNotification[] notices =
            connection.unwrap(PGConnection.class).getNotifications(WAIT_MILLIS);
        if (notices == null) continue;
        for (PGNotification notice : notices) {
          Channel channel = channelsByPgName.get(notice.getName());
          if (channel != null) listeners.changed(channel, notice.getParameter());
        }
      } catch (SQLException | RuntimeException e) {
        if (!running) break;
        if (!failing) {
          // Once per outage: the reconnection attempts that follow would repeat it every backoff.
          log.atWarn()
              .addKeyValue("error", e.toString())
              .log("change notice connection lost; reconnecting");
          failing = true;
        }
        closeQuietly(connection);
        connection = null;
        if (!pause(backoff)) break;
        backoff = Math.min(MAX_BACKOFF_MILLIS, Math.max(250, backoff * 2));
      }
    }
  }

  private boolean pause(long millis) {
    if (millis == 0) return true;
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void closeQuietly(Connection c) {
    if (c == null) return;
    try {
      c.close();
    } catch (SQLException e) {
      log.debug("closing the change notice connection failed: {}", e.toString());
    }
  }
}
