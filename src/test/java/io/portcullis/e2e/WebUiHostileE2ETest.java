package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Manager and the developer portal against hostile browsers and scripts (SECURITY.md "Hostile
 * traffic", "Web UI"): sign-in floods, throttle evasion, session floods, redirects out of the site,
 * missing CSRF tokens on every state-changing route, headers on every page and asset, odd
 * encodings.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiHostileE2ETest {
  static final String VIC_PASSWORD = "vic-viewer-password";
  static final String DANA_PASSWORD = "dana-developer-password";

  @TempDir static Path dir;
  static RunningNode node;
  static String admin;
  static String gateway;

  @BeforeAll
  static void start() {
    Path config = RunningNode.configFile("web-sessions.yaml", dir);
    node =
        RunningNode.start(
            config,
            dir.resolve("data"),
            null,
            Map.of("VIC_PASSWORD", VIC_PASSWORD, "DANA_PASSWORD", DANA_PASSWORD));
    admin = "http://127.0.0.1:" + node.node().adminPort();
    gateway = "http://127.0.0.1:" + node.node().gatewayPort();
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  /** A user that exists only for one test, so that throttles do not leak between tests. */
  static String user(String name, String password, String role) {
    HttpResponse<String> created =
        node.admin(
            "POST",
            "/users",
            "{\"username\":\""
                + name
                + "\",\"password\":\""
                + password
                + "\",\"roles\":[\""
                + role
                + "\"]}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return name;
  }

  @Test
  @Order(Integer.MAX_VALUE - 1) // failed sign-ins from 127.0.0.1 count against every later test
  void signInWhenManyWrongPasswordsArriveAtOnceThenNoMoreThanTheLimitAreChecked() {
    String victim = user("flood-target", "right-password-123", "admin");
    PageClient attacker = new PageClient();
    String token = PageClient.csrf(attacker.get(admin, "/login"));
    List<CompletableFuture<HttpResponse<String>>> attempts = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      Map<String, String> form = new LinkedHashMap<>();
      form.put("_csrf", token);
      form.put("username", victim);
      form.put("password", "guess-" + i);
      attempts.add(CompletableFuture.supplyAsync(() -> attacker.post(admin, "/login", form)));
    }
    long checked =
        attempts.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 401).count();
    assertThat(checked).as("passwords checked out of 24 sent at once").isLessThanOrEqualTo(5);
    assertThat(attacker.signIn(admin, "/login", victim, "right-password-123").statusCode())
        .as("the right password too waits for the window")
        .isEqualTo(429);
  }

  @Test
  @Order(Integer.MAX_VALUE) // failed sign-ins from 127.0.0.1 count against every later test
  void signInWhenXForwardedForChangesThenTheAddressIsStillCounted() {
    PageClient attacker = new PageClient();
    int refused = 0;
    int last = 0;
    for (int i = 0; i < 22; i++) {
      Map<String, String> form = new LinkedHashMap<>();
      form.put("_csrf", PageClient.csrf(attacker.get(admin, "/login")));
      form.put("username", "nobody-" + i);
      form.put("password", "wrong");
      HttpResponse<String> answer =
          attacker.post(
              admin,
              "/login",
              form,
              "X-Forwarded-For",
              "203.0.113." + i,
              "Forwarded",
              "for=198.51.100." + i);
      if (answer.statusCode() == 429) refused++;
      last = answer.statusCode();
    }
    assertThat(refused)
        .as("attempts refused after 20 failures from 127.0.0.1")
        .isGreaterThanOrEqualTo(2);
    assertThat(last).isEqualTo(429);
  }

  @Test
  @Order(Integer.MAX_VALUE - 2) // failed sign-ins from 127.0.0.1 count against every later test
  void signInWhenTheUsernameIsAVariantThenItIsNotTheUser() {
    String name = user("variant-user", "variant-password-1", "viewer");
    for (String variant :
        List.of("VARIANT-USER", "variant-user\u0000", "ｖａｒｉａｎｔ-user", "variant\u2010user")) {
      HttpResponse<String> answer =
          new PageClient().signIn(admin, "/login", variant, "variant-password-1");
      assertThat(answer.statusCode()).as(variant).isEqualTo(401);
    }
    assertThat(new PageClient().signIn(admin, "/login", name, "variant-password-1").statusCode())
        .isEqualTo(303);
  }

  @Test
  void signInWhenRepeatedInALoopThenTheUserKeepsAtMostTenSessions() {
    String name = user("loop-user", "loop-password-12", "viewer");
    PageClient first = new PageClient();
    first.signIn(admin, "/login", name, "loop-password-12");
    assertThat(first.get(admin, "/ui/apis").statusCode()).isEqualTo(200);
    for (int i = 0; i < 12; i++) {
      assertThat(new PageClient().signIn(admin, "/login", name, "loop-password-12").statusCode())
          .isEqualTo(303);
    }
    assertThat(first.get(admin, "/ui/apis").statusCode()).as("the oldest ended").isEqualTo(303);
  }

  @Test
  void signInWhenTheBrowserHadACookieThenTheSessionIdChanges() {
    PageClient other = new PageClient();
    other.signIn(admin, "/login", "vic", VIC_PASSWORD);
    String before = WebSessionsTwoNodesPostgresE2ETest.cookie(other, "portcullis_session");
    PageClient browser = new PageClient();
    String token = PageClient.csrf(browser.get(admin, "/login"));
    HttpCookie planted = new HttpCookie("portcullis_session", before);
    planted.setPath("/");
    browser.cookies().getCookieStore().add(URI.create(admin), planted);
    Map<String, String> form = new LinkedHashMap<>();
    form.put("_csrf", token);
    form.put("username", "admin");
    form.put("password", RunningNode.ADMIN_PASSWORD);
    HttpResponse<String> signedIn = browser.post(admin, "/login", form);
    assertThat(signedIn.statusCode()).isEqualTo(303);
    String after =
        signedIn.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("portcullis_session="))
            .map(c -> c.substring("portcullis_session=".length(), c.indexOf(';')))
            .findFirst()
            .orElseThrow();
    assertThat(after).isNotEqualTo(before);
    HttpResponse<String> old =
        new PageClient().get(admin, "/ui/apis", "Cookie", "portcullis_session=" + before);
    assertThat(old.statusCode()).as("the former session ended at the new sign-in").isEqualTo(303);
  }

  @Test
  void themeWhenBackLeavesTheSiteThenTheRedirectStaysOnIt() {
    PageClient browser = new PageClient();
    browser.signIn(admin, "/login", "admin", RunningNode.ADMIN_PASSWORD);
    for (String back :
        List.of(
            "//evil.example/",
            "https://evil.example/",
            "/\\evil.example",
            "/ui/\r\nSet-Cookie: planted=1",
            "/ui/\u0000",
            "/ui/" + "a".repeat(20_000))) {
      HttpResponse<String> answer =
          browser.submit(admin, "/ui/apis", "/ui/theme", Map.of("theme", "dark", "back", back));
      assertThat(answer.statusCode())
          .as(back.substring(0, Math.min(back.length(), 30)))
          .isEqualTo(303);
      String location = answer.headers().firstValue("Location").orElseThrow();
      assertThat(location).startsWith("/ui/").doesNotContain("\r").doesNotContain("\n");
      assertThat(answer.headers().allValues("Set-Cookie")).noneMatch(c -> c.contains("planted"));
    }
    PageClient developer = new PageClient();
    developer.signIn(gateway, "/portal/login", "dana", DANA_PASSWORD);
    for (String back :
        List.of("//evil.example/", "/portal/\r\nX: y", "/portal/" + "a".repeat(9000))) {
      HttpResponse<String> answer =
          developer.submit(
              gateway,
              "/portal/applications",
              "/portal/theme",
              Map.of("theme", "dark", "back", back));
      assertThat(answer.statusCode()).isIn(303, 413);
      answer
          .headers()
          .firstValue("Location")
          .ifPresent(location -> assertThat(location).startsWith("/portal/").doesNotContain("\n"));
    }
  }

  @Test
  void signUpWhenAScriptMakesAccountsInALoopThenRefusedAfterFivePerAddress(@TempDir Path own) {
    try (RunningNode open =
        RunningNode.startWithYaml(
            own,
            """
            gateway: { listen: 127.0.0.1:0 }
            admin: { listen: 127.0.0.1:0 }
            portal: { enabled: true, signUp: open }
            """)) {
      String portal = "http://127.0.0.1:" + open.node().gatewayPort();
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("username", "bot-" + i);
        form.put("password", "bot-password-" + i);
        form.put("confirm", "bot-password-" + i);
        statuses.add(
            new PageClient().submit(portal, "/portal/signup", "/portal/signup", form).statusCode());
      }
      assertThat(statuses).containsExactly(303, 303, 303, 303, 303, 429, 429, 429);
      assertThat(open.admin("GET", "/users/bot-5", null).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void everyStateChangingRouteWhenTheCsrfTokenIsMissingOrWrongThenRefused() {
    PageClient manager = new PageClient();
    manager.signIn(admin, "/login", "admin", RunningNode.ADMIN_PASSWORD);
    for (String path :
        List.of(
            "/logout",
            "/ui/theme",
            "/ui/new/apis",
            "/ui/apis/photos/v1",
            "/ui/users/vic",
            "/ui/access-requests/1/approve",
            "/ui/access-requests/sign-ups/dana/approve")) {
      assertThat(manager.post(admin, path, Map.of("theme", "dark")).statusCode())
          .as("POST %s without a token", path)
          .isEqualTo(403);
      assertThat(
              manager
                  .post(admin, path, Map.of("_csrf", "forged"), "X-CSRF-Token", "forged")
                  .statusCode())
          .as("POST %s with a forged token (htmx header)", path)
          .isEqualTo(403);
    }
    PageClient portal = new PageClient();
    portal.signIn(gateway, "/portal/login", "dana", DANA_PASSWORD);
    for (String path :
        List.of(
            "/portal/logout",
            "/portal/theme",
            "/portal/apis/photos/v1/applications",
            "/portal/applications/any/secret",
            "/portal/applications/any/keys",
            "/portal/applications/any/keys/remove")) {
      assertThat(portal.post(gateway, path, Map.of("jwks", "{}")).statusCode())
          .as("POST %s without a token", path)
          .isEqualTo(403);
    }
    assertThat(manager.get(admin, "/ui/apis").statusCode()).as("still signed in").isEqualTo(200);
    assertThat(portal.get(gateway, "/portal/applications").statusCode()).isEqualTo(200);
  }

  @Test
  void everyPageAndAssetWhenServedThenCarriesTheSecurityHeaders() {
    PageClient browser = new PageClient();
    browser.signIn(admin, "/login", "admin", RunningNode.ADMIN_PASSWORD);
    PageClient developer = new PageClient();
    developer.signIn(gateway, "/portal/login", "dana", DANA_PASSWORD);
    List<HttpResponse<String>> answers = new ArrayList<>();
    for (String path :
        List.of(
            "/login",
            "/ui/apis",
            "/ui/no-such-page",
            "/assets/manager.css",
            "/assets/htmx.min.js",
            "/assets/favicon.svg",
            "/assets/../login",
            "/assets/%2e%2e/ui/apis",
            "/assets/no-such-asset")) {
      answers.add(browser.get(admin, path));
    }
    for (String path :
        List.of(
            "/portal/login",
            "/portal/applications",
            "/portal/nothing-here",
            "/portal/assets/portal.js",
            "/portal/assets/portal.css",
            "/portal/assets/..%2f..%2fportal/login",
            "/portal/assets/nothing")) {
      answers.add(developer.get(gateway, path));
    }
    for (HttpResponse<String> answer : answers) {
      String what = answer.uri().getPath();
      assertThat(answer.headers().firstValue("Content-Security-Policy"))
          .as(what)
          .hasValueSatisfying(
              csp -> assertThat(csp).contains("frame-ancestors 'none'").doesNotContain("unsafe"));
      assertThat(answer.headers().firstValue("X-Frame-Options")).as(what).contains("DENY");
      assertThat(answer.headers().firstValue("X-Content-Type-Options"))
          .as(what)
          .contains("nosniff");
      assertThat(answer.headers().firstValue("Referrer-Policy")).as(what).contains("no-referrer");
      if (!what.contains("/assets/")) {
        assertThat(answer.headers().firstValue("Cache-Control")).as(what).contains("no-store");
      }
      assertThat(answer.statusCode()).as(what).isNotEqualTo(500);
      assertThat(answer.body()).as(what).doesNotContain("Not for developers");
    }
  }

  @Test
  void entityPageWhenThePathHasOddEncodingsThenNotFoundNeverAFailure() {
    PageClient browser = new PageClient();
    browser.signIn(admin, "/login", "admin", RunningNode.ADMIN_PASSWORD);
    for (String path :
        List.of(
            "/ui/users/%25",
            "/ui/users/%25zz",
            "/ui/users/%C0%AF",
            "/ui/users/%00",
            "/ui/scopes/%2e%2e%2f%2e%2e%2fusers",
            "/ui/apis/" + "x".repeat(6000) + "/v1")) {
      HttpResponse<String> answer = browser.get(admin, path);
      assertThat(answer.statusCode())
          .as(path.substring(0, Math.min(40, path.length())))
          .isIn(400, 404);
    }
  }

  @Test
  void pagesWhenTheSessionCookieIsHugeOrOddThenSignedOutNeverAFailure() {
    for (String cookie :
        List.of("x".repeat(7000), "%00%0d%0a", "\"quoted\"", "a".repeat(43), "=;=;=")) {
      HttpResponse<String> answer =
          new PageClient().get(admin, "/ui/apis", "Cookie", "portcullis_session=" + cookie);
      assertThat(answer.statusCode()).isIn(303, 400, 431);
    }
  }

  @Test
  void apiPageWhenTheDocumentCarriesMarkupThenItIsShownAsText() {
    String markup = "<img src=x onerror=alert(1)><script>alert(2)</script>";
    String yaml =
        "openapi: 3.0.3\\ninfo: {title: t, version: '1'}\\npaths:\\n  /x:\\n    get:\\n"
            + "      summary: \\\""
            + markup.replace("\"", "\\\"")
            + "\\\"\\n      responses: {'200': {description: ok}}\\n";
    String api =
        "{\"name\":\"markup\",\"version\":\"v1\",\"basePath\":\"/markup/v1\","
            + "\"upstream\":\"http://127.0.0.1:9\",\"active\":true,"
            + "\"portal\":{\"published\":true,\"summary\":\""
            + markup
            + "\",\"description\":\""
            + markup
            + "\",\"openapi\":\""
            + yaml
            + "\"}}";
    HttpResponse<String> created = node.admin("POST", "/apis", api);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    PageClient developer = new PageClient();
    developer.signIn(gateway, "/portal/login", "dana", DANA_PASSWORD);
    for (String path :
        List.of("/portal/", "/portal/apis/markup/v1", "/portal/apis/markup/v1/try")) {
      HttpResponse<String> page = developer.get(gateway, path);
      assertThat(page.statusCode()).as(path).isEqualTo(200);
      assertThat(page.body()).as(path).doesNotContain("<img src=x").doesNotContain("<script>alert");
    }
    assertThat(developer.get(gateway, "/portal/apis/markup/v1").body())
        .contains("&lt;img src=x onerror=alert(1)&gt;");
    PageClient manager = new PageClient();
    manager.signIn(admin, "/login", "admin", RunningNode.ADMIN_PASSWORD);
    for (String path : List.of("/ui/apis", "/ui/apis/markup/v1", "/ui/audit")) {
      HttpResponse<String> page = manager.get(admin, path);
      assertThat(page.statusCode()).as(path).isEqualTo(200);
      assertThat(page.body()).as(path).doesNotContain("<img src=x").doesNotContain("<script>alert");
    }
  }
}
