package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.portcullis.token.store.StoreUnavailable;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The circuit breaker's states over a real H2 database behind a switch that makes every connection
 * attempt fail as a pool does: with the SQLState of a connection failure, or without one when the
 * pool is merely busy.
 */
class StoreCircuitTest {
  /** No probe runs within a test: every attempt on the pool is a call's. */
  private static final StoreCircuit.Settings NO_PROBE =
      new StoreCircuit.Settings(2, Duration.ofHours(1), Duration.ofHours(1), Duration.ofSeconds(1));

  private static final StoreCircuit.Settings FAST_PROBE =
      new StoreCircuit.Settings(
          2, Duration.ofMillis(50), Duration.ofHours(1), Duration.ofSeconds(1));

  private final SwitchedPool pool = new SwitchedPool();
  private final List<StoreCircuit> opened = new ArrayList<>();
  private final StoreCircuit circuit = open(NO_PROBE);

  private StoreCircuit open(StoreCircuit.Settings settings) {
    StoreCircuit c = new StoreCircuit(pool, "test database", settings);
    opened.add(c);
    return c;
  }

  @AfterEach
  void close() {
    opened.forEach(StoreCircuit::close);
  }

  @ParameterizedTest
  @CsvSource(
      value = {"08001, true", "08006, true", "57P01, true", "57P03, true", "23505, false"},
      nullValues = "null")
  void isConnectionFailureWhenSqlStateThenOnlyConnectionClasses(String state, boolean failure) {
    assertThat(StoreCircuit.isConnectionFailure(new SQLException("x", state))).isEqualTo(failure);
  }

  @Test
  void getConnectionWhenPoolIsBusyThenTheCircuitStaysClosed() {
    pool.failure = new SQLTransientConnectionException("Connection is not available (busy)");

    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> circuit.dataSource().getConnection()).isSameAs(pool.failure);
    }
    assertThat(circuit.isAvailable()).isTrue();
    assertThat(pool.attempts).hasValue(5);
  }

  @Test
  void getConnectionWhenConnectionFailsTwiceInARowThenOpenAndRefusedWithoutAskingThePool() {
    pool.failure = new SQLTransientConnectionException("timed out", "08001");

    assertThatThrownBy(() -> circuit.dataSource().getConnection()).isSameAs(pool.failure);
    assertThat(circuit.isAvailable()).as("one failure is not an outage").isTrue();
    assertThatThrownBy(() -> circuit.dataSource().getConnection()).isSameAs(pool.failure);
    assertThat(circuit.isAvailable()).isFalse();

    int attempts = pool.attempts.get();
    assertThatThrownBy(() -> circuit.dataSource().getConnection())
        .isInstanceOf(SQLTransientConnectionException.class)
        .isInstanceOf(StoreUnavailable.class)
        .hasMessageContaining("the store test database is unavailable since");
    assertThat(pool.attempts).as("refused without asking the pool").hasValue(attempts);
  }

  @Test
  void getConnectionWhenASuccessComesBetweenFailuresThenTheCountStartsAgain() throws Exception {
    SQLException down = new SQLTransientConnectionException("timed out", "08001");
    pool.failure = down;
    assertThatThrownBy(() -> circuit.dataSource().getConnection()).isSameAs(down);
    pool.failure = null;
    circuit.dataSource().getConnection().close();
    pool.failure = down;
    assertThatThrownBy(() -> circuit.dataSource().getConnection()).isSameAs(down);

    assertThat(circuit.isAvailable()).isTrue();
  }

  @Test
  void probeWhenThePoolAnswersAgainThenTheCircuitCloses() throws Exception {
    StoreCircuit circuit = open(FAST_PROBE);
    pool.failure = new SQLTransientConnectionException("timed out", "08001");
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> circuit.dataSource().getConnection());
    }
    assertThat(circuit.isAvailable()).isFalse();

    pool.failure = null;
    await().atMost(Duration.ofSeconds(30)).until(circuit::isAvailable);
    try (Connection connection = circuit.dataSource().getConnection()) {
      assertThat(connection.isValid(1)).isTrue();
    }
  }

  @Test
  void probeNowWhenOpenThenClosedAtOnceWhenThePoolAnswersElseStaysOpen() {
    pool.failure = new SQLTransientConnectionException("timed out", "08001");
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> circuit.dataSource().getConnection());
    }
    assertThat(circuit.probeNow()).isFalse();
    assertThat(circuit.state()).isEqualTo(StoreCircuit.State.OPEN);

    pool.failure = null;
    assertThat(circuit.probeNow()).isTrue();
    assertThat(circuit.isAvailable()).isTrue();
  }

  @Test
  void closeWhenCalledThenTheStoreIsReportedUnavailable() {
    circuit.close();

    assertThat(circuit.isAvailable()).isFalse();
    assertThatThrownBy(() -> circuit.dataSource().getConnection())
        .isInstanceOf(StoreUnavailable.class);
  }

  @Test
  void settingsWhenOutOfRangeThenRejectedNamingTheField() {
    Duration second = Duration.ofSeconds(1);
    assertThatThrownBy(() -> new StoreCircuit.Settings(0, second, second, second))
        .hasMessageContaining("failureThreshold");
    assertThatThrownBy(() -> new StoreCircuit.Settings(1, Duration.ZERO, second, second))
        .hasMessageContaining("probeInterval");
    assertThatThrownBy(() -> new StoreCircuit.Settings(1, second, second, Duration.ofMillis(10)))
        .hasMessageContaining("probeTimeout");
  }

  /** An H2 database whose connections can be made to fail as a pool's do. */
  private static final class SwitchedPool implements DataSource {
    private final JdbcDataSource h2 = new JdbcDataSource();
    final AtomicInteger attempts = new AtomicInteger();
    volatile SQLException failure;

    SwitchedPool() {
      h2.setURL(TestDatabases.h2());
    }

    @Override
    public Connection getConnection() throws SQLException {
      attempts.incrementAndGet();
      if (failure != null) throw failure;
      return h2.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() {
      return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return false;
    }
  }
}
