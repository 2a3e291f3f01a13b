package io.portcullis.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An embedded PostgreSQL of its own that a test can stop and start again, on the same port and data
 * directory, to cause a real database outage: {@code pg_ctl stop} (fast mode) ends every session
 * and refuses new ones until {@link #start()}. Not shared with other tests, so that an outage here
 * touches nothing else.
 */
public final class RestartablePostgres implements AutoCloseable {
  private final Path dataDir;
  private final int port;
  private EmbeddedPostgres server;

  /** Starts a new server on a free port with a fresh data directory. */
  public RestartablePostgres() {
    try {
      this.dataDir = Files.createTempDirectory("portcullis-outage-pg");
      try (ServerSocket socket = new ServerSocket(0)) {
        this.port = socket.getLocalPort();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    start();
  }

  /** The JDBC URL of its {@code postgres} database, with the user as a parameter. */
  public String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
  }

  /** Starts the server again (after {@link #stop()}), keeping its data. */
  public synchronized void start() {
    if (server != null) return;
    try {
      server =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(false)
              .setPort(port)
              .setServerConfig("fsync", "off")
              .setServerConfig("max_connections", "100")
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start: " + e.getMessage(), e);
    }
  }

  /** Stops the server: sessions end, new connections are refused. */
  public synchronized void stop() {
    if (server == null) return;
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server = null;
  }

  /** Stops the server and deletes its data. */
  @Override
  public void close() {
    stop();
    try (var files = Files.walk(dataDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
