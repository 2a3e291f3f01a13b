package io.portcullis.app;

import io.portcullis.config.ConfigException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code portcullis serve}: runs a node until Ctrl-C or SIGTERM, then drains and exits. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Run the gateway, the authorization server and the admin API.")
public final class ServeCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "The YAML configuration file.")
  Path config;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      defaultValue = "data",
      description =
          "Data directory: embedded database, master key, generated admin password (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(
      names = "--db",
      paramLabel = "JDBC_URL",
      description =
          "Database URL, e.g. jdbc:postgresql://host/db?user=u (overrides store.url); the password"
              + " from --db-password-file or PORTCULLIS_DB_PASSWORD.")
  String db;

  @Option(
      names = StoreOptions.PASSWORD_FILE_OPTION,
      paramLabel = "FILE",
      description =
          "File holding the database password (one line), instead of password= in the --db URL,"
              + " which ps shows; or set "
              + StoreOptions.PASSWORD_ENV
              + ".")
  Path passwordFile;

  @Option(
      names = "--reapply",
      description =
          "Apply the configuration file's registry content even when it is the content last"
              + " applied to the store (by default an unchanged file is not applied again, so that"
              + " changes made through the admin API survive a restart).")
  boolean reapply;

  @Override
  public Integer call() throws InterruptedException {
    PortcullisNode node;
    try {
      node =
          PortcullisNode.start(
              new NodeOptions(
                  config,
                  data,
                  db,
                  StoreOptions.withPasswordFile(System.getenv(), passwordFile),
                  reapply));
    } catch (ConfigException e) {
      System.err.println("portcullis: the configuration was not applied:");
      System.err.println(e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      System.err.println("portcullis: cannot start: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("portcullis: stopping (draining in-flight requests) …");
                  node.close();
                  stopped.countDown();
                },
                "portcullis-shutdown"));
    node.printBanner(System.out);
    stopped.await();
    return 0;
  }
}
