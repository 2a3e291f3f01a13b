package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.registry.AccessRequest;
import io.portcullis.registry.AccessRequest.Status;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The access requests' store, run on H2 and on PostgreSQL by its two subclasses. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcAccessRequestsContract {
  private static final Instant T0 = Instant.parse("2026-12-06T19:40:01.120Z");

  private Database database;
  private JdbcAccessRequests requests;

  abstract String freshDatabaseUrl();

  @BeforeAll
  void openDatabase() {
    database = Database.open(freshDatabaseUrl());
    requests = new JdbcAccessRequests(database.dataSource());
  }

  @AfterAll
  void closeDatabase() {
    database.close();
  }

  @BeforeEach
  void emptyTables() throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate("DELETE FROM access_requests");
      statement.executeUpdate("DELETE FROM audit_log");
    }
  }

  private static AccessRequest pending(String application, String api, String developer) {
    return new AccessRequest(0, application, api, developer, Status.PENDING, T0, null, null);
  }

  /** The audit log's rows as "actor action entity | before | after", oldest first. */
  private List<String> auditRows() throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet r =
            statement.executeQuery(
                "SELECT actor, action, entity, before_doc, after_doc FROM audit_log ORDER BY id")) {
      while (r.next()) {
        rows.add(
            r.getString(1)
                + " "
                + r.getString(2)
                + " "
                + r.getString(3)
                + " | "
                + r.getString(4)
                + " | "
                + r.getString(5));
      }
    }
    return rows;
  }

  @Test
  void createWhenNewThenIdAssignedFoundAndAuditedWithTheActor() throws SQLException {
    AccessRequest stored = requests.create(pending("dana-app", "photos/v1", "dana"), "dana");

    assertThat(stored.id()).isPositive();
    assertThat(requests.find(stored.id())).contains(stored);
    assertThat(stored.status()).isEqualTo(Status.PENDING);
    assertThat(stored.decidedBy()).isNull();
    assertThat(stored.decided()).isNull();
    assertThat(stored.created()).isEqualTo(T0);
    List<String> audit = auditRows();
    assertThat(audit).hasSize(1);
    assertThat(audit.get(0))
        .startsWith("dana create access-requests/" + stored.id() + " | null | ")
        .contains("\"status\":\"PENDING\"", "\"created\":\"2026-12-06T19:40:01.120Z\"");
  }

  @Test
  void createWhenGrantedAtOnceThenStoredDecided() {
    AccessRequest granted =
        new AccessRequest(0, "dana-app", "photos/v1", "dana", Status.APPROVED, T0, "dana", T0);

    AccessRequest stored = requests.create(granted, "dana");

    AccessRequest found = requests.find(stored.id()).orElseThrow();
    assertThat(found.status()).isEqualTo(Status.APPROVED);
    assertThat(found.decidedBy()).isEqualTo("dana");
    assertThat(found.decided()).isEqualTo(T0);
  }

  @Test
  void createWhenTheSameApplicationAndApiAgainThenAnotherRequest() {
    // The store keeps every request; refusing a duplicate is the portal's rule.
    long first = requests.create(pending("dana-app", "photos/v1", "dana"), "dana").id();
    long second = requests.create(pending("dana-app", "photos/v1", "dana"), "dana").id();

    assertThat(second).isGreaterThan(first);
    assertThat(requests.list(Status.PENDING, "dana-app", 10)).hasSize(2);
  }

  @Test
  void createWhenAFieldIsEmptyOrLongerThanItsColumnThenRefusedNamingItAndNothingWritten()
      throws SQLException {
    List<Object[]> bad =
        List.of(
            new Object[] {pending("a".repeat(256), "photos/v1", "dana"), "dana", "application"},
            new Object[] {pending("dana-app", "p".repeat(513), "dana"), "dana", "api"},
            new Object[] {pending("dana-app", "photos/v1", "d".repeat(257)), "dana", "developer"},
            new Object[] {pending("", "photos/v1", "dana"), "dana", "application"},
            new Object[] {pending("dana-app", "photos/v1", "dana"), "", "actor"},
            new Object[] {pending("dana-app", "photos/v1", "dana"), "x".repeat(257), "actor"},
            new Object[] {
              new AccessRequest(
                  0, "dana-app", "photos/v1", "dana", Status.APPROVED, T0, "y".repeat(257), T0),
              "dana",
              "decidedBy"
            });
    for (Object[] b : bad) {
      assertThatThrownBy(() -> requests.create((AccessRequest) b[0], (String) b[1]))
          .as((String) b[2])
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(b[2] + ": expected");
    }
    assertThat(requests.list(null, null, 10)).isEmpty();
    assertThat(auditRows()).isEmpty();
  }

  @Test
  void createWhenFieldsAtTheirLongestThenStoredWhole() {
    AccessRequest longest = pending("a".repeat(255), "p".repeat(512), "d".repeat(256));

    AccessRequest stored = requests.create(longest, "x".repeat(256));

    assertThat(requests.find(stored.id()).orElseThrow().api()).hasSize(512);
  }

  @Test
  void listWhenFilteredByStatusAndApplicationThenOnlyThoseNewestFirstUpToTheLimit() {
    long a = requests.create(pending("dana-app", "photos/v1", "dana"), "dana").id();
    long b = requests.create(pending("dana-app", "mail/v1", "dana"), "dana").id();
    long c = requests.create(pending("erin-app", "photos/v1", "erin"), "erin").id();
    requests.decide(b, Status.REJECTED, "admin", T0.plusSeconds(60));

    assertThat(requests.list(null, null, 10))
        .extracting(AccessRequest::id)
        .containsExactly(c, b, a);
    assertThat(requests.list(Status.PENDING, null, 10))
        .extracting(AccessRequest::id)
        .containsExactly(c, a);
    assertThat(requests.list(null, "dana-app", 10))
        .extracting(AccessRequest::id)
        .containsExactly(b, a);
    assertThat(requests.list(Status.REJECTED, "dana-app", 10))
        .extracting(AccessRequest::id)
        .containsExactly(b);
    assertThat(requests.list(Status.APPROVED, null, 10)).isEmpty();
    assertThat(requests.list(null, null, 2)).extracting(AccessRequest::id).containsExactly(c, b);
    assertThat(requests.list(null, "nobody", 10)).isEmpty();
  }

  @Test
  void decideWhenPendingThenDecidedWithWhoAndWhenAndAuditedBeforeAndAfter() throws SQLException {
    long id = requests.create(pending("dana-app", "photos/v1", "dana"), "dana").id();

    Optional<AccessRequest> decided =
        requests.decide(id, Status.APPROVED, "admin", T0.plusSeconds(300));

    assertThat(decided).isPresent();
    assertThat(decided.get().status()).isEqualTo(Status.APPROVED);
    assertThat(decided.get().decidedBy()).isEqualTo("admin");
    assertThat(decided.get().decided()).isEqualTo(T0.plusSeconds(300));
    assertThat(requests.find(id)).isEqualTo(decided);
    String update = auditRows().get(1);
    assertThat(update).startsWith("admin update access-requests/" + id + " | ");
    String[] docs = update.split(" \\| ");
    assertThat(docs[1]).contains("\"status\":\"PENDING\"");
    assertThat(docs[2]).contains("\"status\":\"APPROVED\"", "\"decidedBy\":\"admin\"");
  }

  @Test
  void decideWhenAlreadyDecidedThenEmptyAndTheFirstDecisionStands() throws SQLException {
    long id = requests.create(pending("dana-app", "photos/v1", "dana"), "dana").id();
    requests.decide(id, Status.REJECTED, "admin", T0.plusSeconds(60));

    assertThat(requests.decide(id, Status.APPROVED, "mallory", T0.plusSeconds(120))).isEmpty();
    assertThat(requests.decide(id, Status.REJECTED, "mallory", T0.plusSeconds(120))).isEmpty();

    AccessRequest found = requests.find(id).orElseThrow();
    assertThat(found.status()).isEqualTo(Status.REJECTED);
    assertThat(found.decidedBy()).isEqualTo("admin");
    assertThat(found.decided()).isEqualTo(T0.plusSeconds(60));
    assertThat(auditRows()).hasSize(2).noneMatch(row -> row.startsWith("mallory"));
  }

  @Test
  void decideWhenNoSuchRequestThenEmptyAndNothingAudited() throws SQLException {
    assertThat(requests.decide(4242, Status.APPROVED, "admin", T0)).isEmpty();
    assertThat(requests.find(4242)).isEmpty();
    assertThat(auditRows()).isEmpty();
  }

  @Test
  void decideWhenStatusPendingOrNullOrActorRefusedThenIllegalArgumentAndUnchanged()
      throws SQLException {
    long id = requests.create(pending("dana-app", "photos/v1", "dana"), "dana").id();

    assertThatThrownBy(() -> requests.decide(id, Status.PENDING, "admin", T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("status: expected APPROVED or REJECTED");
    assertThatThrownBy(() -> requests.decide(id, null, "admin", T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("status");
    assertThatThrownBy(() -> requests.decide(id, Status.APPROVED, "a".repeat(257), T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("actor: expected at most 256 characters");

    assertThat(requests.find(id).orElseThrow().status()).isEqualTo(Status.PENDING);
    assertThat(auditRows()).hasSize(1);
  }

  @Test
  void decideWhenTwoAdminsDecideAtOnceThenExactlyOneDecisionIsMade() throws Exception {
    long id = requests.create(pending("dana-app", "photos/v1", "dana"), "dana").id();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch start = new CountDownLatch(1);
      Future<Optional<AccessRequest>> approve =
          pool.submit(
              () -> {
                start.await();
                return requests.decide(id, Status.APPROVED, "alice", T0.plusSeconds(1));
              });
      Future<Optional<AccessRequest>> reject =
          pool.submit(
              () -> {
                start.await();
                return requests.decide(id, Status.REJECTED, "bob", T0.plusSeconds(1));
              });
      start.countDown();
      Optional<AccessRequest> a = approve.get(60, TimeUnit.SECONDS);
      Optional<AccessRequest> r = reject.get(60, TimeUnit.SECONDS);

      assertThat(a.isPresent() ^ r.isPresent()).as("exactly one decision").isTrue();
      AccessRequest winner = a.orElseGet(r::orElseThrow);
      assertThat(requests.find(id)).contains(winner);
      assertThat(auditRows()).hasSize(2);
    } finally {
      pool.shutdownNow();
    }
  }
}
