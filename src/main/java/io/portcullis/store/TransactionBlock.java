package io.portcullis.store;

import io.portcullis.monitor.StoredTransaction;
import io.portcullis.monitor.TransactionEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The records of one node in one minute, packed into one byte array: the row that {@code
 * transaction_blocks} keeps per write instead of a row per call (docs/MONITORING.md, "Schema").
 *
 * <p>Layout (format {@value #FORMAT}): the format byte, the record count (varint), the string table
 * (count, then each string as a varint length and its UTF-8 bytes), then the records. A record is:
 * its time as microseconds since the start of the block's minute, its request id (inline string),
 * the table indexes (plus one; 0 for null) of method, path, client, API, application, subject,
 * identification and reason, then status, latency (µs), upstream latency (µs, plus one; 0 for
 * none), bytes in and bytes out. Every integer is an unsigned LEB128 varint. Strings that repeat
 * across calls (paths, names) are stored once per block; the request id, unique per call, inline.
 *
 * <p>A record's place in the newest-first order of {@code /transactions} is its time, then {@code
 * seq = blockId * }{@value #MAX_RECORDS}{@code + index}: records of one instant come newest block
 * first, and within a block in reverse order of arrival, as the rows of one table did.
 */
final class TransactionBlock {
  /** The layout version written in the first byte. */
  static final int FORMAT = 1;

  /** The most records one block holds; also the factor of block ids in {@code seq}. */
  static final int MAX_RECORDS = 1 << 16;

  /** A block is closed once its encoded records pass this size (a record is at most ~4 KB). */
  static final int MAX_BYTES = 4 << 20;

  private static final long MICROS_PER_MINUTE = 60_000_000L;

  private TransactionBlock() {}

  /** The microseconds since the epoch of an instant, rounded down. */
  static long micros(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
  }

  /** The microseconds since the epoch of an instant, rounded up. */
  static long microsUp(Instant instant) {
    return micros(instant) + (instant.getNano() % 1_000 == 0 ? 0 : 1);
  }

  static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000);
  }

  /** The key of one (API, application, status) seen in a block, with how many records it has. */
  record Key(String api, String application, int status, int records) {}

  /** Packs the records of one minute; not thread-safe. */
  static final class Encoder {
    private final long minute;
    private final long minuteStartMicros;
    private final Bytes records = new Bytes(4096);
    private final Map<String, Integer> index = new HashMap<>();
    private final List<String> strings = new ArrayList<>();
    private final Map<Long, int[]> keys = new HashMap<>();
    private int count;
    private long firstMicros = Long.MAX_VALUE;
    private long lastMicros = Long.MIN_VALUE;

    /**
     * @param minute the minute since the epoch that every record added falls in
     */
    Encoder(long minute) {
      this.minute = minute;
      this.minuteStartMicros = Math.multiplyExact(minute, MICROS_PER_MINUTE);
    }

    long minute() {
      return minute;
    }

    /** Whether another record may be added. */
    boolean hasRoom() {
      return count < MAX_RECORDS && records.size < MAX_BYTES;
    }

    int count() {
      return count;
    }

    long firstMicros() {
      return firstMicros;
    }

    long lastMicros() {
      return lastMicros;
    }

    /**
     * Adds a record of this encoder's minute (strings are cut to the lengths the schema names).
     *
     * @throws IllegalArgumentException when the record is of another minute or the block is full
     */
    void add(TransactionEvent e) {
      add(
          e.id(),
          micros(e.time()),
          e.httpMethod(),
          e.path(),
          e.client(),
          e.api(),
          e.application(),
          e.subject(),
          e.identification() == null ? null : e.identification().name(),
          e.status(),
          e.reason(),
          e.latencyNanos() / 1_000,
          e.upstreamLatencyNanos() < 0 ? -1 : e.upstreamLatencyNanos() / 1_000,
          e.bytesIn(),
          e.bytesOut());
    }

    /**
     * Adds a record given field by field ({@code upstreamMicros} -1 for none).
     *
     * @throws IllegalArgumentException when the record is of another minute or the block is full
     */
    void add(
        String id,
        long time,
        String method,
        String path,
        String client,
        String apiKey,
        String applicationName,
        String subject,
        String identification,
        int httpStatus,
        String reason,
        long latencyMicros,
        long upstreamMicros,
        long bytesIn,
        long bytesOut) {
      long offset = time - minuteStartMicros;
      if (offset < 0 || offset >= MICROS_PER_MINUTE) {
        throw new IllegalArgumentException(
            "record " + id + " at " + instant(time) + " is not of minute " + minute);
      }
      if (!hasRoom()) throw new IllegalArgumentException("block of minute " + minute + " is full");
      records.varint(offset);
      records.string(cut(id, 64));
      records.varint(ref(cut(method, 32)));
      records.varint(ref(cut(path == null ? "" : path, 2048)));
      records.varint(ref(cut(client, 64)));
      int api = ref(cut(apiKey, 512));
      int application = ref(cut(applicationName, 255));
      records.varint(api);
      records.varint(application);
      records.varint(ref(cut(subject, 1024)));
      records.varint(ref(cut(identification, 32)));
      records.varint(ref(cut(reason, 255)));
      int status = Math.max(0, Math.min(httpStatus, 0xFFFF));
      records.varint(status);
      records.varint(Math.max(0, latencyMicros));
      records.varint(upstreamMicros < 0 ? 0 : upstreamMicros + 1);
      records.varint(Math.max(0, bytesIn));
      records.varint(Math.max(0, bytesOut));
      keys.computeIfAbsent(
              ((long) api << 40) | ((long) application << 16) | status, k -> new int[1])[0]++;
      count++;
      firstMicros = Math.min(firstMicros, time);
      lastMicros = Math.max(lastMicros, time);
    }

    /** The distinct (API, application, status) of the records added ({@code ""} for none). */
    List<Key> keys() {
      List<Key> result = new ArrayList<>(keys.size());
      for (Map.Entry<Long, int[]> k : keys.entrySet()) {
        long packed = k.getKey();
        result.add(
            new Key(
                orEmpty((int) (packed >>> 40)),
                orEmpty((int) ((packed >>> 16) & 0xFF_FFFF)),
                (int) (packed & 0xFFFF),
                k.getValue()[0]));
      }
      return result;
    }

    /** The block's bytes. */
    byte[] encode() {
      Bytes head = new Bytes(64 + strings.size() * 16);
      head.varint(FORMAT);
      head.varint(count);
      head.varint(strings.size());
      for (String s : strings) head.string(s);
      byte[] out = Arrays.copyOf(head.data, head.size + records.size);
      System.arraycopy(records.data, 0, out, head.size, records.size);
      return out;
    }

    private String orEmpty(int ref) {
      return ref == 0 ? "" : strings.get(ref - 1);
    }

    private int ref(String s) {
      if (s == null) return 0;
      Integer known = index.get(s);
      if (known != null) return known;
      if (strings.size() >= 0xFF_FFFF) {
        throw new IllegalStateException("block of minute " + minute + ": too many strings");
      }
      strings.add(s);
      int ref = strings.size();
      index.put(s, ref);
      return ref;
    }
  }

  /** Which records of a block a reader wants. Null fields match everything. */
  record Selection(
      long fromMicros, long toMicros, String api, String application, Integer status) {}

  /** Receives the records of a block that match, in the block's order. */
  interface Sink {
    /**
     * @param seq the record's place among records of the same time
     * @param timeMicros the record's time
     * @param record the record, built only for records that match and that {@link #wants}
     */
    void accept(long seq, long timeMicros, StoredTransaction record);

    /** Whether the record at this place is wanted at all (before it is built). */
    boolean wants(long seq, long timeMicros);
  }

  /**
   * Reads a block and hands each record that matches the selection to the sink.
   *
   * @throws IllegalStateException when the bytes are not a block of a known format
   */
  static void read(long blockId, long minute, String node, byte[] data, Selection s, Sink sink) {
    Reader in = new Reader(data);
    int format = (int) in.varint();
    if (format != FORMAT) {
      throw new IllegalStateException(
          "transaction block " + blockId + ": unknown format " + format + ", expected " + FORMAT);
    }
    int count = in.count(MAX_RECORDS);
    String[] strings = new String[in.count(data.length) + 1];
    for (int i = 1; i < strings.length; i++) strings[i] = in.string();
    int api = s.api() == null ? -1 : find(strings, s.api());
    int application = s.application() == null ? -1 : find(strings, s.application());
    if (api == 0 || application == 0) return; // the block has no record of that API/application
    long start = Math.multiplyExact(minute, MICROS_PER_MINUTE);
    for (int i = 0; i < count; i++) {
      long time = start + in.varint();
      int idStart = in.position;
      int idLength = in.count(data.length);
      in.skip(idLength);
      int method = in.ref(strings);
      int path = in.ref(strings);
      int client = in.ref(strings);
      int recordApi = in.ref(strings);
      int recordApplication = in.ref(strings);
      int subject = in.ref(strings);
      int identification = in.ref(strings);
      int reason = in.ref(strings);
      int status = (int) in.varint();
      long latency = in.varint();
      long upstream = in.varint();
      long bytesIn = in.varint();
      long bytesOut = in.varint();
      long seq = blockId * MAX_RECORDS + i;
      if (time < s.fromMicros()
          || time >= s.toMicros()
          || (api > 0 && recordApi != api)
          || (application > 0 && recordApplication != application)
          || (s.status() != null && status != s.status())
          || !sink.wants(seq, time)) {
        continue;
      }
      String id = new Reader(data, idStart).string();
      sink.accept(
          seq,
          time,
          new StoredTransaction(
              id,
              instant(time),
              node,
              strings[method],
              strings[path],
              strings[client],
              strings[recordApi],
              strings[recordApplication],
              strings[subject],
              strings[identification],
              status,
              strings[reason],
              latency,
              upstream == 0 ? null : upstream - 1,
              bytesIn,
              bytesOut));
    }
  }

  /** The table index of a string (1-based), or 0 when the block does not have it. */
  private static int find(String[] strings, String wanted) {
    for (int i = 1; i < strings.length; i++) if (wanted.equals(strings[i])) return i;
    return 0;
  }

  static String cut(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max);
  }

  /** A growing byte array. */
  private static final class Bytes {
    byte[] data;
    int size;

    Bytes(int capacity) {
      data = new byte[capacity];
    }

    void varint(long value) {
      if (size + 10 > data.length) data = Arrays.copyOf(data, Math.max(data.length * 2, size + 10));
      long v = value;
      while ((v & ~0x7FL) != 0) {
        data[size++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      data[size++] = (byte) v;
    }

    void string(String s) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      varint(bytes.length);
      if (size + bytes.length > data.length) {
        data = Arrays.copyOf(data, Math.max(data.length * 2, size + bytes.length));
      }
      System.arraycopy(bytes, 0, data, size, bytes.length);
      size += bytes.length;
    }
  }

  /** Reads varints and strings, refusing anything that runs past the end. */
  private static final class Reader {
    private final byte[] data;
    int position;

    Reader(byte[] data) {
      this(data, 0);
    }

    Reader(byte[] data, int position) {
      this.data = data;
      this.position = position;
    }

    long varint() {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (position >= data.length) throw corrupt("ends inside a number");
        byte b = data[position++];
        value |= (long) (b & 0x7F) << shift;
        if (b >= 0) return value;
      }
      throw corrupt("has a number longer than 64 bits");
    }

    /** A varint that must lie in 0..max. */
    int count(int max) {
      long value = varint();
      if (value < 0 || value > max)
        throw corrupt("has a count of " + value + " (at most " + max + ")");
      return (int) value;
    }

    int ref(String[] strings) {
      long value = varint();
      if (value < 0 || value >= strings.length) throw corrupt("refers to string " + value);
      return (int) value;
    }

    void skip(int length) {
      if (length > data.length - position) throw corrupt("ends inside a string");
      position += length;
    }

    String string() {
      int length = count(data.length);
      int start = position;
      skip(length);
      return new String(data, start, length, StandardCharsets.UTF_8);
    }

    private IllegalStateException corrupt(String what) {
      return new IllegalStateException(
          "transaction block is corrupt: it " + what + " at byte " + position);
    }
  }
}
