package io.portcullis.manager;

import io.portcullis.control.ValidationException;
import io.portcullis.monitor.StoredTransaction;
import io.portcullis.monitor.Totals;
import io.portcullis.monitor.TransactionFilter;
import io.portcullis.monitor.TransactionRecords;
import io.portcullis.monitor.TransactionRepository;
import io.portcullis.monitor.TransactionRepository.Cursor;
import io.portcullis.monitor.TransactionRepository.Grouping;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The Manager's traffic screens (docs/MANAGER.md): the dashboard and the transactions list. They
 * read the same {@link TransactionRepository} as the admin API's {@code /analytics} and {@code
 * /transactions}; every method that reads it blocks and runs on a worker.
 */
public final class TrafficScreens {
  static final int PAGE_SIZE = 50;
  static final int TOP_ROWS = 10;

  /** How often the dashboard reloads its figures while it is open (htmx). */
  public static final int REFRESH_SECONDS = 15;

  private static final Duration DEFAULT_RANGE = Duration.ofHours(24);
  private static final DateTimeFormatter SHOWN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY_HOUR =
      DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);

  /** A time range of the dashboard: its URL value, label, length and the width of one point. */
  public enum Range {
    M15("15m", "15 min", Duration.ofMinutes(15), Grouping.MINUTE, 1),
    H1("1h", "1 h", Duration.ofHours(1), Grouping.MINUTE, 1),
    H24("24h", "24 h", Duration.ofHours(24), Grouping.HOUR, 60),
    D7("7d", "7 d", Duration.ofDays(7), Grouping.HOUR, 60);

    final String value;
    final String label;
    final Duration length;
    final Grouping grouping;
    final long stepMinutes;

    Range(String value, String label, Duration length, Grouping grouping, long stepMinutes) {
      this.value = value;
      this.label = label;
      this.length = length;
      this.grouping = grouping;
      this.stepMinutes = stepMinutes;
    }

    /** The range named {@code value}; one hour when it is null or unknown. */
    static Range of(String value) {
      for (Range r : values()) if (r.value.equals(value)) return r;
      return H1;
    }
  }

  private final TransactionRepository repository;
  private final TransactionRecords records;
  private final Clock clock;

  /**
   * @param repository the stored records and rollups
   * @param records this node's writer, for the count of records it could not store; null when the
   *     node stores none
   */
  public TrafficScreens(TransactionRepository repository, TransactionRecords records, Clock clock) {
    this.repository = Objects.requireNonNull(repository, "repository");
    this.records = records;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  TransactionRepository repository() {
    return repository;
  }

  // ---------------------------------------------------------------- transactions

  /** The filters of the transactions screen as the URL gives them; "" for none. */
  public record Filters(String from, String to, String api, String application, String status) {}

  static Filters filters(MultiMap q) {
    return new Filters(
        text(q.get("from")),
        text(q.get("to")),
        text(q.get("api")),
        text(q.get("application")),
        text(q.get("status")));
  }

  /**
   * The query of {@code f}: from and to as RFC 3339 instants or {@code yyyy-MM-ddTHH:mm[:ss]} in
   * UTC (the last 24 hours by default), a status from 100 to 599.
   *
   * @throws ValidationException naming the field that is not understood
   */
  TransactionFilter filter(Filters f) {
    Instant to = f.to().isEmpty() ? clock.instant() : instant("to", f.to());
    Instant from = f.from().isEmpty() ? to.minus(DEFAULT_RANGE) : instant("from", f.from());
    if (!from.isBefore(to)) {
      throw new ValidationException("from", "expected an instant before to (" + to + ")");
    }
    Integer status = null;
    if (!f.status().isEmpty()) {
      try {
        status = Integer.parseInt(f.status());
      } catch (NumberFormatException e) {
        status = 0;
      }
      if (status < 100 || status > 599) {
        throw new ValidationException(
            "status", "expected an HTTP status, 100 to 599; was " + f.status());
      }
    }
    return new TransactionFilter(
        from, to, blankToNull(f.api()), blankToNull(f.application()), status);
  }

  /** One record as the table shows it. */
  public record Row(
      String time,
      String method,
      String path,
      String api,
      String application,
      String identification,
      int status,
      String statusClass,
      String reason,
      String latency) {}

  /** A page of records and the link to the older ones ("" when this is the last page). */
  public record Listing(List<Row> rows, String older) {}

  /**
   * A page of records, newest first.
   *
   * @throws ValidationException when the cursor is not one this screen handed out
   */
  Listing transactions(Filters f, String cursor) {
    TransactionFilter filter = filter(f);
    Cursor after = cursor(cursor);
    TransactionRepository.Page page = repository.find(filter, after, PAGE_SIZE);
    List<Row> rows = new ArrayList<>();
    for (StoredTransaction t : page.items()) {
      rows.add(
          new Row(
              SHOWN.format(t.time()),
              t.method(),
              t.path(),
              text(t.api()),
              text(t.application()),
              text(t.identification()),
              t.status(),
              t.status() >= 500 ? "bad" : t.status() >= 400 ? "off" : "ok",
              text(t.reason()),
              String.format(Locale.ROOT, "%.1f ms", t.latencyMicros() / 1000.0)));
    }
    String older = "";
    if (page.next() != null) {
      // The range is pinned so that records arriving meanwhile do not shift the pages.
      Filters pinned =
          new Filters(
              filter.from().toString(),
              filter.to().toString(),
              f.api(),
              f.application(),
              f.status());
      older = link("/ui/transactions", pinned) + "&cursor=" + encode(page.next());
    }
    return new Listing(rows, older);
  }

  /** {@code path} with the non-empty filters as its query. */
  static String link(String path, Filters f) {
    StringBuilder b = new StringBuilder(path).append('?');
    add(b, "from", f.from());
    add(b, "to", f.to());
    add(b, "api", f.api());
    add(b, "application", f.application());
    add(b, "status", f.status());
    if (b.charAt(b.length() - 1) == '&' || b.charAt(b.length() - 1) == '?') {
      b.setLength(b.length() - 1);
    }
    return b.toString();
  }

  private static void add(StringBuilder b, String name, String value) {
    if (!value.isEmpty()) b.append(name).append('=').append(Kinds.enc(value)).append('&');
  }

  private static String encode(Cursor c) {
    String text = c.time().toString() + "|" + c.seq();
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static Cursor cursor(String text) {
    if (text == null || text.isBlank()) return null;
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      int bar = decoded.indexOf('|');
      return new Cursor(
          Instant.parse(decoded.substring(0, bar)), Long.parseLong(decoded.substring(bar + 1)));
    } catch (IllegalArgumentException | DateTimeParseException | IndexOutOfBoundsException e) {
      throw new ValidationException("cursor", "expected the link of the Older button");
    }
  }

  // ---------------------------------------------------------------- dashboard

  /** A headline figure. */
  public record Figure(String label, String value, String note) {}

  /** A row of a top table: the key, its calls and errors, and its transactions. */
  public record TopRow(String key, long requests, long errors, String href) {}

  /** One interval of the requests chart, in the chart's coordinates. */
  public record Bar(
      double x,
      double width,
      double requestsY,
      double requestsHeight,
      double errorsY,
      double errorsHeight,
      String href,
      String title) {}

  /** A label on an axis at a chart coordinate. */
  public record Tick(double at, String label) {}

  /** One interval's p50, p95 and p99 marks, in the chart's coordinates. */
  public record Marks(double x, double p50, double p95, double p99) {}

  /** The latency chart's three lines, its marks and point links, in the chart's coordinates. */
  public record Lines(
      String p50, String p95, String p99, List<Marks> marks, List<Bar> hits, List<Tick> yTicks) {}

  /** Everything the dashboard shows. */
  public record Dashboard(
      String range,
      List<List<String>> ranges,
      String from,
      String to,
      List<Figure> figures,
      List<Bar> bars,
      List<Tick> requestTicks,
      Lines latency,
      List<Tick> timeTicks,
      List<TopRow> apis,
      List<TopRow> applications,
      String transactions) {}

  /**
   * Chart geometry shared by the template: the view box is WIDTH wide, the plot spans x
   * LEFT..RIGHT, y TOP..BOTTOM. The width suits half of a laptop screen, where the two charts sit
   * side by side, so that their labels keep about their size.
   */
  public static final double LEFT = 52, RIGHT = 456, TOP = 8, BOTTOM = 118;

  /** The width of the charts' view box. */
  public static final int WIDTH = 480;

  Dashboard dashboard(String rangeValue) {
    Range range = Range.of(rangeValue);
    Instant to = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant from = to.minus(range.length);
    TransactionFilter filter = new TransactionFilter(from, to, null, null, null);

    Totals all = Totals.empty(null);
    for (Totals t : repository.aggregate(filter, Grouping.NONE)) all = all.plus(t);

    long step = range.stepMinutes;
    long first = Math.floorDiv(filter.firstMinute(), step);
    long end = Math.floorDiv(filter.endMinute() + step - 1, step);
    Map<Long, Totals> found = new LinkedHashMap<>();
    for (Totals t : repository.aggregate(filter, range.grouping)) {
      found.put(Long.parseLong(t.key().trim()), t);
    }
    List<Totals> points = new ArrayList<>();
    for (long p = first; p < end; p++) points.add(found.getOrDefault(p, Totals.empty(null)));

    int n = points.size();
    double slot = (RIGHT - LEFT) / n;
    long maxRequests = 1;
    double maxLatency = 1;
    for (Totals t : points) {
      maxRequests = Math.max(maxRequests, t.requests());
      Double p99 = t.quantileMs(0.99);
      if (p99 != null) maxLatency = Math.max(maxLatency, p99);
    }
    long requestScale = niceCeiling(maxRequests);
    double latencyScale = niceCeiling((long) Math.ceil(maxLatency));
    double height = BOTTOM - TOP;
    List<Bar> bars = new ArrayList<>();
    List<Bar> hits = new ArrayList<>();
    List<Marks> marks = new ArrayList<>();
    StringBuilder p50 = new StringBuilder();
    StringBuilder p95 = new StringBuilder();
    StringBuilder p99 = new StringBuilder();
    DateTimeFormatter tickFormat = range.stepMinutes >= 60 ? DAY_HOUR : MINUTE;
    for (int i = 0; i < n; i++) {
      Totals t = points.get(i);
      Instant start = Instant.ofEpochSecond((first + i) * step * 60);
      Instant stop = start.plus(Duration.ofMinutes(step));
      String href =
          link("/ui/transactions", new Filters(start.toString(), stop.toString(), "", "", ""));
      double x = LEFT + i * slot;
      double rh = height * t.requests() / requestScale;
      double eh = height * t.errors() / requestScale;
      String title =
          tickFormat.format(start)
              + " UTC: "
              + t.requests()
              + " requests, "
              + t.errors()
              + " errors";
      bars.add(
          new Bar(
              round(x + slot * 0.1),
              round(Math.max(slot * 0.8, 1)),
              round(BOTTOM - rh),
              round(rh),
              round(BOTTOM - eh),
              round(eh),
              href,
              title));
      double cx = round(x + slot / 2);
      Double q50 = t.quantileMs(0.50);
      Double q95 = t.quantileMs(0.95);
      Double q99 = t.quantileMs(0.99);
      if (q50 != null) {
        marks.add(
            new Marks(
                cx,
                round(BOTTOM - height * q50 / latencyScale),
                round(BOTTOM - height * q95 / latencyScale),
                round(BOTTOM - height * q99 / latencyScale)));
        p50.append(cx).append(',').append(round(BOTTOM - height * q50 / latencyScale)).append(' ');
        p95.append(cx).append(',').append(round(BOTTOM - height * q95 / latencyScale)).append(' ');
        p99.append(cx).append(',').append(round(BOTTOM - height * q99 / latencyScale)).append(' ');
        hits.add(
            new Bar(
                round(x),
                round(slot),
                TOP,
                height,
                0,
                0,
                href,
                String.format(
                    Locale.ROOT,
                    "%s UTC: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms",
                    tickFormat.format(start),
                    q50,
                    q95,
                    q99)));
      }
    }
    List<Tick> timeTicks = new ArrayList<>();
    int every = Math.max(1, n / 4);
    for (int i = 0; i < n; i += every) {
      timeTicks.add(
          new Tick(
              round(LEFT + i * slot + slot / 2),
              tickFormat.format(Instant.ofEpochSecond((first + i) * step * 60))));
    }

    long dropped = 0;
    if (records != null) for (long d : records.dropped().values()) dropped += d;
    Double p95All = all.quantileMs(0.95);
    List<Figure> figures =
        List.of(
            new Figure("Requests", Long.toString(all.requests()), "in the last " + range.label),
            new Figure(
                "Error rate",
                all.requests() == 0
                    ? "–"
                    : String.format(Locale.ROOT, "%.1f %%", 100.0 * all.errors() / all.requests()),
                all.errors() + " answered 400 or above"),
            new Figure(
                "p95 latency",
                p95All == null ? "–" : String.format(Locale.ROOT, "%.1f ms", p95All),
                "whole call, gateway and upstream"),
            new Figure(
                "Records not stored",
                records == null ? "–" : Long.toString(dropped),
                records == null ? "this node stores no records" : "on this node since it started"));

    Filters range0 = new Filters(minutesFrom(filter), minutesTo(filter), "", "", "");
    List<List<String>> ranges = new ArrayList<>();
    for (Range r : Range.values()) ranges.add(List.of(r.value, r.label));
    return new Dashboard(
        range.value,
        ranges,
        SHOWN.format(from),
        SHOWN.format(to),
        figures,
        bars,
        ticks(requestScale, height, false),
        new Lines(
            p50.toString().strip(),
            p95.toString().strip(),
            p99.toString().strip(),
            marks,
            hits,
            ticks((long) latencyScale, height, true)),
        timeTicks,
        top(filter, Grouping.API, true),
        top(filter, Grouping.APPLICATION, false),
        link("/ui/transactions", range0));
  }

  private List<TopRow> top(TransactionFilter filter, Grouping grouping, boolean api) {
    List<Totals> totals = new ArrayList<>(repository.aggregate(filter, grouping));
    totals.sort(
        Comparator.comparingLong(Totals::requests).reversed().thenComparing(t -> t.key().trim()));
    List<TopRow> rows = new ArrayList<>();
    for (Totals t : totals.subList(0, Math.min(TOP_ROWS, totals.size()))) {
      String key = t.key().trim();
      Filters f =
          new Filters(minutesFrom(filter), minutesTo(filter), api ? key : "", api ? "" : key, "");
      rows.add(new TopRow(key, t.requests(), t.errors(), link("/ui/transactions", f)));
    }
    return rows;
  }

  /**
   * An API's calls over the last 24 hours, from the rollups (every node of the store), and the link
   * to those transactions: what activating or deactivating it is shown to affect.
   *
   * @param requests calls the API answered
   * @param errors of them, answered with status 400 or above
   * @param href the transactions screen of those calls
   */
  public record DayOfCalls(long requests, long errors, String href) {}

  /** The calls of API {@code api} ({@code name/version}) in the last 24 hours. Blocking. */
  DayOfCalls lastDay(String api) {
    Instant to = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    TransactionFilter filter =
        new TransactionFilter(to.minus(Duration.ofHours(24)), to, api, null, null);
    Totals all = Totals.empty(null);
    for (Totals t : repository.aggregate(filter, Grouping.NONE)) all = all.plus(t);
    Filters f = new Filters(minutesFrom(filter), minutesTo(filter), api, "", "");
    return new DayOfCalls(all.requests(), all.errors(), link("/ui/transactions", f));
  }

  /**
   * The start of the first minute the rollups of {@code filter} count: links to the transactions
   * cover the whole minutes the figures are of, so that the records there add up to them.
   */
  private static String minutesFrom(TransactionFilter filter) {
    return Instant.ofEpochSecond(filter.firstMinute() * 60).toString();
  }

  /** The end of the last minute the rollups of {@code filter} count. */
  private static String minutesTo(TransactionFilter filter) {
    return Instant.ofEpochSecond(filter.endMinute() * 60).toString();
  }

  private static List<Tick> ticks(long scale, double height, boolean ms) {
    List<Tick> ticks = new ArrayList<>();
    for (int i = 0; i <= 2; i++) {
      long value = scale * i / 2;
      ticks.add(new Tick(round(BOTTOM - height * i / 2), value + (ms ? " ms" : "")));
    }
    return ticks;
  }

  /** The smallest of 1, 2, 5 × 10^k that is at least {@code value}. */
  static long niceCeiling(long value) {
    long magnitude = 1;
    while (true) {
      for (long m : new long[] {1, 2, 5}) {
        if (m * magnitude >= value) return m * magnitude;
      }
      magnitude *= 10;
    }
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  // ---------------------------------------------------------------- helpers

  private static Instant instant(String field, String text) {
    String t = text.strip().toUpperCase(Locale.ROOT);
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e2) {
        throw new ValidationException(
            field,
            "expected an instant such as 2026-01-31T10:42:00Z (UTC when no offset); was " + text);
      }
    }
  }

  private static String text(String value) {
    return value == null ? "" : value.strip();
  }

  private static String blankToNull(String value) {
    return value.isEmpty() ? null : value;
  }
}
