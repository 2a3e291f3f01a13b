package io.portcullis.app;

import io.portcullis.store.Database;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --data} and {@code --db} options of the commands that work on a stopped node's store.
 */
final class StoreOptions {
  @Option(
      names = "--data",
      paramLabel = "DIR",
      defaultValue = "data",
      description = "Data directory: embedded database and master key (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(
      names = "--db",
      paramLabel = "JDBC_URL",
      description = "Database URL (default: the embedded database in --data).")
  String db;

  /** The same default as {@code serve}: the embedded H2 database in the data directory. */
  static String defaultUrl(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("portcullis");
  }

  Path dataDir() {
    return data.toAbsolutePath();
  }

  Database open() {
    return Database.open(db != null ? db : defaultUrl(data));
  }
}
