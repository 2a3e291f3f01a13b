package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWK;
import io.portcullis.testing.MutableClock;
import io.portcullis.token.issue.KeyEncryptor;
import io.portcullis.token.issue.SigningKeys;
import io.portcullis.token.issue.StoredSigningKey;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@link JdbcSigningKeyRepository} on one fresh database per subclass; empty before each test. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcSigningKeyRepositoryContract {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  private Database database;
  private JdbcSigningKeyRepository repository;

  abstract String freshDatabaseUrl();

  @BeforeAll
  void openDatabase() {
    database = Database.open(freshDatabaseUrl());
    repository = new JdbcSigningKeyRepository(new JdbcTransactions(database.dataSource()));
  }

  @AfterAll
  void closeDatabase() {
    if (database != null) database.close();
  }

  @BeforeEach
  void emptyTable() throws SQLException {
    execute("DELETE FROM signing_keys");
  }

  private static StoredSigningKey key(String kid, Instant createdAt) {
    return new StoredSigningKey(
        kid,
        "ES256",
        "{\"kty\":\"EC\",\"kid\":\"" + kid + "\"}",
        new byte[] {1, 0, -1, 127, -128, 42},
        createdAt,
        null,
        null);
  }

  @Test
  void saveWhenNextKeyThenReadBackNotActivatedAndItsActivationLater() {
    byte[] encrypted = {1, 2, 3};
    repository.save(
        new StoredSigningKey("kid-next", "ES256", "{}", encrypted, T0, null, null, null));

    assertThat(repository.findAll())
        .singleElement()
        .satisfies(
            k -> {
              assertThat(k.isNext()).isTrue();
              assertThat(k.isActive()).isFalse();
              assertThat(k.activatedAt()).isNull();
            });

    repository.save(
        new StoredSigningKey(
            "kid-next", "ES256", "{}", encrypted, T0, null, null, T0.plusSeconds(1)));

    assertThat(repository.findAll())
        .singleElement()
        .satisfies(
            k -> {
              assertThat(k.isActive()).isTrue();
              assertThat(k.activatedAt()).isEqualTo(T0.plusSeconds(1));
            });
  }

  @Test
  void findAllWhenEmptyThenEmptyList() {
    assertThat(repository.findAll()).isEmpty();
  }

  @Test
  void findAllWhenSavedThenEveryFieldReadBackIncludingTheEncryptedBytes() {
    StoredSigningKey superseded =
        new StoredSigningKey(
            "kid-1",
            "RS256",
            "{\"kty\":\"RSA\"}",
            new byte[] {9, 8, 7, 0, -5},
            T0.plusNanos(123_456_000),
            T0.plusSeconds(60),
            T0.plusSeconds(3_720));

    repository.save(superseded);

    List<StoredSigningKey> found = repository.findAll();
    assertThat(found).hasSize(1);
    // Records compare byte arrays by identity: compare field by field instead.
    assertThat(found.get(0)).usingRecursiveComparison().isEqualTo(superseded);
    assertThat(found.get(0).isActive()).isFalse();
  }

  @Test
  void saveWhenKidExistsThenReplaced() {
    repository.save(key("kid-1", T0));
    StoredSigningKey replaced =
        new StoredSigningKey(
            "kid-1", "ES256", "{}", new byte[] {5}, T0, T0.plusSeconds(1), T0.plusSeconds(2));

    repository.save(replaced);

    assertThat(repository.findAll()).singleElement().usingRecursiveComparison().isEqualTo(replaced);
  }

  @Test
  void findAllWhenSeveralThenOldestFirstThenByKid() {
    repository.save(key("c", T0.plusSeconds(20)));
    repository.save(key("b", T0));
    repository.save(key("a", T0.plusSeconds(10)));
    repository.save(key("B", T0));

    // Upper case before lower case, as String.compareTo orders them, whatever the collation.
    assertThat(repository.findAll())
        .extracting(StoredSigningKey::kid)
        .containsExactly("B", "b", "a", "c");
  }

  @Test
  void deleteWhenPresentThenTrueThenFalse() {
    repository.save(key("kid-1", T0));

    assertThat(repository.delete("kid-1")).isTrue();
    assertThat(repository.delete("kid-1")).isFalse();
    assertThat(repository.findAll()).isEmpty();
  }

  @Test
  void findAllWhenEncryptedKeyIsNotBase64ThenStoreExceptionNamingTheKid() throws SQLException {
    repository.save(key("kid-1", T0));
    execute("UPDATE signing_keys SET encrypted_private_jwk = '*not base64*'");

    assertThatThrownBy(repository::findAll)
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("signing_keys")
        .hasMessageContaining("'kid-1'");
  }

  @Test
  void saveWhenInsideATransactionThatFailsThenNothingIsSaved() {
    JdbcTransactions transactions = new JdbcTransactions(database.dataSource());
    JdbcSigningKeyRepository joined = new JdbcSigningKeyRepository(transactions);

    assertThatThrownBy(
            () ->
                transactions.inTransaction(
                    () -> {
                      joined.save(key("kid-1", T0));
                      throw new IllegalStateException("rotation failed half-way");
                    }))
        .hasMessage("rotation failed half-way");

    assertThat(repository.findAll()).isEmpty();
  }

  @Test
  void signingKeysWhenLoadedRotatedAndRetiredOnTheDatabaseThenStateSurvivesAReload()
      throws Exception {
    SecureRandom random = new SecureRandom();
    KeyEncryptor encryptor = new KeyEncryptor(new byte[32], random, "test");
    MutableClock clock = new MutableClock(T0);
    SigningKeys keys = new SigningKeys(repository, encryptor, clock, random);

    keys.load("ES256", Duration.ofHours(1));
    String first = keys.active().kid();
    clock.advance(Duration.ofMinutes(1));
    String second = keys.rotate("ES256", Duration.ofHours(1));

    // A second node (or a restart) reading the same rows sees the same keys.
    SigningKeys reloaded = new SigningKeys(repository, encryptor, clock, random);
    reloaded.load("ES256", Duration.ofHours(1));
    assertThat(reloaded.active().kid()).isEqualTo(second).isNotEqualTo(first);
    assertThat(reloaded.publicKeys().getKeys()).extracting(JWK::getKeyID).contains(first, second);
    assertThat(repository.findAll())
        .extracting(StoredSigningKey::kid)
        .containsExactly(first, second);

    clock.advance(Duration.ofHours(1));
    assertThat(keys.retireExpired()).isEqualTo(1);

    reloaded.refresh();
    assertThat(reloaded.publicKeys().getKeys()).extracting(JWK::getKeyID).containsExactly(second);
    assertThat(repository.findAll()).extracting(StoredSigningKey::kid).containsExactly(second);
  }

  private void execute(String sql) throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate(sql);
    }
  }
}
