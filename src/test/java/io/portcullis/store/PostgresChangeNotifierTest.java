package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.portcullis.store.ChangeNotifier.Channel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** LISTEN/NOTIFY between two "nodes": two pools and two notifiers on one PostgreSQL database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresChangeNotifierTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private Database nodeA;
  private Database nodeB;
  private final List<ChangeNotifier> notifiers = new ArrayList<>();

  @BeforeAll
  void openDatabases() {
    String url = TestDatabases.postgres();
    nodeA = Database.open(url);
    nodeB = Database.open(url);
  }

  @AfterAll
  void closeDatabases() {
    nodeA.close();
    nodeB.close();
  }

  @AfterEach
  void closeNotifiers() {
    notifiers.forEach(ChangeNotifier::close);
    notifiers.clear();
  }

  private ChangeNotifier open(Database database) {
    ChangeNotifier notifier = ChangeNotifier.open(database);
    notifiers.add(notifier);
    return notifier;
  }

  @Test
  void publishWhenSentOnOneNodeThenEveryNodeReceivesIt() {
    ChangeNotifier a = open(nodeA);
    ChangeNotifier b = open(nodeB);
    RecordingListener onA = new RecordingListener();
    RecordingListener onB = new RecordingListener();
    RecordingListener otherChannel = new RecordingListener();
    a.subscribe(Channel.TOKEN_REVOKED, onA);
    b.subscribe(Channel.TOKEN_REVOKED, onB);
    b.subscribe(Channel.REGISTRY_CHANGED, otherChannel);

    a.publish(Channel.TOKEN_REVOKED, "hash-1");
    a.publish(Channel.TOKEN_REVOKED, "hash-2 with ünïcode");

    await().atMost(PATIENCE).until(() -> onB.payloads.size() == 2);
    assertThat(onB.payloads).containsExactly("hash-1", "hash-2 with ünïcode");
    await().atMost(PATIENCE).until(() -> onA.payloads.size() == 2);
    assertThat(otherChannel.payloads).isEmpty();
  }

  @Test
  void openWhenPostgresThenStartedPostgresNotifier() {
    assertThat(open(nodeA)).isInstanceOf(PostgresChangeNotifier.class);
  }

  @Test
  void receiveWhenTheListeningSessionIsKilledThenReconnectsTellsListenersAndReceivesAgain()
      throws SQLException {
    PostgresChangeNotifier b = (PostgresChangeNotifier) open(nodeB);
    ChangeNotifier a = open(nodeA);
    RecordingListener listener = new RecordingListener();
    b.subscribe(Channel.JWT_REVOKED, listener);
    int pid = b.listenerBackendPid();

    try (Connection connection = nodeA.dataSource().getConnection();
        PreparedStatement kill = connection.prepareStatement("SELECT pg_terminate_backend(?)")) {
      kill.setInt(1, pid);
      kill.execute();
    }

    await().atMost(PATIENCE).until(() -> listener.missed.get() == 1);
    a.publish(Channel.JWT_REVOKED, "after-reconnect");
    await().atMost(PATIENCE).until(() -> listener.payloads.contains("after-reconnect"));
    assertThat(b.listenerBackendPid()).isNotEqualTo(pid);
  }

  @Test
  void closeWhenClosedThenNothingMoreIsReceived() {
    ChangeNotifier b = open(nodeB);
    ChangeNotifier a = open(nodeA);
    RecordingListener listener = new RecordingListener();
    b.subscribe(Channel.REGISTRY_CHANGED, listener);
    a.publish(Channel.REGISTRY_CHANGED, "before");
    await().atMost(PATIENCE).until(() -> listener.payloads.size() == 1);

    b.close();
    a.publish(Channel.REGISTRY_CHANGED, "after");
    // The publisher's own notifier hears "after": once it has, b would have heard it too.
    RecordingListener self = new RecordingListener();
    a.subscribe(Channel.REGISTRY_CHANGED, self);
    a.publish(Channel.REGISTRY_CHANGED, "marker");
    await().atMost(PATIENCE).until(() -> self.payloads.contains("marker"));

    assertThat(listener.payloads).containsExactly("before");
  }

  @Test
  void startWhenStartedAlreadyThenIllegalState() {
    PostgresChangeNotifier notifier = (PostgresChangeNotifier) open(nodeA);

    assertThatThrownBy(notifier::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void startWhenTheListeningConnectionCannotBeOpenedThenStoreException() {
    PostgresChangeNotifier notifier =
        new PostgresChangeNotifier(
            nodeA.dataSource(),
            () -> {
              throw new SQLException("connection refused");
            });

    assertThatThrownBy(notifier::start)
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("listen")
        .hasMessageContaining("connection refused");
  }

  @Test
  void publishWhenThePoolIsClosedThenStoreExceptionNamingTheChannel() {
    Database closed = Database.open(TestDatabases.postgres());
    PostgresChangeNotifier notifier =
        new PostgresChangeNotifier(closed.dataSource(), closed::openDedicatedConnection);
    closed.close();

    assertThatThrownBy(() -> notifier.publish(Channel.TOKEN_REVOKED, "hash"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("portcullis_token_revoked");
  }
}
