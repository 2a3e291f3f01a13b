package io.portcullis.app;

import io.portcullis.store.Database;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The {@code --data}, {@code --db} and {@code --db-password-file} options of the commands that work
 * on a stopped node's store, and where the database password comes from.
 */
final class StoreOptions {
  /**
   * The environment variable with the database password, so that it need not be in the {@code --db}
   * URL, where {@code ps} shows it to every user of the machine.
   */
  static final String PASSWORD_ENV = "PORTCULLIS_DB_PASSWORD";

  static final String PASSWORD_FILE_OPTION = "--db-password-file";

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

  @Option(
      names = PASSWORD_FILE_OPTION,
      paramLabel = "FILE",
      description =
          "File holding the database password (one line), instead of password= in the --db URL,"
              + " which ps shows; or set "
              + PASSWORD_ENV
              + ".")
  Path passwordFile;

  /** The same default as {@code serve}: the embedded H2 database in the data directory. */
  static String defaultUrl(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("portcullis");
  }

  Path dataDir() {
    return data.toAbsolutePath();
  }

  Database open() {
    return Database.open(
        db != null ? db : defaultUrl(data),
        null,
        withPasswordFile(System.getenv(), passwordFile).get(PASSWORD_ENV));
  }

  /**
   * The environment, with {@value #PASSWORD_ENV} set to the content of the password file when one
   * is given (it wins over the variable): its one line, without the line break.
   *
   * @throws IllegalArgumentException naming the option and the file when it cannot be read or holds
   *     no password
   */
  static Map<String, String> withPasswordFile(Map<String, String> env, Path file) {
    if (file == null) return env;
    String password;
    try {
      password = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          PASSWORD_FILE_OPTION + " " + file + " cannot be read: " + e.getMessage(), e);
    }
    password = password.replaceFirst("\\r?\\n$", "");
    if (password.isEmpty() || password.contains("\n")) {
      throw new IllegalArgumentException(
          PASSWORD_FILE_OPTION + " " + file + " must hold the password on one line; it has none");
    }
    Map<String, String> with = new HashMap<>(env);
    with.put(PASSWORD_ENV, password);
    return with;
  }
}
