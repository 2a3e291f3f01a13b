package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.store.TestDatabases;
import io.portcullis.token.issue.KeyEncryptor;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL behind "one address" (one cookie jar for both): a Manager or portal
 * session started on one node is used on the other, a sign-out on one is refused on the other, a
 * disabled user is signed out everywhere, and a restart keeps sessions. Each bound is asserted at 2
 * s (the notice arrives in milliseconds; the cache would keep the session 30 s without it).
 */
class WebSessionsTwoNodesPostgresE2ETest {
  static final String VIC_PASSWORD = "vic-viewer-password";
  static final String DANA_PASSWORD = "dana-developer-password";
  static final Duration BOUND = Duration.ofSeconds(2);

  @TempDir static Path dir;
  static String db;
  static String masterKey;
  static Path config;
  static RunningNode a;
  static RunningNode b;

  @BeforeAll
  static void start() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    masterKey = Base64.getEncoder().encodeToString(key);
    db = TestDatabases.postgres();
    config = RunningNode.configFile("web-sessions.yaml", dir);
    a = startNode("a");
    b = startNode("b");
  }

  static RunningNode startNode(String name) {
    return RunningNode.start(
        config,
        dir.resolve(name),
        db,
        Map.of(
            "VIC_PASSWORD",
            VIC_PASSWORD,
            "DANA_PASSWORD",
            DANA_PASSWORD,
            KeyEncryptor.ENV,
            masterKey));
  }

  @AfterAll
  static void stop() {
    if (a != null) a.close();
    if (b != null) b.close();
  }

  static String admin(RunningNode node) {
    return "http://127.0.0.1:" + node.node().adminPort();
  }

  static String gateway(RunningNode node) {
    return "http://127.0.0.1:" + node.node().gatewayPort();
  }

  @Test
  void managerSessionWhenSignedInOnOneNodeThenUsedOnTheOtherAndASignOutThereEndsItOnBoth() {
    PageClient browser = new PageClient();
    HttpResponse<String> signedIn =
        browser.signIn(admin(a), "/login", "admin", RunningNode.ADMIN_PASSWORD);
    assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
    assertThat(signedIn.headers().firstValue("Location")).contains("/ui/dashboard");
    assertThat(browser.get(admin(a), "/ui/apis").statusCode()).isEqualTo(200);

    HttpResponse<String> onB = browser.get(admin(b), "/ui/apis");
    assertThat(onB.statusCode()).isEqualTo(200);
    assertThat(onB.body()).contains("admin");

    HttpResponse<String> out = browser.submit(admin(b), "/ui/apis", "/logout", Map.of());
    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(out.headers().firstValue("Location")).contains("/login");

    await()
        .atMost(BOUND)
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(
            () -> assertThat(browser.get(admin(a), "/ui/apis").statusCode()).isEqualTo(303));
  }

  @Test
  void managerSessionWhenTheOldCookieIsReplayedAfterSignOutThenRefusedOnBothNodes() {
    PageClient browser = new PageClient();
    browser.signIn(admin(a), "/login", "admin", RunningNode.ADMIN_PASSWORD);
    String cookie = cookie(browser, "portcullis_session");
    assertThat(browser.get(admin(b), "/ui/apis").statusCode()).isEqualTo(200);
    browser.submit(admin(a), "/ui/apis", "/logout", Map.of());
    await()
        .atMost(BOUND)
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(
            () -> {
              for (RunningNode node : new RunningNode[] {a, b}) {
                HttpResponse<String> replayed =
                    new PageClient()
                        .get(admin(node), "/ui/apis", "Cookie", "portcullis_session=" + cookie);
                assertThat(replayed.statusCode()).isEqualTo(303);
              }
            });
  }

  @Test
  void managerSessionWhenTheUserIsDisabledOnOneNodeThenRefusedOnTheOther() {
    PageClient browser = new PageClient();
    assertThat(browser.signIn(admin(b), "/login", "vic", VIC_PASSWORD).statusCode()).isEqualTo(303);
    assertThat(browser.get(admin(b), "/ui/apis").statusCode()).isEqualTo(200);
    assertThat(browser.get(admin(a), "/ui/apis").statusCode()).isEqualTo(200);
    try {
      HttpResponse<String> disabled =
          a.admin("PUT", "/users/vic", "{\"enabled\":false,\"roles\":[\"viewer\"]}");
      assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
      await()
          .atMost(BOUND)
          .pollInterval(Duration.ofMillis(20))
          .untilAsserted(
              () -> assertThat(browser.get(admin(b), "/ui/apis").statusCode()).isEqualTo(303));
      assertThat(browser.get(admin(a), "/ui/apis").statusCode()).isEqualTo(303);
    } finally {
      a.admin("PUT", "/users/vic", "{\"enabled\":true,\"roles\":[\"viewer\"]}");
    }
    assertThat(browser.get(admin(a), "/ui/apis").statusCode())
        .as("re-enabling does not bring the session back")
        .isEqualTo(303);
  }

  @Test
  void portalSessionWhenSignedInOnOneNodeThenUsedOnTheOtherAndASignOutThereEndsItOnBoth() {
    PageClient browser = new PageClient();
    HttpResponse<String> signedIn =
        browser.signIn(gateway(b), "/portal/login", "dana", DANA_PASSWORD);
    assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
    assertThat(browser.get(gateway(b), "/portal/applications").statusCode()).isEqualTo(200);
    assertThat(browser.get(gateway(a), "/portal/applications").statusCode()).isEqualTo(200);

    assertThat(
            browser
                .submit(gateway(a), "/portal/applications", "/portal/logout", Map.of())
                .statusCode())
        .isEqualTo(303);
    await()
        .atMost(BOUND)
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(
            () ->
                assertThat(browser.get(gateway(b), "/portal/applications").statusCode())
                    .isEqualTo(303));
  }

  @Test
  void portalCookieWhenSentToTheManagerThenRefused() {
    PageClient browser = new PageClient();
    browser.signIn(gateway(a), "/portal/login", "dana", DANA_PASSWORD);
    String portal = cookie(browser, "portcullis_portal");
    HttpResponse<String> manager =
        new PageClient().get(admin(a), "/ui/apis", "Cookie", "portcullis_session=" + portal);
    assertThat(manager.statusCode()).isEqualTo(303);
  }

  @Test
  void sessionsWhenBothNodesRestartThenKept() {
    PageClient manager = new PageClient();
    manager.signIn(admin(a), "/login", "admin", RunningNode.ADMIN_PASSWORD);
    PageClient portal = new PageClient();
    portal.signIn(gateway(a), "/portal/login", "dana", DANA_PASSWORD);
    String managerCookie = cookie(manager, "portcullis_session");
    String portalCookie = cookie(portal, "portcullis_portal");

    a.close();
    b.close();
    a = startNode("a");
    b = startNode("b");

    for (RunningNode node : new RunningNode[] {a, b}) {
      HttpResponse<String> page =
          new PageClient()
              .get(admin(node), "/ui/apis", "Cookie", "portcullis_session=" + managerCookie);
      assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
      HttpResponse<String> apps =
          new PageClient()
              .get(
                  gateway(node),
                  "/portal/applications",
                  "Cookie",
                  "portcullis_portal=" + portalCookie);
      assertThat(apps.statusCode()).as(apps.body()).isEqualTo(200);
    }
  }

  static String cookie(PageClient browser, String name) {
    return browser.cookies().getCookieStore().getCookies().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no cookie " + name))
        .getValue();
  }
}
