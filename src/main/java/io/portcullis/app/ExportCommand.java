package io.portcullis.app;

import io.portcullis.config.ConfigWriter;
import io.portcullis.control.ControlPlane;
import io.portcullis.credential.PasswordHasher;
import io.portcullis.registry.SnapshotHolder;
import io.portcullis.store.Database;
import io.portcullis.store.JdbcRegistryStore;
import io.portcullis.store.StoreJson;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code portcullis export}: writes the store's registry to stdout as the YAML of the configuration
 * file, secrets as hashes only.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = "Print the current state as configuration YAML (secrets as hashes).")
public final class ExportCommand implements Callable<Integer> {
  @Mixin StoreOptions store;

  @Override
  public Integer call() {
    try (Database database = store.open()) {
      ControlPlane control =
          new ControlPlane(
              new JdbcRegistryStore(database.dataSource(), StoreJson.mapper()),
              new SnapshotHolder(),
              new PasswordHasher(),
              StoreJson.mapper());
      System.out.print(new ConfigWriter().toYaml(control.export()));
      return 0;
    } catch (RuntimeException e) {
      System.err.println("portcullis: cannot export: " + e.getMessage());
      return 1;
    }
  }
}
