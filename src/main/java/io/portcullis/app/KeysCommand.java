package io.portcullis.app;

import io.portcullis.registry.AuthorizationServer;
import io.portcullis.store.ChangeNotifier;
import io.portcullis.store.Database;
import io.portcullis.store.JdbcRegistryStore;
import io.portcullis.store.JdbcSigningKeyRepository;
import io.portcullis.store.JdbcTransactions;
import io.portcullis.store.StoreJson;
import io.portcullis.token.issue.KeyEncryptor;
import io.portcullis.token.issue.SigningKeys;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code portcullis keys rotate}: makes a new signing key of the internal authorization server
 * active in the store. Running nodes sharing that store are told at once (a {@code
 * SIGNING_KEYS_CHANGED} notice) and re-read their keys; the previous key stays published until
 * every token it signed has expired.
 */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Manage the gateway's signing keys.",
    subcommands = KeysCommand.Rotate.class)
public final class KeysCommand implements Runnable {
  @Override
  public void run() {
    System.out.println("usage: portcullis keys rotate [--data DIR] [--db JDBC_URL]");
  }

  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description = "Make a new signing key active.")
  static final class Rotate implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Override
    public Integer call() {
      try (Database database = store.open();
          ChangeNotifier notifier = ChangeNotifier.open(database)) {
        AuthorizationServer local =
            new JdbcRegistryStore(database.dataSource(), StoreJson.mapper())
                .authorizationServers()
                .find(AuthorizationServer.LOCAL)
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "the store has no authorization server 'local': start the gateway once first"));
        SecureRandom random = new SecureRandom();
        KeyEncryptor encryptor =
            KeyEncryptor.fromEnvironmentOrFile(
                System.getenv(KeyEncryptor.ENV), store.dataDir(), random);
        SigningKeys keys =
            new SigningKeys(
                new JdbcSigningKeyRepository(new JdbcTransactions(database.dataSource())),
                encryptor,
                Clock.systemUTC(),
                random,
                database.dialect() == Database.Dialect.POSTGRESQL
                    ? SigningKeys.PUBLICATION_DELAY
                    : Duration.ZERO);
        // Running nodes sharing the store re-read their keys at once on this notice.
        keys.onStoredChange(
            () -> notifier.publish(ChangeNotifier.Channel.SIGNING_KEYS_CHANGED, "keys rotate"));
        Duration retention = Duration.ofSeconds(local.jwt().expiresIn() + local.clockSkew());
        keys.load(local.jwt().algorithm(), retention);
        String kid = keys.rotate(local.jwt().algorithm(), retention);
        System.out.println(
            "new active signing key: "
                + kid
                + " ("
                + local.jwt().algorithm()
                + "); the previous one stays published for "
                + retention.toSeconds()
                + " s");
        return 0;
      } catch (RuntimeException e) {
        System.err.println("portcullis: cannot rotate keys: " + e.getMessage());
        return 1;
      }
    }
  }
}
