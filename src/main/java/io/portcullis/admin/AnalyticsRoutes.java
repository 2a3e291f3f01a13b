package io.portcullis.admin;

import io.portcullis.control.ValidationException;
import io.portcullis.monitor.StoredTransaction;
import io.portcullis.monitor.Totals;
import io.portcullis.monitor.TransactionEvent;
import io.portcullis.monitor.TransactionFilter;
import io.portcullis.monitor.TransactionRecords;
import io.portcullis.monitor.TransactionRepository;
import io.portcullis.monitor.TransactionRepository.Cursor;
import io.portcullis.monitor.TransactionRepository.Grouping;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Traffic records and analytics in the admin API (docs/ADMIN-API.md, "Traffic records and
 * analytics"; docs/MONITORING.md):
 *
 * <ul>
 *   <li>{@code GET /transactions}: raw records, newest first, paged by an opaque cursor; as CSV
 *       ({@code Accept: text/csv} or {@code format=csv}) every matching record, streamed;
 *   <li>{@code GET /analytics/summary}, {@code /analytics/timeseries}, {@code /analytics/top}:
 *       totals from the per-minute and hourly rollups (top reasons from the reason rollups);
 *   <li>{@code GET /analytics/recording}: what the writer has stored, queued and dropped.
 * </ul>
 *
 * Parameters are checked on the event loop (a bad one is a 400 naming it); queries run on worker
 * threads.
 */
public final class AnalyticsRoutes implements AdminServer.Extension {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1_000;
  static final int DEFAULT_TOP = 10;
  static final int MAX_TOP = 100;
  static final int MAX_POINTS = 10_000;
  static final int CSV_PAGE = 1_000;
  static final String CSV = "text/csv; charset=utf-8";
  static final String CSV_HEADER =
      "id,time,node,method,path,client,api,application,subject,identification,status,reason,"
          + "latencyMs,upstreamLatencyMs,bytesIn,bytesOut\r\n";

  private static final Logger log = LoggerFactory.getLogger(AnalyticsRoutes.class);
  private static final Duration DEFAULT_RANGE = Duration.ofHours(1);

  private final Vertx vertx;
  private final TransactionRepository repository;
  private final TransactionRecords records;
  private final Clock clock;

  /**
   * @param records the node's writer, for {@code /analytics/recording}; null when the node stores
   *     no records
   */
  public AnalyticsRoutes(
      Vertx vertx, TransactionRepository repository, TransactionRecords records, Clock clock) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.repository = Objects.requireNonNull(repository, "repository");
    this.records = records;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void mount(Router router) {
    router.route("/transactions").handler(new MethodDispatch().on(HttpMethod.GET, this::list));
    router
        .route("/analytics/summary")
        .handler(
            new MethodDispatch()
                .on(HttpMethod.GET, ctx -> blocking(ctx, summary(filter(ctx, false)))));
    router
        .route("/analytics/timeseries")
        .handler(new MethodDispatch().on(HttpMethod.GET, this::timeseries));
    router.route("/analytics/top").handler(new MethodDispatch().on(HttpMethod.GET, this::top));
    router
        .route("/analytics/recording")
        .handler(new MethodDispatch().on(HttpMethod.GET, ctx -> recording().send(ctx)));
  }

  // ---------------------------------------------------------------- /transactions

  private void list(RoutingContext ctx) {
    TransactionFilter filter = filter(ctx, true);
    String format = ctx.request().getParam("format");
    if (format != null && !format.equals("csv") && !format.equals("json")) {
      throw new ValidationException("format", "expected csv or json; was " + format);
    }
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    boolean csv =
        "csv".equals(format)
            || (format == null
                && accept != null
                && accept.toLowerCase(Locale.ROOT).contains("text/csv"));
    if (csv) {
      streamCsv(vertx, repository, ctx.response(), filter);
      return;
    }
    int limit = intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    Cursor after = cursor(ctx.request().getParam("cursor"));
    blocking(
        ctx,
        () -> {
          TransactionRepository.Page page = repository.find(filter, after, limit);
          JsonArray items = new JsonArray();
          page.items().forEach(t -> items.add(json(t)));
          JsonObject body = new JsonObject().put("items", items);
          body.put("next", page.next() == null ? null : encode(page.next()));
          return Reply.json(200, body.toBuffer());
        });
  }

  /**
   * Streams every record {@code filter} matches as CSV ({@link #CSV_HEADER}'s columns, newest
   * first) on {@code response}, reading the store a page at a time on a worker thread and waiting
   * for each page to reach the connection; the Manager's export uses it too.
   */
  public static void streamCsv(
      Vertx vertx,
      TransactionRepository repository,
      HttpServerResponse response,
      TransactionFilter filter) {
    response
        .setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, CSV)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("Content-Disposition", "attachment; filename=\"transactions.csv\"");
    vertx
        .executeBlocking(
            () -> {
              await(response.write(CSV_HEADER));
              repository.forEach(
                  filter,
                  CSV_PAGE,
                  page -> {
                    StringBuilder chunk = new StringBuilder(page.size() * 160);
                    page.forEach(t -> csvLine(chunk, t));
                    await(response.write(Buffer.buffer(chunk.toString())));
                  });
              return null;
            },
            false)
        .onComplete(
            done -> {
              if (done.succeeded()) {
                response.end();
              } else {
                log.atWarn()
                    .addKeyValue("error", String.valueOf(done.cause()))
                    .log("streaming transactions as CSV stopped");
                response.reset();
              }
            });
  }

  /** Waits for a write to reach the connection: back-pressure for a slow reader. */
  private static void await(io.vertx.core.Future<Void> write) {
    try {
      write.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while streaming", e);
    } catch (Exception e) {
      throw new IllegalStateException("the client is not reading: " + e.getMessage(), e);
    }
  }

  static JsonObject json(StoredTransaction t) {
    return new JsonObject()
        .put("id", t.id())
        .put("time", t.time().toString())
        .put("node", t.node())
        .put("method", t.method())
        .put("path", t.path())
        .put("client", t.client())
        .put("api", t.api())
        .put("application", t.application())
        .put("subject", t.subject())
        .put("identification", t.identification())
        .put("status", t.status())
        .put("reason", t.reason())
        .put("latencyMs", t.latencyMicros() / 1000.0)
        .put(
            "upstreamLatencyMs",
            t.upstreamLatencyMicros() == null ? null : t.upstreamLatencyMicros() / 1000.0)
        .put("bytesIn", t.bytesIn())
        .put("bytesOut", t.bytesOut());
  }

  private static void csvLine(StringBuilder out, StoredTransaction t) {
    Object[] cells = {
      t.id(),
      t.time(),
      t.node(),
      t.method(),
      t.path(),
      t.client(),
      t.api(),
      t.application(),
      t.subject(),
      t.identification(),
      t.status(),
      t.reason(),
      t.latencyMicros() / 1000.0,
      t.upstreamLatencyMicros() == null ? null : t.upstreamLatencyMicros() / 1000.0,
      t.bytesIn(),
      t.bytesOut()
    };
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) out.append(',');
      if (cells[i] != null) out.append(csvCell(cells[i].toString()));
    }
    out.append("\r\n");
  }

  /**
   * A CSV cell (RFC 4180): quoted when it holds a comma, quote or line break; a leading {@code = +
   * - @} is prefixed with {@code '} so that a spreadsheet does not run it as a formula.
   */
  static String csvCell(String value) {
    String text = value;
    if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) text = "'" + text;
    boolean quote =
        text.indexOf(',') >= 0
            || text.indexOf('"') >= 0
            || text.indexOf('\n') >= 0
            || text.indexOf('\r') >= 0;
    return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
  }

  // ---------------------------------------------------------------- analytics

  private Callable<Reply> summary(TransactionFilter filter) {
    return () -> {
      List<Totals> byStatus = repository.aggregate(filter, Grouping.STATUS);
      Totals all = Totals.empty(null);
      Map<String, Long> byClass = new LinkedHashMap<>();
      for (String c : List.of("1xx", "2xx", "3xx", "4xx", "5xx")) byClass.put(c, 0L);
      for (Totals t : byStatus) {
        all = all.plus(t);
        byClass.merge(
            TransactionEvent.statusClass(Integer.parseInt(t.key().trim())),
            t.requests(),
            Long::sum);
      }
      JsonObject classes = new JsonObject();
      byClass.forEach(classes::put);
      JsonObject body =
          withPercentiles(
                  new JsonObject().put("requests", all.requests()).put("errors", all.errors()), all)
              .put("errorRate", all.requests() == 0 ? 0.0 : (double) all.errors() / all.requests())
              .put("bytesIn", all.bytesIn())
              .put("bytesOut", all.bytesOut())
              .put("byStatusClass", classes);
      return Reply.json(200, body.toBuffer());
    };
  }

  private static JsonObject withPercentiles(JsonObject o, Totals t) {
    return o.put("p50Ms", t.quantileMs(0.50))
        .put("p95Ms", t.quantileMs(0.95))
        .put("p99Ms", t.quantileMs(0.99));
  }

  private void timeseries(RoutingContext ctx) {
    TransactionFilter filter = filter(ctx, false);
    String interval = ctx.request().getParam("interval", "minute");
    Grouping grouping;
    long minutes;
    switch (interval) {
      case "minute" -> {
        grouping = Grouping.MINUTE;
        minutes = 1;
      }
      case "hour" -> {
        grouping = Grouping.HOUR;
        minutes = 60;
      }
      case "day" -> {
        grouping = Grouping.DAY;
        minutes = 1440;
      }
      default ->
          throw new ValidationException(
              "interval", "expected minute, hour or day; was " + interval);
    }
    long first = Math.floorDiv(filter.firstMinute(), minutes);
    long end = Math.floorDiv(filter.endMinute() + minutes - 1, minutes);
    if (end - first > MAX_POINTS) {
      throw new ValidationException(
          "interval",
          "the range holds "
              + (end - first)
              + " "
              + interval
              + "s; at most "
              + MAX_POINTS
              + " points are answered: use a longer interval or a shorter range");
    }
    blocking(
        ctx,
        () -> {
          Map<Long, Totals> found = new LinkedHashMap<>();
          for (Totals t : repository.aggregate(filter, grouping)) {
            found.put(Long.parseLong(t.key().trim()), t);
          }
          JsonArray points = new JsonArray();
          for (long p = first; p < end; p++) {
            Totals t = found.getOrDefault(p, Totals.empty(null));
            points.add(
                withPercentiles(
                    new JsonObject()
                        .put("time", Instant.ofEpochSecond(p * minutes * 60).toString())
                        .put("requests", t.requests())
                        .put("errors", t.errors()),
                    t));
          }
          return Reply.json(
              200, new JsonObject().put("interval", interval).put("points", points).toBuffer());
        });
  }

  private void top(RoutingContext ctx) {
    TransactionFilter filter = filter(ctx, false);
    String by = ctx.request().getParam("by");
    if (by == null) {
      throw new ValidationException("by", "expected api, application, status or reason");
    }
    int limit = intParam(ctx, "limit", DEFAULT_TOP, 1, MAX_TOP);
    Callable<List<Totals>> query =
        switch (by) {
          case "api" -> () -> repository.aggregate(filter, Grouping.API);
          case "application" -> () -> repository.aggregate(filter, Grouping.APPLICATION);
          case "status" -> () -> repository.aggregate(filter, Grouping.STATUS);
          case "reason" -> () -> repository.topReasons(filter, limit);
          default ->
              throw new ValidationException(
                  "by", "expected api, application, status or reason; was " + by);
        };
    blocking(
        ctx,
        () -> {
          List<Totals> totals = new ArrayList<>(query.call());
          totals.sort(
              Comparator.comparingLong(Totals::requests)
                  .reversed()
                  .thenComparing(t -> t.key().trim()));
          JsonArray items = new JsonArray();
          totals.stream()
              .limit(limit)
              .forEach(
                  t ->
                      items.add(
                          new JsonObject()
                              .put("key", t.key().trim())
                              .put("requests", t.requests())
                              .put("errors", t.errors())));
          return Reply.json(200, new JsonObject().put("by", by).put("items", items).toBuffer());
        });
  }

  private Reply recording() {
    JsonObject body =
        new JsonObject().put("enabled", records != null && records.settings().store());
    if (records != null) {
      JsonObject dropped = new JsonObject();
      records.dropped().forEach(dropped::put);
      body.put("accessLog", records.settings().accessLog())
          .put("queued", records.queued())
          .put("written", records.written())
          .put("dropped", dropped);
    }
    return Reply.json(200, body.toBuffer());
  }

  // ---------------------------------------------------------------- parameters

  private TransactionFilter filter(RoutingContext ctx, boolean withStatus) {
    Instant now = clock.instant();
    Instant to = instant(ctx, "to", now);
    Instant from = instant(ctx, "from", to.minus(DEFAULT_RANGE));
    if (!from.isBefore(to)) {
      throw new ValidationException(
          "from", "expected an instant before to (" + to + "); was " + from);
    }
    String api = ctx.request().getParam("api");
    String application = ctx.request().getParam("application");
    Integer status = withStatus ? status(ctx.request().getParam("status")) : null;
    return new TransactionFilter(from, to, blankToNull(api), blankToNull(application), status);
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text;
  }

  private static Integer status(String text) {
    if (text == null) return null;
    try {
      int status = Integer.parseInt(text);
      if (status >= 100 && status <= 599) return status;
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new ValidationException("status", "expected an HTTP status, 100 to 599; was " + text);
  }

  private static Instant instant(RoutingContext ctx, String name, Instant fallback) {
    String text = ctx.request().getParam(name);
    if (text == null) return fallback;
    try {
      return OffsetDateTime.parse(text.toUpperCase(Locale.ROOT)).toInstant();
    } catch (DateTimeParseException e) {
      throw new ValidationException(
          name, "expected an RFC 3339 instant such as 2026-01-31T10:42:00Z; was " + text);
    }
  }

  private static int intParam(RoutingContext ctx, String name, int fallback, int min, int max) {
    String text = ctx.request().getParam(name);
    if (text == null) return fallback;
    try {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) return value;
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new ValidationException(
        name, "expected a whole number from " + min + " to " + max + "; was " + text);
  }

  /** The opaque cursor: base64url of {@code t<epoch micros>.<seq>}. */
  static String encode(Cursor cursor) {
    long micros =
        Math.addExact(
            Math.multiplyExact(cursor.time().getEpochSecond(), 1_000_000L),
            cursor.time().getNano() / 1_000);
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("t" + micros + "." + cursor.seq()).getBytes(StandardCharsets.US_ASCII));
  }

  static Cursor cursor(String text) {
    if (text == null) return null;
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
      int dot = decoded.indexOf('.');
      if (decoded.startsWith("t") && dot > 1) {
        long micros = Long.parseLong(decoded.substring(1, dot));
        long seq = Long.parseLong(decoded.substring(dot + 1));
        return new Cursor(
            Instant.ofEpochSecond(
                Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000),
            seq);
      }
    } catch (IllegalArgumentException e) {
      // answered below
    }
    throw new ValidationException(
        "cursor", "expected the next value of a previous page of /transactions");
  }

  private void blocking(RoutingContext ctx, Callable<Reply> work) {
    Blocking.reply(vertx, ctx, work);
  }
}
