package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.monitor.StoredTransaction;
import io.portcullis.monitor.TransactionEvent;
import io.portcullis.registry.IdentificationMethod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The packed block of one minute's records: what goes in comes out, and bad bytes are refused. */
class TransactionBlockTest {
  private static final Instant MINUTE = Instant.parse("2026-03-01T10:00:00Z");
  private static final long M = MINUTE.getEpochSecond() / 60;

  private static TransactionEvent event(String id, Instant time, String api, String app, int st) {
    return new TransactionEvent(
        id,
        time,
        "GET",
        "/pets/" + id,
        "10.0.0.1",
        api,
        app,
        app == null ? null : "alice",
        app == null ? null : IdentificationMethod.JWT,
        st,
        st >= 400 ? "invalid_token: expired" : null,
        1_234_567,
        st == 200 ? 345_000 : -1,
        12,
        3_400,
        false,
        false,
        true);
  }

  private static TransactionBlock.Selection everything() {
    return new TransactionBlock.Selection(Long.MIN_VALUE, Long.MAX_VALUE, null, null, null);
  }

  /** Collects what a read hands over, with its place. */
  private static final class Collected implements TransactionBlock.Sink {
    final List<StoredTransaction> records = new ArrayList<>();
    final List<Long> seqs = new ArrayList<>();

    @Override
    public boolean wants(long seq, long timeMicros) {
      return true;
    }

    @Override
    public void accept(long seq, long timeMicros, StoredTransaction record) {
      seqs.add(seq);
      records.add(record);
    }
  }

  private static Collected read(long id, byte[] data, TransactionBlock.Selection selection) {
    Collected collected = new Collected();
    TransactionBlock.read(id, M, "node-a", data, selection, collected);
    return collected;
  }

  @Test
  void readWhenWrittenThenEveryFieldBackNullsIncluded() {
    TransactionBlock.Encoder block = new TransactionBlock.Encoder(M);
    block.add(event("r1", MINUTE.plusNanos(1_500), "petstore/v1", "photo-app", 200));
    block.add(event("r2", MINUTE.plusSeconds(59).plusNanos(999_999_000), null, null, 404));

    Collected back = read(7, block.encode(), everything());

    assertThat(back.records)
        .containsExactly(
            new StoredTransaction(
                "r1",
                MINUTE.plusNanos(1_000),
                "node-a",
                "GET",
                "/pets/r1",
                "10.0.0.1",
                "petstore/v1",
                "photo-app",
                "alice",
                "JWT",
                200,
                null,
                1_234,
                345L,
                12,
                3_400),
            new StoredTransaction(
                "r2",
                MINUTE.plusSeconds(59).plusNanos(999_999_000),
                "node-a",
                "GET",
                "/pets/r2",
                "10.0.0.1",
                null,
                null,
                null,
                null,
                404,
                "invalid_token: expired",
                1_234,
                null,
                12,
                3_400));
    assertThat(back.seqs)
        .containsExactly(7L * TransactionBlock.MAX_RECORDS, 7L * TransactionBlock.MAX_RECORDS + 1);
    assertThat(block.firstMicros()).isEqualTo(TransactionBlock.micros(MINUTE) + 1);
    assertThat(block.lastMicros())
        .isEqualTo(TransactionBlock.micros(MINUTE.plusSeconds(59).plusNanos(999_999_000)));
  }

  @Test
  void readWhenStringsLongOrNotAsciiThenCutAsTheSchemaSaysAndKeptExactly() {
    TransactionBlock.Encoder block = new TransactionBlock.Encoder(M);
    String path = "/caf\u00e9/\u65e5\u672c/\ud83d\ude00/" + "x".repeat(3_000);
    block.add(
        "i".repeat(100),
        TransactionBlock.micros(MINUTE),
        "GET",
        path,
        null,
        "a".repeat(600),
        "b".repeat(300),
        "s".repeat(2_000),
        "JWT",
        200,
        "r".repeat(400),
        5,
        -1,
        0,
        0);

    StoredTransaction back = read(1, block.encode(), everything()).records.get(0);

    assertThat(back.id()).isEqualTo("i".repeat(64));
    assertThat(back.path()).isEqualTo(path.substring(0, 2_048));
    assertThat(back.api()).hasSize(512);
    assertThat(back.application()).hasSize(255);
    assertThat(back.subject()).hasSize(1_024);
    assertThat(back.reason()).hasSize(255);
    assertThat(back.client()).isNull();
  }

  @Test
  void readWhenSelectionThenOnlyMatchingRecordsBuilt() {
    TransactionBlock.Encoder block = new TransactionBlock.Encoder(M);
    block.add(event("a200", MINUTE.plusSeconds(1), "a/v1", "photo-app", 200));
    block.add(event("a401", MINUTE.plusSeconds(2), "a/v1", null, 401));
    block.add(event("b200", MINUTE.plusSeconds(3), "b/v1", "photo-app", 200));
    // A subject equal to an application's name shares its string: it must not match as one.
    block.add(
        "c200",
        TransactionBlock.micros(MINUTE.plusSeconds(4)),
        "GET",
        "/",
        null,
        "c/v1",
        "other-app",
        "photo-app",
        null,
        200,
        null,
        1,
        -1,
        0,
        0);
    byte[] data = block.encode();
    long t = TransactionBlock.micros(MINUTE);

    assertThat(
            ids(
                read(
                    1,
                    data,
                    new TransactionBlock.Selection(t, t + 60_000_000, "a/v1", null, null))))
        .containsExactly("a200", "a401");
    assertThat(
            ids(
                read(
                    1,
                    data,
                    new TransactionBlock.Selection(t, t + 60_000_000, null, "photo-app", null))))
        .containsExactly("a200", "b200");
    assertThat(
            ids(read(1, data, new TransactionBlock.Selection(t, t + 60_000_000, null, null, 401))))
        .containsExactly("a401");
    assertThat(
            ids(
                read(
                    1,
                    data,
                    new TransactionBlock.Selection(
                        t + 2_000_000, t + 4_000_000, null, null, null))))
        .containsExactly("a401", "b200");
    assertThat(
            ids(
                read(
                    1,
                    data,
                    new TransactionBlock.Selection(t, t + 60_000_000, "z/v1", null, null))))
        .isEmpty();
    assertThat(block.keys())
        .containsExactlyInAnyOrder(
            new TransactionBlock.Key("a/v1", "photo-app", 200, 1),
            new TransactionBlock.Key("a/v1", "", 401, 1),
            new TransactionBlock.Key("b/v1", "photo-app", 200, 1),
            new TransactionBlock.Key("c/v1", "other-app", 200, 1));
  }

  @Test
  void addWhenRecordOfAnotherMinuteThenRefused() {
    TransactionBlock.Encoder block = new TransactionBlock.Encoder(M);
    assertThatThrownBy(() -> block.add(event("late", MINUTE.plusSeconds(60), "a/v1", null, 200)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("late")
        .hasMessageContaining("not of minute " + M);
    assertThatThrownBy(() -> block.add(event("early", MINUTE.minusNanos(1_000), "a/v1", null, 200)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void addWhenBlockFullThenRefused() {
    TransactionBlock.Encoder block = new TransactionBlock.Encoder(M);
    for (int i = 0; i < TransactionBlock.MAX_RECORDS; i++) {
      block.add(
          "r" + i,
          TransactionBlock.micros(MINUTE),
          "GET",
          "/",
          null,
          null,
          null,
          null,
          null,
          200,
          null,
          1,
          -1,
          0,
          0);
    }
    assertThat(block.hasRoom()).isFalse();
    assertThatThrownBy(() -> block.add(event("one-more", MINUTE, "a/v1", null, 200)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("full");
  }

  @Test
  void readWhenFormatUnknownThenRefusedNamingTheBlock() {
    TransactionBlock.Encoder block = new TransactionBlock.Encoder(M);
    block.add(event("r1", MINUTE, "a/v1", null, 200));
    byte[] data = block.encode();
    data[0] = 9;
    assertThatThrownBy(() -> read(42, data, everything()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("block 42")
        .hasMessageContaining("unknown format 9");
  }

  @Test
  void readWhenBytesCutShortThenRefusedNotMisread() {
    TransactionBlock.Encoder block = new TransactionBlock.Encoder(M);
    block.add(event("r1", MINUTE, "a/v1", "photo-app", 200));
    block.add(event("r2", MINUTE, "a/v1", "photo-app", 200));
    byte[] data = block.encode();
    for (int length = 1; length < data.length; length++) {
      byte[] cut = Arrays.copyOf(data, length);
      assertThatThrownBy(() -> read(1, cut, everything()))
          .as("cut to %d of %d bytes", length, data.length)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("corrupt");
    }
  }

  @Test
  void readWhenStringReferenceOutOfTableThenRefused() {
    TransactionBlock.Encoder block = new TransactionBlock.Encoder(M);
    block.add(event("r1", MINUTE, "a/v1", null, 200));
    byte[] data = block.encode();
    // Head: format, count and string count (a byte each), then the strings (length byte + text).
    int head = 3;
    for (String s : List.of("GET", "/pets/r1", "10.0.0.1", "a/v1")) head += 1 + s.length();
    // The method's reference follows the time (1 byte: offset 0) and the id ("r1": 3 bytes).
    assertThat(data[head + 1 + 3]).isEqualTo((byte) 1);
    data[head + 1 + 3] = 0x7F;
    assertThatThrownBy(() -> read(1, data, everything()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("refers to string 127");
  }

  @Test
  void readWhenCountLargerThanAllowedThenRefused() {
    byte[] data = {1, (byte) 0xFF, (byte) 0xFF, (byte) 0x7F, 0};
    assertThatThrownBy(() -> read(1, data, everything()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("count of");
  }

  private static List<String> ids(Collected collected) {
    return collected.records.stream().map(StoredTransaction::id).toList();
  }
}
