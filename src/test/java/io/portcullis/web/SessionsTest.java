package io.portcullis.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.store.ChangeNotifier;
import io.portcullis.store.Database;
import io.portcullis.store.JdbcWebSessions;
import io.portcullis.store.TestDatabases;
import io.portcullis.testing.MutableClock;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sessions in a real store (H2) behind a real HTTP server: what the cookie carries, what the row
 * keeps, when a session ends.
 */
class SessionsTest {
  static final Sessions.Settings SETTINGS =
      new Sessions.Settings(
          Duration.ofMinutes(30),
          Duration.ofHours(8),
          Duration.ofMinutes(1),
          Duration.ofSeconds(30),
          3);

  final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  final Map<String, String> stamps = new ConcurrentHashMap<>(Map.of("alice", "s1", "bob", "s1"));
  final HttpClient http = HttpClient.newHttpClient();
  Vertx vertx;
  Database database;
  ChangeNotifier notifier;
  JdbcWebSessions store;
  Sessions sessions;
  HttpServer server;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    database = Database.open(TestDatabases.h2());
    notifier = ChangeNotifier.open(database);
    store = new JdbcWebSessions(database.dataSource(), notifier);
    sessions = serve("manager");
  }

  @AfterEach
  void stop() {
    vertx.close().await();
    notifier.close();
    database.close();
  }

  /** A site on a new server: GET /start?user=, GET /find, POST /end. */
  Sessions serve(String site) {
    Sessions s =
        new Sessions(
            vertx,
            store,
            site,
            SETTINGS,
            clock,
            "sid",
            "/",
            user -> Optional.ofNullable(stamps.get(user)));
    notifier.subscribe(ChangeNotifier.Channel.WEB_SESSION_ENDED, s::forget);
    Router router = Router.router(vertx);
    router
        .get("/start")
        .handler(
            ctx ->
                s.start(ctx.request(), ctx.response(), ctx.queryParams().get("user"), "admin", true)
                    .onSuccess(w -> ctx.response().end(w.csrfToken()))
                    .onFailure(e -> ctx.response().setStatusCode(503).end()));
    router
        .get("/find")
        .handler(
            ctx ->
                s.find(ctx.request())
                    .onSuccess(
                        w ->
                            ctx.response()
                                .setStatusCode(w.isPresent() ? 200 : 401)
                                .end(w.map(WebSession::username).orElse("")))
                    .onFailure(e -> ctx.response().setStatusCode(503).end()));
    router
        .post("/end")
        .handler(
            ctx ->
                s.end(ctx.request(), ctx.response())
                    .onSuccess(v -> ctx.response().setStatusCode(204).end())
                    .onFailure(e -> ctx.response().setStatusCode(503).end()));
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    return s;
  }

  HttpResponse<String> call(String method, String path, String cookie) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (cookie != null) request.header("Cookie", "sid=" + cookie);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  String signIn(String user) throws Exception {
    HttpResponse<String> started = call("GET", "/start?user=" + user, null);
    assertThat(started.statusCode()).isEqualTo(200);
    String setCookie = started.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie)
        .containsIgnoringCase("HttpOnly")
        .contains("SameSite=Strict")
        .contains("Path=/");
    return setCookie.substring(4, setCookie.indexOf(';'));
  }

  int rows(String where) throws Exception {
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM web_sessions WHERE " + where)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void startWhenSignedInThenTheStoreKeepsOnlyTheHashOfTheId() throws Exception {
    String id = signIn("alice");
    assertThat(id).hasSize(43);
    assertThat(rows("id_hash = '" + Sessions.hash(id) + "'")).isEqualTo(1);
    assertThat(rows("id_hash = '" + id + "'")).isZero();
    assertThat(call("GET", "/find", id).body()).isEqualTo("alice");
  }

  @Test
  void findWhenAnotherSessionsObjectOnTheSameStoreThenFoundAsOnAnotherNodeOrAfterARestart()
      throws Exception {
    String id = signIn("alice");
    Sessions restarted = serve("manager"); // a second server: another node, or this one restarted
    assertThat(restarted).isNotSameAs(sessions);
    assertThat(call("GET", "/find", id).body()).isEqualTo("alice");
  }

  @Test
  void findWhenTheCookieIsOfAnotherSiteThenNone() throws Exception {
    String managerId = signIn("alice");
    serve("portal");
    assertThat(call("GET", "/find", managerId).statusCode()).isEqualTo(401);
  }

  @Test
  void findWhenUsedWithinTheIdleTimeThenLivesUntilTheAbsoluteExpiry() throws Exception {
    String id = signIn("alice");
    for (int i = 0; i < 16; i++) {
      clock.advance(Duration.ofMinutes(29));
      assertThat(call("GET", "/find", id).statusCode())
          .as("after %d × 29 min", i + 1)
          .isEqualTo(200);
    }
    clock.advance(Duration.ofMinutes(29)); // 17 × 29 min > 8 h
    assertThat(call("GET", "/find", id).statusCode()).isEqualTo(401);
  }

  @Test
  void findWhenIdleLongerThanTheIdleTimeThenEndedInTheStore() throws Exception {
    String id = signIn("alice");
    clock.advance(Duration.ofMinutes(31));
    assertThat(call("GET", "/find", id).statusCode()).isEqualTo(401);
    clock.advance(Duration.ofMinutes(-10));
    assertThat(call("GET", "/find", id).statusCode()).as("removed, not only hidden").isEqualTo(401);
  }

  @Test
  void findWhenUsedOftenThenTheStoreIsWrittenAtMostOnceAMinute() throws Exception {
    String id = signIn("alice");
    Instant signedIn = clock.instant();
    clock.advance(Duration.ofSeconds(20));
    call("GET", "/find", id);
    assertThat(rows("last_seen_at > created_at")).as("20 s: not written").isZero();
    clock.advance(Duration.ofSeconds(50));
    call("GET", "/find", id);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> rows("last_seen_at > created_at") == 1);
    assertThat(signedIn).isBefore(clock.instant());
  }

  @Test
  void endWhenSignedOutThenRefusedEverywhereAtOnce() throws Exception {
    String id = signIn("alice");
    HttpServer first = server;
    serve("manager"); // another node with the session cached
    assertThat(call("GET", "/find", id).statusCode()).isEqualTo(200);
    HttpServer second = server;
    server = first;
    assertThat(call("POST", "/end", id).statusCode()).isEqualTo(204);
    assertThat(call("GET", "/find", id).statusCode()).isEqualTo(401);
    server = second;
    assertThat(call("GET", "/find", id).statusCode())
        .as("cached, evicted by the notice")
        .isEqualTo(401);
    assertThat(rows("1 = 1")).isZero();
  }

  @Test
  void findWhenTheUserChangedOrWasDeletedThenEnded() throws Exception {
    String alice = signIn("alice");
    String bob = signIn("bob");
    stamps.put("alice", "s2"); // a new password, a role taken away, disabled
    stamps.remove("bob");
    assertThat(call("GET", "/find", alice).statusCode()).isEqualTo(401);
    assertThat(call("GET", "/find", bob).statusCode()).isEqualTo(401);
    stamps.put("alice", "s1");
    stamps.put("bob", "s1");
    assertThat(call("GET", "/find", alice).statusCode())
        .as("ended, not only hidden")
        .isEqualTo(401);
  }

  @Test
  void endStaleWhenUsersChangedThenTheirRowsAreDeletedBeforeAnyRequest() throws Exception {
    signIn("alice");
    signIn("bob");
    stamps.remove("bob");
    assertThat(sessions.endStale()).isEqualTo(1);
    assertThat(rows("username = 'bob'")).isZero();
    assertThat(rows("username = 'alice'")).isEqualTo(1);
  }

  @Test
  void startWhenTheUserHasTooManySessionsThenTheOldestEnds() throws Exception {
    String first = signIn("alice");
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(1));
      signIn("alice");
    }
    assertThat(rows("username = 'alice'")).isEqualTo(SETTINGS.maxPerUser());
    assertThat(call("GET", "/find", first).statusCode()).isEqualTo(401);
  }

  @Test
  void startWhenTheRequestCarriedASessionThenItEndsAndTheNewIdDiffers() throws Exception {
    String before = signIn("alice");
    HttpResponse<String> again = call("GET", "/start?user=bob", before);
    String setCookie = again.headers().firstValue("Set-Cookie").orElseThrow();
    String after = setCookie.substring(4, setCookie.indexOf(';'));
    assertThat(after).isNotEqualTo(before);
    assertThat(call("GET", "/find", before).statusCode()).isEqualTo(401);
    assertThat(call("GET", "/find", after).body()).isEqualTo("bob");
  }

  @Test
  void findWhenTheCookieIsMalformedOrUnknownThenNone() throws Exception {
    assertThat(call("GET", "/find", "x".repeat(4000)).statusCode()).isEqualTo(401);
    assertThat(call("GET", "/find", "'; DROP TABLE web_sessions; --").statusCode()).isEqualTo(401);
    assertThat(call("GET", "/find", Sessions.randomToken()).statusCode()).isEqualTo(401);
  }

  @Test
  void findWhenTheStoreIsDownThenFailsAtOnceButCachedSessionsStay() throws Exception {
    String cached = signIn("alice");
    String uncached = signIn("bob");
    sessions.forget(Sessions.hash(uncached));
    database.close();
    long started = System.nanoTime();
    assertThat(call("GET", "/find", uncached).statusCode()).isEqualTo(503);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
    assertThat(call("GET", "/find", cached).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/start?user=alice", null).statusCode()).isEqualTo(503);
  }

  @Test
  void createWhenCalledTwiceThenDifferentIdsAndCsrfTokens() throws Exception {
    String a = signIn("alice");
    String b = signIn("alice");
    assertThat(a).isNotEqualTo(b);
    assertThat(rows("csrf_token <> '' AND csrf_token NOT IN (id_hash)")).isEqualTo(2);
    WebSession session = new WebSession(a, "alice", "admin", true, "csrf", Instant.EPOCH);
    assertThat(session.toString()).doesNotContain(a).doesNotContain("csrf");
  }

  @Test
  void sameTokenWhenDifferentOrMissingThenFalse() {
    assertThat(Sessions.sameToken("abc", "abc")).isTrue();
    assertThat(Sessions.sameToken("abc", "abd")).isFalse();
    assertThat(Sessions.sameToken("abc", null)).isFalse();
    assertThat(Sessions.sameToken(null, "abc")).isFalse();
  }
}
