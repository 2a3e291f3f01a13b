package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.registry.AuditEntry;
import io.portcullis.registry.AuditLog;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The audit log (migration V8) on H2 and PostgreSQL: written with the change, filtered, paged. */
class JdbcAuditLogTest {
  static Stream<String> databases() {
    return Stream.of(TestDatabases.h2(), TestDatabases.postgres());
  }

  @ParameterizedTest
  @MethodSource("databases")
  void recordWhenTheChangeRollsBackThenNoEntryAndWhenItCommitsThenFoundByFilters(String url) {
    try (Database database = Database.open(url)) {
      JdbcRegistryStore store = new JdbcRegistryStore(database.dataSource(), StoreJson.mapper());
      Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
      assertThatThrownBy(
              () ->
                  store.writeExclusively(
                      revision -> {
                        store.audit().record(entry(t0, "alice", "apis/gone/v1"));
                        throw new IllegalStateException("the change failed");
                      }))
          .hasMessageContaining("the change failed");
      assertThat(store.audit().find(query(null, null, null, null, 10)).items()).isEmpty();

      store.writeExclusively(
          revision -> {
            store.audit().record(entry(t0, "alice", "apis/photos/v1"));
            store.audit().record(entry(t0.plusSeconds(60), "bob", "apis/photos/v2"));
            store.audit().record(entry(t0.plusSeconds(120), "alice", "applications/photo-app"));
            return null;
          });

      List<AuditEntry> all = store.audit().find(query(null, null, null, null, 10)).items();
      assertThat(all)
          .extracting(AuditEntry::entity)
          .containsExactly("applications/photo-app", "apis/photos/v2", "apis/photos/v1");
      assertThat(all.get(2).before()).isEqualTo("{\"a\":1}");
      assertThat(all.get(2).after()).isNull();
      assertThat(store.audit().find(query(null, null, "alice", null, 10)).items()).hasSize(2);
      assertThat(store.audit().find(query(null, null, null, "apis", 10)).items()).hasSize(2);
      assertThat(store.audit().find(query(null, null, null, "apis/photos/v1", 10)).items())
          .hasSize(1);
      assertThat(store.audit().find(query(null, null, null, "apis/photos", 10)).items()).hasSize(2);
      assertThat(store.audit().find(query(null, null, null, "ap", 10)).items()).isEmpty();
      assertThat(
              store
                  .audit()
                  .find(query(t0.plusSeconds(30), t0.plusSeconds(120), null, null, 10))
                  .items())
          .extracting(AuditEntry::actor)
          .containsExactly("bob");

      AuditLog.Page first = store.audit().find(query(null, null, null, null, 2));
      assertThat(first.items()).hasSize(2);
      AuditLog.Page second =
          store.audit().find(new AuditLog.Query(null, null, null, null, first.next(), 2));
      assertThat(second.items()).extracting(AuditEntry::entity).containsExactly("apis/photos/v1");
      assertThat(second.next()).isNull();
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void purgeBeforeWhenEntriesOlderThanTheCutThenDeletedInBatchesOldestFirst(String url) {
    try (Database database = Database.open(url)) {
      JdbcRegistryStore store = new JdbcRegistryStore(database.dataSource(), StoreJson.mapper());
      Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
      for (int i = 0; i < 5; i++) {
        store.audit().record(entry(t0.plusSeconds(i * 60L), "alice", "apis/a" + i + "/v1"));
      }
      Instant cut = t0.plusSeconds(3 * 60); // entries 0, 1 and 2 are older
      assertThat(store.audit().purgeBefore(cut, 2)).isEqualTo(2);
      assertThat(store.audit().find(query(null, null, null, null, 10)).items())
          .extracting(AuditEntry::entity)
          .containsExactly("apis/a4/v1", "apis/a3/v1", "apis/a2/v1");
      assertThat(store.audit().purgeBefore(cut, 2)).isEqualTo(1);
      assertThat(store.audit().purgeBefore(cut, 2)).isZero();
      assertThat(store.audit().find(query(null, null, null, null, 10)).items())
          .extracting(AuditEntry::entity)
          .containsExactly("apis/a4/v1", "apis/a3/v1");
      assertThatThrownBy(() -> store.audit().purgeBefore(cut, 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("batchSize");
    }
  }

  private static AuditEntry entry(Instant time, String actor, String entity) {
    return new AuditEntry(0, time, actor, "delete", entity, "{\"a\":1}", null);
  }

  private static AuditLog.Query query(
      Instant from, Instant to, String actor, String entity, int limit) {
    return new AuditLog.Query(from, to, actor, entity, null, limit);
  }
}
