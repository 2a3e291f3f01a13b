package io.portcullis.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's database: a HikariCP pool on an H2 or PostgreSQL JDBC URL, migrated to the newest
 * schema ({@code classpath:db/migration}) when opened. Close it on shutdown.
 *
 * <p>Accepted URLs: {@code jdbc:h2:file:<path>} (the embedded default), {@code jdbc:h2:mem:<name>}
 * (tests) and {@code jdbc:postgresql:…}. H2 URLs get settings that suit a pool owned by this class,
 * unless the URL sets them itself: a file database {@code AUTO_SERVER=FALSE} (one process owns the
 * file) and {@code DB_CLOSE_ON_EXIT=FALSE} (H2's own shutdown hook would close the database under
 * the still-running server; {@link #close()} closes it instead) and {@code WRITE_DELAY=0} (a commit
 * is written to the file before it returns, so that a write that was answered survives the process
 * being killed; H2's default writes up to 500 ms later); an in-memory database {@code
 * DB_CLOSE_DELAY=-1} (it would vanish whenever the pool happened to hold no connection; it lives
 * until the JVM exits). The migrations are portable SQL: H2 runs in its default mode.
 */
public final class Database implements AutoCloseable {
  /** The kind of database behind the URL. */
  public enum Dialect {
    H2,
    POSTGRESQL
  }

  private static final Logger log = LoggerFactory.getLogger(Database.class);
  private static final String H2_FILE = "jdbc:h2:file:";
  private static final String H2_MEM = "jdbc:h2:mem:";
  private static final String POSTGRESQL = "jdbc:postgresql:";
  private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)([^&;]*)");
  private static final long CONNECTION_TIMEOUT_MILLIS = 5_000;

  /** H2's {@code ErrorCode.DATABASE_ALREADY_OPEN_1}: the file is locked by another process. */
  private static final int H2_DATABASE_ALREADY_OPEN = 90020;

  private static final int MAXIMUM_POOL_SIZE = 10;

  private final HikariDataSource dataSource;
  private final StoreCircuit circuit;
  private final Dialect dialect;
  private final String description;

  private Database(HikariDataSource dataSource, Dialect dialect, String description) {
    this.dataSource = dataSource;
    this.circuit = new StoreCircuit(dataSource, description, StoreCircuit.Settings.DEFAULT);
    this.dialect = dialect;
    this.description = description;
  }

  /**
   * As {@link #open(String, String, String)} without user and password (or with them in the URL).
   */
  public static Database open(String jdbcUrl) {
    return open(jdbcUrl, null, null);
  }

  /**
   * Opens a pool on the URL, checks that a connection can be made and applies pending migrations.
   *
   * @param jdbcUrl an H2 file or in-memory URL, or a PostgreSQL URL
   * @param user the database user, or null (for H2: its default; for PostgreSQL: from the URL)
   * @param password the password, or null
   * @throws StoreException naming the URL (passwords masked) and what went wrong when the URL is
   *     not supported, the database cannot be reached, or a migration fails
   */
  public static Database open(String jdbcUrl, String user, String password) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    List<String> secrets = secrets(jdbcUrl, password);
    String shown = describe(jdbcUrl, user);
    Dialect dialect = dialectOf(jdbcUrl, shown);

    HikariConfig config = new HikariConfig();
    config.setPoolName("portcullis-store");
    config.setJdbcUrl(effectiveUrl(jdbcUrl));
    config.setDriverClassName(dialect == Dialect.H2 ? "org.h2.Driver" : "org.postgresql.Driver");
    if (user != null) config.setUsername(user);
    if (password != null) config.setPassword(password);
    config.setMaximumPoolSize(MAXIMUM_POOL_SIZE);
    config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);

    HikariDataSource dataSource;
    try {
      dataSource = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw failure("cannot open database " + shown, e, secrets, jdbcUrl);
    }
    try {
      Flyway.configure(Database.class.getClassLoader())
          .dataSource(dataSource)
          .locations("classpath:db/migration")
          .javaMigrations(new TransactionBlocksMigration())
          .load()
          .migrate();
    } catch (RuntimeException e) {
      dataSource.close();
      throw failure("cannot migrate database " + shown, e, secrets, jdbcUrl);
    }
    log.info("store opened: {}", shown);
    return new Database(dataSource, dialect, shown);
  }

  /**
   * The pool behind its circuit breaker ({@link StoreCircuit}): while the database is known to be
   * unreachable, {@code getConnection} fails at once. Closed by {@link #close()}.
   */
  public DataSource dataSource() {
    return circuit.dataSource();
  }

  /** The pool itself, for its metrics; the store's components use {@link #dataSource()}. */
  public HikariDataSource pool() {
    return dataSource;
  }

  /** The circuit breaker in front of the pool: whether the database answers, without blocking. */
  public StoreCircuit circuit() {
    return circuit;
  }

  /**
   * A new connection outside the pool, with the pool's URL and credentials, for a session that must
   * last as long as the process (a PostgreSQL {@code LISTEN}) without taking a pool slot. The
   * caller closes it.
   *
   * @throws SQLException when the connection cannot be opened
   */
  public Connection openDedicatedConnection() throws SQLException {
    return DriverManager.getConnection(
        dataSource.getJdbcUrl(), dataSource.getUsername(), dataSource.getPassword());
  }

  public Dialect dialect() {
    return dialect;
  }

  /** The URL as given, with passwords masked, and the user when one was given: safe to log. */
  public String describe() {
    return description;
  }

  /** Closes the pool; an H2 database closes with its last connection. Idempotent. */
  @Override
  public void close() {
    circuit.close();
    if (!dataSource.isClosed()) {
      dataSource.close();
      log.info("store closed: {}", description);
    }
  }

  @Override
  public String toString() {
    return "Database[" + description + "]";
  }

  private static Dialect dialectOf(String url, String shown) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith(H2_FILE) || lower.startsWith(H2_MEM)) return Dialect.H2;
    if (lower.startsWith(POSTGRESQL)) return Dialect.POSTGRESQL;
    throw new StoreException(
        "cannot open database "
            + shown
            + ": unsupported JDBC URL; expected jdbc:h2:file:<path>, jdbc:h2:mem:<name> or"
            + " jdbc:postgresql://<host>[:<port>]/<database>");
  }

  private static String effectiveUrl(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith(H2_FILE)) {
      String owned = withDefault(url, "AUTO_SERVER", "FALSE");
      // Durable commits: H2 writes a commit to the file only up to 500 ms later by default, so an
      // answered write could be lost to a kill -9. With 0 each commit is written before it returns.
      return withDefault(withDefault(owned, "DB_CLOSE_ON_EXIT", "FALSE"), "WRITE_DELAY", "0");
    }
    if (lower.startsWith(H2_MEM)) return withDefault(url, "DB_CLOSE_DELAY", "-1");
    // One multi-row INSERT per JDBC batch instead of a statement per row (transaction records).
    if (lower.contains("rewritebatchedinserts=")) return url;
    return url + (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
  }

  private static String withDefault(String h2Url, String setting, String value) {
    boolean present = h2Url.toUpperCase(Locale.ROOT).contains(";" + setting + "=");
    return present ? h2Url : h2Url + ";" + setting + "=" + value;
  }

  private static String describe(String url, String user) {
    String masked = PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
    return user == null ? masked : masked + " as user " + user;
  }

  /** Passwords that must not appear in messages: the argument and any in the URL. */
  private static List<String> secrets(String url, String password) {
    List<String> secrets = new ArrayList<>();
    if (password != null && !password.isEmpty()) secrets.add(password);
    Matcher m = PASSWORD_PARAMETER.matcher(url);
    while (m.find()) {
      if (!m.group(2).isEmpty()) secrets.add(m.group(2));
    }
    return secrets;
  }

  private static StoreException failure(
      String what, RuntimeException e, List<String> secrets, String url) {
    String reason = mask(heldByAnotherProcess(e, url).orElseGet(() -> reason(e)), secrets);
    // Driver messages may quote the URL; keep the cause only when no password shows in it.
    return mentionsAny(e, secrets)
        ? new StoreException(what + ": " + reason)
        : new StoreException(what + ": " + reason, e);
  }

  /**
   * The exception and its causes, each once: H2's exceptions can form a cause cycle (a locked file
   * gives one), which a plain {@code getCause()} walk follows forever.
   */
  private static List<Throwable> causes(Throwable e) {
    List<Throwable> chain = new ArrayList<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) chain.add(t);
    return chain;
  }

  /**
   * When an H2 file is open in another process (a running node, or a second {@code serve} or an
   * {@code export} on its data directory), says so and names the file, instead of H2's message.
   */
  private static Optional<String> heldByAnotherProcess(Throwable e, String url) {
    for (Throwable t : causes(e)) {
      if (t instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
        return Optional.of(
            "another process holds the database file "
                + h2File(url)
                + " (a running node using this data directory?); stop it, or use its admin API"
                + " (export: GET /export on the admin port)");
      }
    }
    return Optional.empty();
  }

  /** The file of an H2 file URL: its path (up to the first setting) with H2's ".mv.db". */
  private static String h2File(String url) {
    String path = url.substring(H2_FILE.length());
    int settings = path.indexOf(';');
    return (settings < 0 ? path : path.substring(0, settings)) + ".mv.db";
  }

  /** The most specific message: the first SQL exception's, else the deepest cause's. */
  private static String reason(Throwable e) {
    Throwable deepest = e;
    for (Throwable t : causes(e)) {
      if (t instanceof SQLException && t.getMessage() != null) return t.getMessage();
      if (t.getMessage() != null) deepest = t;
    }
    return deepest.getMessage() != null ? deepest.getMessage() : deepest.toString();
  }

  private static String mask(String text, List<String> secrets) {
    String masked = PASSWORD_PARAMETER.matcher(text).replaceAll("$1***");
    for (String secret : secrets) masked = masked.replace(secret, "***");
    return masked;
  }

  private static boolean mentionsAny(Throwable e, List<String> secrets) {
    return mentionsAny(e, secrets, Collections.newSetFromMap(new IdentityHashMap<>()));
  }

  /** Walks causes and suppressed exceptions, each once, so that a cycle ends the walk. */
  private static boolean mentionsAny(Throwable e, List<String> secrets, Set<Throwable> seen) {
    for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      for (String secret : secrets) {
        if (message.contains(secret)) return true;
      }
      for (Throwable suppressed : t.getSuppressed()) {
        if (mentionsAny(suppressed, secrets, seen)) return true;
      }
    }
    return false;
  }
}
