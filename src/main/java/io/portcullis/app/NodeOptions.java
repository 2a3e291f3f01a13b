package io.portcullis.app;

import java.nio.file.Path;
import java.util.Map;

/**
 * How to start a node: what {@code portcullis serve} reads from its command line and environment.
 *
 * @param config the configuration file, or null to run on defaults
 * @param dataDir where the embedded database, the master key and a generated admin password live
 * @param dbUrl a JDBC URL that overrides {@code store.url}, or null
 * @param env the environment ({@code ${VAR}} substitution, bootstrap secrets)
 * @param reapply apply the file's registry content even when it equals the content last applied to
 *     the store ({@code serve --reapply}); see {@link StartupApply}
 */
public record NodeOptions(
    Path config, Path dataDir, String dbUrl, Map<String, String> env, boolean reapply) {
  public NodeOptions {
    dataDir = dataDir == null ? Path.of("data") : dataDir;
    env = env == null ? Map.of() : Map.copyOf(env);
  }

  /** Without {@code --reapply}: the file is applied only when it changed. */
  public NodeOptions(Path config, Path dataDir, String dbUrl, Map<String, String> env) {
    this(config, dataDir, dbUrl, env, false);
  }
}
