package io.portcullis.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * JDBC URLs of fresh, empty databases for tests, so that each test class (or test) has its own.
 *
 * <p>{@link #postgres()} uses one PostgreSQL server for the whole test run: the server named by the
 * environment variable {@value #POSTGRES_URL_VARIABLE} (a full JDBC URL with user and password
 * parameters, of a user allowed to create databases) when it is set, else an embedded PostgreSQL
 * started on first use on 127.0.0.1 and stopped when the JVM exits. As root, the embedded server
 * runs itself under a user namespace ({@code unshare} from util-linux). A server that cannot be had
 * fails the test; none is skipped.
 */
public final class TestDatabases {
  public static final String POSTGRES_URL_VARIABLE = "PORTCULLIS_TEST_POSTGRES_URL";

  private static final AtomicInteger counter = new AtomicInteger();
  // Unique per run, so that runs sharing an external server do not collide.
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static PostgresServer postgres;

  private TestDatabases() {}

  /** A fresh in-memory H2 database, which lives until the JVM exits. */
  public static String h2() {
    return "jdbc:h2:mem:portcullis-" + RUN + "-" + counter.incrementAndGet();
  }

  /** A fresh H2 file database in the directory (typically a {@code @TempDir}). */
  public static String h2File(Path directory) {
    return "jdbc:h2:file:"
        + directory.toAbsolutePath().resolve("portcullis-" + counter.incrementAndGet());
  }

  /**
   * A fresh, empty PostgreSQL database; the URL carries user and password as parameters, so open it
   * with {@code Database.open(url)}.
   */
  public static String postgres() {
    PostgresServer server = postgresServer();
    String name = "portcullis_test_" + RUN.replace('-', '_') + "_" + counter.incrementAndGet();
    try (Connection connection = DriverManager.getConnection(server.adminUrl());
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot create test database " + name + " on " + server.shown() + ": " + e.getMessage(),
          e);
    }
    server.created().add(name);
    return withDatabase(server.adminUrl(), name);
  }

  private static synchronized PostgresServer postgresServer() {
    if (postgres == null) {
      String external = System.getenv(POSTGRES_URL_VARIABLE);
      postgres =
          external == null || external.isBlank() ? startEmbedded() : useExternal(external.strip());
    }
    return postgres;
  }

  private static PostgresServer startEmbedded() {
    try {
      // Durability is of no use to a throw-away test server; these make it faster.
      EmbeddedPostgres server =
          EmbeddedPostgres.builder()
              .setServerConfig("fsync", "off")
              .setServerConfig("synchronous_commit", "off")
              .setServerConfig("full_page_writes", "off")
              .setServerConfig("max_connections", "300")
              .start();
      // The builder registers a shutdown hook that stops the server and removes its files.
      String url = "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/postgres?user=postgres";
      return new PostgresServer(url, url, new CopyOnWriteArrayList<>());
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start: " + e.getMessage(), e);
    }
  }

  private static PostgresServer useExternal(String url) {
    PostgresServer server =
        new PostgresServer(
            url, url.replaceAll("(?i)(password=)[^&]*", "$1***"), new CopyOnWriteArrayList<>());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> dropCreated(server)));
    return server;
  }

  /** Leaves an external server as it was found; an embedded one is thrown away whole. */
  private static void dropCreated(PostgresServer server) {
    try (Connection connection = DriverManager.getConnection(server.adminUrl());
        Statement statement = connection.createStatement()) {
      for (String name : server.created()) {
        statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      }
    } catch (SQLException e) {
      System.err.println(
          "could not drop test databases on " + server.shown() + ": " + e.getMessage());
    }
  }

  /** The URL with its database name replaced: {@code jdbc:postgresql://host:port/NAME?params}. */
  static String withDatabase(String url, String database) {
    String prefix = "jdbc:postgresql://";
    if (!url.startsWith(prefix)) {
      throw new IllegalArgumentException(
          POSTGRES_URL_VARIABLE + " must start with " + prefix + ", was " + url.split("\\?")[0]);
    }
    int query = url.indexOf('?');
    String params = query < 0 ? "" : url.substring(query);
    String location = query < 0 ? url : url.substring(0, query);
    int slash = location.indexOf('/', prefix.length());
    String hosts = slash < 0 ? location : location.substring(0, slash);
    return hosts + "/" + database + params;
  }

  private record PostgresServer(String adminUrl, String shown, List<String> created) {}
}
