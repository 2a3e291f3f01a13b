package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.monitor.LatencyHistogram;
import io.portcullis.monitor.Rollup;
import io.portcullis.monitor.StoredTransaction;
import io.portcullis.monitor.Totals;
import io.portcullis.monitor.TransactionEvent;
import io.portcullis.monitor.TransactionFilter;
import io.portcullis.monitor.TransactionRecords;
import io.portcullis.monitor.TransactionRepository;
import io.portcullis.monitor.TransactionRepository.Grouping;
import io.portcullis.registry.IdentificationMethod;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Transaction records and rollups on one database opened twice (two pools, as two nodes would
 * have): records page back exactly, rollups from two nodes writing the same minutes add up exactly,
 * the purge deletes by age in batches, and a store that is down or a queue that is full loses
 * records only by counting them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcTransactionRepositoryContract {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private Database first;
  private Database second;

  abstract String freshDatabaseUrl();

  @BeforeAll
  void openDatabases() {
    String url = freshDatabaseUrl();
    first = Database.open(url);
    second = Database.open(url);
  }

  @AfterAll
  void closeDatabases() {
    if (first != null) first.close();
    if (second != null) second.close();
  }

  @BeforeEach
  void reset() throws SQLException {
    try (Connection connection = first.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate("DELETE FROM transaction_block_keys");
      statement.executeUpdate("DELETE FROM transaction_blocks");
      statement.executeUpdate("DELETE FROM transaction_rollups");
      statement.executeUpdate("DELETE FROM transaction_rollups_hourly");
      statement.executeUpdate("DELETE FROM transaction_rollups_total");
      statement.executeUpdate("DELETE FROM transaction_reasons");
      statement.executeUpdate("DELETE FROM transaction_reasons_hourly");
    }
  }

  TransactionRepository repository(Database database) {
    return new JdbcTransactionRepository(database.dataSource(), database.dialect());
  }

  static TransactionEvent event(String id, Instant time, String api, int status, long micros) {
    return new TransactionEvent(
        id,
        time,
        "GET",
        "/pets/1",
        "127.0.0.1",
        api,
        api == null ? null : "photo-app",
        api == null ? null : "alice",
        api == null ? null : IdentificationMethod.JWT,
        status,
        status >= 400 ? "invalid_token: expired" : null,
        micros * 1_000,
        status == 200 ? micros * 500 : -1,
        10,
        100,
        false,
        false,
        true);
  }

  static TransactionFilter all() {
    return new TransactionFilter(
        T0.minus(Duration.ofDays(1)), T0.plus(Duration.ofDays(1)), null, null, null);
  }

  @Test
  void findWhenPagedThenEveryRecordOnceNewestFirstTiesIncluded() {
    TransactionRepository repository = repository(first);
    List<TransactionEvent> events = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      // Five records share each instant: the cursor must break ties.
      events.add(event("r" + i, T0.plusSeconds(i / 5), "petstore/v1", 200, 1_000 + i));
    }
    repository.write("node-a", events, TransactionRecords.rollups(events));

    List<StoredTransaction> seen = new ArrayList<>();
    TransactionRepository.Cursor cursor = null;
    do {
      TransactionRepository.Page page = repository.find(all(), cursor, 7);
      seen.addAll(page.items());
      cursor = page.next();
    } while (cursor != null);

    assertThat(seen).hasSize(25);
    assertThat(seen.stream().map(StoredTransaction::id).distinct()).hasSize(25);
    for (int i = 1; i < seen.size(); i++) {
      assertThat(seen.get(i).time()).isBeforeOrEqualTo(seen.get(i - 1).time());
    }
    StoredTransaction newest = seen.get(0);
    assertThat(newest.node()).isEqualTo("node-a");
    assertThat(newest.api()).isEqualTo("petstore/v1");
    assertThat(newest.identification()).isEqualTo("JWT");
    assertThat(newest.upstreamLatencyMicros()).isNotNull();
    assertThat(repository.find(withStatus(404), null, 10).items()).isEmpty();
    List<StoredTransaction> streamed = new ArrayList<>();
    repository.forEach(all(), 4, streamed::addAll);
    assertThat(streamed).isEqualTo(seen);
  }

  static TransactionFilter withStatus(int status) {
    TransactionFilter all = all();
    return new TransactionFilter(all.from(), all.to(), null, null, status);
  }

  @Test
  void findWhenALaterBlockEndsAtTheTimeOfAnEarlierOnesRecordsThenNoneIsSkipped() {
    TransactionRepository repository = repository(first);
    // Block X (written first: the smaller id) ends later than block Y but also has records at the
    // instant Y ends: Y's record there comes before them (its seq is greater) and must not be
    // passed over when a page ends among them.
    Instant t = T0.plusSeconds(5);
    List<TransactionEvent> x =
        List.of(
            event("x-late", t.plusSeconds(10), "a/v1", 200, 5),
            event("x-at-t-1", t, "a/v1", 200, 5),
            event("x-at-t-2", t, "a/v1", 200, 5));
    repository.write("node-a", x, TransactionRecords.rollups(x));
    List<TransactionEvent> y = List.of(event("y-at-t", t, "a/v1", 200, 5));
    repository(second).write("node-b", y, TransactionRecords.rollups(y));

    List<String> seen = new ArrayList<>();
    TransactionRepository.Cursor cursor = null;
    do {
      TransactionRepository.Page page = repository.find(all(), cursor, 1);
      page.items().forEach(r -> seen.add(r.id()));
      cursor = page.next();
    } while (cursor != null);
    assertThat(seen).containsExactly("x-late", "y-at-t", "x-at-t-2", "x-at-t-1");
  }

  @Test
  void findWhenABlockIsDamagedThenItIsSkippedAndTheOthersServed() throws SQLException {
    TransactionRepository repository = repository(first);
    List<TransactionEvent> older = List.of(event("older", T0, "a/v1", 200, 5));
    repository.write("node-a", older, TransactionRecords.rollups(older));
    List<TransactionEvent> newer = List.of(event("newer", T0.plusSeconds(90), "a/v1", 200, 5));
    repository.write("node-a", newer, TransactionRecords.rollups(newer));
    try (Connection c = first.dataSource().getConnection();
        java.sql.PreparedStatement s =
            c.prepareStatement("UPDATE transaction_blocks SET data = ? WHERE epoch_minute = ?")) {
      s.setBytes(1, new byte[] {1, 5, 0, 3});
      s.setLong(2, T0.plusSeconds(90).getEpochSecond() / 60);
      assertThat(s.executeUpdate()).isOne();
    }

    assertThat(repository.find(all(), null, 10).items())
        .extracting(StoredTransaction::id)
        .containsExactly("older");
  }

  @Test
  void findWhenManyBlocksOfTwoNodesOverlapThenEveryFilterPagesExactlyItsRecords() {
    java.util.Random random = new java.util.Random(42);
    String[] apis = {"a/v1", "b/v1", null};
    int[] statuses = {200, 401, 502};
    List<TransactionEvent> all = new ArrayList<>();
    // 30 writes from two nodes, each spanning up to three minutes (so a write is several blocks)
    // and overlapping the others in time; many records share an instant.
    for (int write = 0; write < 30; write++) {
      List<TransactionEvent> batch = new ArrayList<>();
      for (int i = 0; i < 1 + random.nextInt(40); i++) {
        String api = apis[random.nextInt(apis.length)];
        TransactionEvent e =
            event(
                "w" + write + "-" + i,
                T0.plusSeconds(random.nextInt(180)).plusMillis(random.nextInt(3) * 100),
                api,
                statuses[random.nextInt(statuses.length)],
                5);
        batch.add(e);
      }
      repository(write % 2 == 0 ? first : second)
          .write(write % 2 == 0 ? "node-a" : "node-b", batch, TransactionRecords.rollups(batch));
      all.addAll(batch);
    }
    TransactionRepository repository = repository(first);
    Instant from = T0.plusSeconds(20);
    Instant to = T0.plusSeconds(150);
    for (String api : new String[] {null, "a/v1", "b/v1", "z/v1"}) {
      for (String application : new String[] {null, "photo-app"}) {
        for (Integer status : new Integer[] {null, 401, 502, 500}) {
          TransactionFilter filter = new TransactionFilter(from, to, api, application, status);
          Set<String> expected = new HashSet<>();
          for (TransactionEvent e : all) {
            if (!e.time().isBefore(from)
                && e.time().isBefore(to)
                && (api == null || api.equals(e.api()))
                && (application == null || application.equals(e.application()))
                && (status == null || status == e.status())) {
              expected.add(e.id());
            }
          }
          List<StoredTransaction> seen = new ArrayList<>();
          TransactionRepository.Cursor cursor = null;
          do {
            TransactionRepository.Page page = repository.find(filter, cursor, 7);
            seen.addAll(page.items());
            cursor = page.next();
          } while (cursor != null);
          assertThat(seen)
              .as("api=%s application=%s status=%s", api, application, status)
              .extracting(StoredTransaction::id)
              .doesNotHaveDuplicates()
              .containsExactlyInAnyOrderElementsOf(expected);
          for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i).time()).isBeforeOrEqualTo(seen.get(i - 1).time());
          }
        }
      }
    }
  }

  @Test
  void writeWhenTwoNodesAddTheSameMinutesConcurrentlyThenRollupsAddUpExactly() throws Exception {
    List<TransactionEvent> events = new ArrayList<>();
    String[] apis = {"petstore/v1", "photos/v1", null};
    int[] statuses = {200, 200, 401, 502};
    for (int i = 0; i < 4_000; i++) {
      events.add(
          event(
              "e" + i,
              T0.plusSeconds(i % 180),
              apis[i % apis.length],
              statuses[i % statuses.length],
              (i * 7919L) % 70_000_000L));
    }
    TransactionRecords.Settings settings =
        new TransactionRecords.Settings(
            true, false, 10_000, 97, Duration.ofMillis(50), 3, Duration.ofMillis(50));
    TransactionRecords nodeA = new TransactionRecords(repository(first), () -> "node-a", settings);
    TransactionRecords nodeB = new TransactionRecords(repository(second), () -> "node-b", settings);
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        TransactionRecords node = t % 2 == 0 ? nodeA : nodeB;
        done.add(
            callers.submit(
                () -> {
                  for (int i = thread; i < events.size(); i += 4) node.record(events.get(i));
                }));
      }
      for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
    } finally {
      callers.shutdown();
    }
    assertThat(nodeA.flush(Duration.ofSeconds(60))).isTrue();
    assertThat(nodeB.flush(Duration.ofSeconds(60))).isTrue();
    nodeA.close();
    nodeB.close();
    assertThat(nodeA.dropped().values()).containsOnly(0L);
    assertThat(nodeB.dropped().values()).containsOnly(0L);

    Totals expected = Totals.empty(null);
    for (Rollup r : TransactionRecords.rollups(events)) expected = expected.plus(r.totals());
    TransactionRepository repository = repository(first);
    List<Totals> total = repository.aggregate(all(), Grouping.NONE);
    assertThat(total).containsExactly(expected);
    assertThat(expected.requests()).isEqualTo(4_000);
    assertThat(expected.errors()).isEqualTo(2_000);
    List<Totals> perMinute = repository.aggregate(all(), Grouping.MINUTE);
    assertThat(perMinute).hasSize(3);
    assertThat(perMinute.stream().mapToLong(Totals::requests).sum()).isEqualTo(4_000);
    List<Totals> perApi = repository.aggregate(all(), Grouping.API);
    assertThat(perApi).extracting(Totals::key).containsExactly("petstore/v1", "photos/v1");
    assertThat(repository.aggregate(all(), Grouping.HOUR)).hasSize(1);
    assertThat(repository.aggregate(all(), Grouping.DAY).get(0).requests()).isEqualTo(4_000);

    List<StoredTransaction> stored = new ArrayList<>();
    repository.forEach(all(), 1_000, stored::addAll);
    assertThat(stored).hasSize(4_000);
    Set<String> nodes = new HashSet<>();
    stored.forEach(s -> nodes.add(s.node()));
    assertThat(nodes).containsExactlyInAnyOrder("node-a", "node-b");

    // Percentiles from the merged histogram lie in the bucket of the raw nearest-rank value.
    List<Long> latencies =
        new ArrayList<>(stored.stream().map(StoredTransaction::latencyMicros).toList());
    latencies.sort(Long::compare);
    for (double q : new double[] {0.5, 0.95, 0.99}) {
      long raw = latencies.get((int) Math.ceil(q * latencies.size()) - 1);
      double fromRollups = total.get(0).quantileMs(q);
      assertThat(LatencyHistogram.bucketOf(Math.round(fromRollups * 1000)))
          .as("q=" + q)
          .isEqualTo(LatencyHistogram.bucketOf(raw));
    }
  }

  @Test
  void topReasonsWhenRefusalsThenMostFrequentFirst() {
    List<TransactionEvent> events = new ArrayList<>();
    for (int i = 0; i < 6; i++) events.add(event("a" + i, T0, "petstore/v1", 401, 10));
    events.add(event("b", T0, "petstore/v1", 200, 10));
    TransactionRepository repository = repository(first);
    repository.write("node-a", events, TransactionRecords.rollups(events));

    List<Totals> reasons = repository.topReasons(all(), 5);

    assertThat(reasons).hasSize(1);
    assertThat(reasons.get(0).key()).isEqualTo("invalid_token: expired");
    assertThat(reasons.get(0).requests()).isEqualTo(6);
    assertThat(reasons.get(0).errors()).isEqualTo(6);
  }

  @Test
  void purgeWhenOlderThanRetentionThenDeletedInBatches() {
    TransactionRepository repository = repository(first);
    // Three writes of the old minute: three blocks of 4, 4 and 2 records.
    for (int write = 0; write < 3; write++) {
      List<TransactionEvent> old = new ArrayList<>();
      for (int i = write * 4; i < Math.min(10, write * 4 + 4); i++) {
        old.add(event("old" + i, T0.minusSeconds(3_600), "a/v1", 200, 5));
      }
      repository.write("node-a", old, TransactionRecords.rollups(old));
    }
    List<TransactionEvent> recent = new ArrayList<>();
    for (int i = 0; i < 3; i++) recent.add(event("new" + i, T0, "a/v1", 200, 5));
    repository.write("node-a", recent, TransactionRecords.rollups(recent));

    assertThat(repository.purgeRecords(T0.minusSeconds(60), 4)).isEqualTo(4);
    assertThat(repository.purgeRecords(T0.minusSeconds(60), 4)).isEqualTo(4);
    assertThat(repository.purgeRecords(T0.minusSeconds(60), 4)).isEqualTo(2);
    assertThat(repository.purgeRecords(T0.minusSeconds(60), 4)).isZero();
    assertThat(repository.find(all(), null, 100).items())
        .extracting(StoredTransaction::id)
        .containsExactlyInAnyOrder("new0", "new1", "new2");
    // The old minute goes (its row and its all-calls row); its hour (09:00-10:00) is not wholly
    // past the cut, so it stays.
    assertThat(repository.purgeRollups(T0.minusSeconds(60), 10)).isEqualTo(2);
    assertThat(repository.aggregate(all(), Grouping.MINUTE))
        .singleElement()
        .satisfies(t -> assertThat(t.requests()).isEqualTo(3));
    assertThat(repository.aggregate(all(), Grouping.NONE).get(0).requests()).isEqualTo(13);
    assertThat(repository.purgeRollups(T0.plusSeconds(60), 10)).isEqualTo(3);
    assertThat(repository.purgeRollups(T0.plusSeconds(3_600), 10)).isEqualTo(1);
    assertThat(repository.aggregate(all(), Grouping.NONE)).isEmpty();
  }

  @Test
  void purgeWhenABlockHoldsMoreThanTheBatchThenTheBlockGoesWhole() {
    TransactionRepository repository = repository(first);
    List<TransactionEvent> old = new ArrayList<>();
    for (int i = 0; i < 10; i++) old.add(event("old" + i, T0.minusSeconds(3_600), "a/v1", 200, 5));
    // One write, two minutes: the records of the later minute are a block of their own.
    old.add(event("late", T0.minusSeconds(30), "a/v1", 200, 5));
    repository.write("node-a", old, TransactionRecords.rollups(old));

    assertThat(repository.purgeRecords(T0.minusSeconds(60), 4)).isEqualTo(10);
    assertThat(repository.purgeRecords(T0.minusSeconds(60), 4)).isZero();
    assertThat(repository.find(all(), null, 100).items())
        .extracting(StoredTransaction::id)
        .containsExactly("late");
  }

  @Test
  void writerWhenStoreDownThenEveryRecordDroppedIsCounted() throws Exception {
    Database stopped = Database.open(freshDatabaseUrl());
    TransactionRepository closed = repository(stopped);
    stopped.close();
    // The store's answer waits until the records are offered: the writer then holds exactly the
    // one batch it took, whatever the scheduling.
    java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
    TransactionRepository repository =
        (TransactionRepository)
            java.lang.reflect.Proxy.newProxyInstance(
                TransactionRepository.class.getClassLoader(),
                new Class<?>[] {TransactionRepository.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("write")) answer.await(30, TimeUnit.SECONDS);
                  try {
                    return method.invoke(closed, args);
                  } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    TransactionRecords records =
        new TransactionRecords(
            repository,
            () -> "node-a",
            new TransactionRecords.Settings(
                true, false, 5, 5, Duration.ofMillis(20), 2, Duration.ofMillis(100)));
    for (int i = 0; i < 50; i++) records.record(event("d" + i, T0, "a/v1", 200, 5));
    // The writer holds at most one batch (5) while the store has not answered, and five more fit
    // in the queue; the others are counted as queue_full.
    assertThat(records.dropped().get(TransactionRecords.QUEUE_FULL)).isBetween(40L, 45L);
    answer.countDown();
    records.flush(Duration.ofSeconds(30));
    records.close();

    assertThat(records.written()).isZero();
    assertThat(
            records.dropped().get(TransactionRecords.QUEUE_FULL)
                + records.dropped().get(TransactionRecords.STORE_FAILED))
        .isEqualTo(50);
    assertThat(records.dropped().get(TransactionRecords.STORE_FAILED)).isPositive();
  }

  @Test
  void aggregateWhenRangeSpansWholeAndPartialHoursThenSameAsMinuteByMinute() {
    List<TransactionEvent> events = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      events.add(
          event(
              "s" + i,
              T0.plusSeconds(i * 37L),
              i % 2 == 0 ? "a/v1" : "b/v1",
              200 + (i % 3),
              i * 13L));
    }
    TransactionRepository repository = repository(first);
    repository.write("node-a", events, TransactionRecords.rollups(events));
    TransactionFilter range =
        new TransactionFilter(T0.plusSeconds(1_234), T0.plusSeconds(19_876), null, null, null);

    Totals byMinute = Totals.empty(null);
    for (Totals t : repository.aggregate(range, Grouping.MINUTE)) byMinute = byMinute.plus(t);
    Totals byHour = Totals.empty(null);
    for (Totals t : repository.aggregate(range, Grouping.HOUR)) byHour = byHour.plus(t);

    assertThat(repository.aggregate(range, Grouping.NONE)).containsExactly(byMinute);
    assertThat(byHour.withKey(null)).isEqualTo(byMinute);
    assertThat(repository.aggregate(range, Grouping.API))
        .extracting(Totals::key)
        .containsExactly("a/v1", "b/v1");
    assertThat(repository.aggregate(range, Grouping.STATUS))
        .extracting(Totals::key)
        .containsExactly("200", "201", "202");
  }

  @Test
  void aggregateWhenMinuteSeriesWithoutFilterThenEachMinuteIsTheSumOfItsApis() {
    List<TransactionEvent> events = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      events.add(
          event("m" + i, T0.plusSeconds(i * 13L), i % 2 == 0 ? "a/v1" : "b/v1", 200 + i % 3, i));
    }
    TransactionRepository repository = repository(first);
    repository.write(
        "node-a", events.subList(0, 150), TransactionRecords.rollups(events.subList(0, 150)));
    repository.write(
        "node-b", events.subList(150, 300), TransactionRecords.rollups(events.subList(150, 300)));

    Map<String, Totals> perApi = new TreeMap<>();
    for (String api : List.of("a/v1", "b/v1")) {
      TransactionFilter one = new TransactionFilter(all().from(), all().to(), api, null, null);
      for (Totals t : repository.aggregate(one, Grouping.MINUTE)) {
        perApi.merge(t.key().trim(), t, Totals::plus);
      }
    }
    List<Totals> all = repository.aggregate(all(), Grouping.MINUTE);

    assertThat(all).hasSize(65);
    assertThat(all.stream().mapToLong(Totals::requests).sum()).isEqualTo(300);
    for (Totals t : all) {
      assertThat(t).isEqualTo(perApi.get(t.key().trim()).withKey(t.key()));
    }
  }

  @Test
  void topReasonsWhenRangeSpansHoursThenSameCountsAsTheRawRecords() {
    List<TransactionEvent> events = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      TransactionEvent e =
          event("r" + i, T0.plusSeconds(i * 61L), i % 2 == 0 ? "a/v1" : "b/v1", 401, 5);
      events.add(
          withReason(e, i % 5 == 0 ? "no API is published at /x" : "invalid_token: expired"));
    }
    TransactionRepository repository = repository(first);
    repository.write("node-a", events, TransactionRecords.rollups(events));
    TransactionFilter range =
        new TransactionFilter(T0.plusSeconds(1_800), T0.plusSeconds(20_000), null, null, null);
    TransactionFilter oneApi = new TransactionFilter(range.from(), range.to(), "a/v1", null, null);

    Map<String, Long> raw = new TreeMap<>();
    Map<String, Long> rawOneApi = new TreeMap<>();
    for (TransactionEvent e : events) {
      long minute = e.time().getEpochSecond() / 60;
      if (minute < range.firstMinute() || minute >= range.endMinute()) continue;
      raw.merge(e.reason(), 1L, Long::sum);
      if (e.api().equals("a/v1")) rawOneApi.merge(e.reason(), 1L, Long::sum);
    }

    assertThat(counts(repository.topReasons(range, 10))).isEqualTo(raw);
    assertThat(counts(repository.topReasons(oneApi, 10))).isEqualTo(rawOneApi);
    assertThat(repository.topReasons(range, 1))
        .singleElement()
        .satisfies(t -> assertThat(t.key()).isEqualTo("invalid_token: expired"));
  }

  @Test
  void topReasonsWhenMoreDistinctReasonsInAMinuteThanKeptThenTheRestCountedAsOther() {
    List<TransactionEvent> events = new ArrayList<>();
    int distinct = JdbcTransactionRepository.MAX_REASONS_PER_MINUTE + 10;
    for (int i = 0; i < distinct; i++) {
      for (int n = 0; n <= (i < 5 ? 3 : 0); n++) {
        events.add(withReason(event("c" + i + "-" + n, T0, "a/v1", 404, 5), "no API at /p" + i));
      }
    }
    TransactionRepository repository = repository(first);
    repository.write("node-a", events, TransactionRecords.rollups(events));

    List<Totals> reasons = repository.topReasons(all(), 100);

    assertThat(reasons).hasSize(JdbcTransactionRepository.MAX_REASONS_PER_MINUTE);
    assertThat(reasons.stream().mapToLong(Totals::requests).sum()).isEqualTo(events.size());
    assertThat(reasons.subList(1, 6)).allSatisfy(t -> assertThat(t.requests()).isEqualTo(4));
    assertThat(reasons)
        .filteredOn(t -> t.key().equals(JdbcTransactionRepository.OTHER_REASON))
        .singleElement()
        .satisfies(t -> assertThat(t.requests()).isEqualTo(11));
  }

  private static Map<String, Long> counts(List<Totals> reasons) {
    Map<String, Long> counts = new TreeMap<>();
    for (Totals t : reasons) counts.put(t.key(), t.requests());
    return counts;
  }

  private static TransactionEvent withReason(TransactionEvent e, String reason) {
    return new TransactionEvent(
        e.id(),
        e.time(),
        e.httpMethod(),
        e.path(),
        e.client(),
        e.api(),
        e.application(),
        e.subject(),
        e.identification(),
        e.status(),
        reason,
        e.latencyNanos(),
        e.upstreamLatencyNanos(),
        e.bytesIn(),
        e.bytesOut(),
        e.aborted(),
        e.local(),
        e.stored());
  }
}
