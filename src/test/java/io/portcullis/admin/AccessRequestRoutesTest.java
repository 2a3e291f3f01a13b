package io.portcullis.admin;

import static io.portcullis.admin.AdminFixture.assertProblem;
import static io.portcullis.admin.AdminFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.control.Actor;
import io.portcullis.control.DeveloperPortal;
import io.portcullis.control.Precondition;
import io.portcullis.control.UserSpec;
import io.portcullis.registry.AccessRequest;
import io.portcullis.registry.Api;
import io.portcullis.registry.ApiPortal;
import io.portcullis.registry.ApiType;
import io.portcullis.store.JdbcAccessRequests;
import io.portcullis.testing.MutableClock;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin API's access requests on a real admin server over a real H2 store. */
class AccessRequestRoutesTest {
  private static final Instant T0 = Instant.parse("2026-12-06T20:00:00Z");

  private AdminFixture fixture;
  private JdbcAccessRequests requests;
  private DeveloperPortal portal;

  @BeforeEach
  void start() {
    fixture =
        new AdminFixture(
            f -> {
              requests = new JdbcAccessRequests(f.database.dataSource());
              portal =
                  new DeveloperPortal(
                      f.control,
                      requests,
                      new MutableClock(T0),
                      new DeveloperPortal.Settings("local", true, false, false));
              return List.of(new AccessRequestRoutes(f.vertx, portal));
            });
    fixture.control.saveUser(
        new UserSpec(
            "dana", "dana-password-1", null, true, Set.of(DeveloperPortal.DEVELOPER_ROLE)));
    fixture.control.saveApi(
        Api.builder()
            .name("photos")
            .version("v1")
            .type(ApiType.REST)
            .basePath("/photos/v1")
            .upstreams(List.of(URI.create("http://127.0.0.1:9000")))
            .portal(new ApiPortal(true, "Photos", null, null, null))
            .build());
  }

  @AfterEach
  void stop() {
    if (fixture != null) fixture.close();
  }

  private long ask(String application) {
    return Actor.as("dana", () -> portal.createApplication("dana", application, null, "photos/v1"))
        .request()
        .id();
  }

  @Test
  void listWhenFilteredByStatusAndApplicationThenOnlyThoseNewestFirst() {
    long first = ask("dana-one");
    long second = ask("dana-two");
    fixture.admin("POST", "/access-requests/" + first + "/reject");

    JsonNode pending = json(fixture.admin("GET", "/access-requests?status=pending"));
    JsonNode all = json(fixture.admin("GET", "/access-requests"));
    JsonNode one = json(fixture.admin("GET", "/access-requests?application=dana-one"));

    assertThat(pending.get("items")).hasSize(1);
    assertThat(pending.at("/items/0/id").asLong()).isEqualTo(second);
    assertThat(all.at("/items/0/id").asLong()).isEqualTo(second);
    assertThat(all.at("/items/1/status").asText()).isEqualTo("rejected");
    assertThat(one.get("items")).hasSize(1);
    assertThat(one.at("/items/0/decidedBy").asText()).isEqualTo(AdminFixture.ADMIN);
  }

  @Test
  void listWhenStatusUnknownThen400NamingStatus() {
    assertProblem(fixture.admin("GET", "/access-requests?status=maybe"), 400, "status");
  }

  @Test
  void readWhenUnknownOrNotANumberThen404() {
    assertProblem(fixture.admin("GET", "/access-requests/4242"), 404, null);
    assertProblem(fixture.admin("GET", "/access-requests/not-a-number"), 404, null);
    assertProblem(fixture.admin("POST", "/access-requests/not-a-number/approve"), 404, null);
  }

  @Test
  void readWhenOlderThanTheNewest500ThenStillFound() {
    long old = ask("dana-old");
    for (int i = 0; i < 500; i++) {
      requests.create(
          new AccessRequest(
              0, "app-" + i, "photos/v1", "dana", AccessRequest.Status.PENDING, T0, null, null),
          "dana");
    }

    HttpResponse<String> response = fixture.admin("GET", "/access-requests/" + old);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(json(response).get("application").asText()).isEqualTo("dana-old");
  }

  @Test
  void approveWhenPendingThenAssociatedAndAuditedWithTheAdmin() {
    long id = ask("dana-app");

    HttpResponse<String> response = fixture.admin("POST", "/access-requests/" + id + "/approve");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(json(response).get("status").asText()).isEqualTo("approved");
    assertThat(fixture.control.application("dana-app").value().apis()).containsExactly("photos/v1");
    JsonNode audit = json(fixture.admin("GET", "/audit?entity=access-requests/" + id));
    assertThat(audit.at("/items/0/actor").asText()).isEqualTo(AdminFixture.ADMIN);
    assertThat(audit.at("/items/0/after/status").asText()).isEqualTo("APPROVED");
  }

  @Test
  void decideWhenAlreadyDecidedThen409NamingStatus() {
    long id = ask("dana-app");
    fixture.admin("POST", "/access-requests/" + id + "/reject");

    assertProblem(fixture.admin("POST", "/access-requests/" + id + "/approve"), 409, "status");
    assertProblem(fixture.admin("POST", "/access-requests/" + id + "/reject"), 409, "status");
    assertThat(fixture.control.application("dana-app").value().apis()).isEmpty();
  }

  @Test
  void approveWhenTheApplicationWasDeletedThen404AndTheRequestMayStillBeRejected() {
    long id = ask("dana-app");
    fixture.control.deleteApplication("dana-app", Precondition.EXISTS);

    HttpResponse<String> approve = fixture.admin("POST", "/access-requests/" + id + "/approve");

    assertProblem(approve, 404, null);
    assertThat(approve.body()).contains("dana-app");
    assertThat(json(fixture.admin("GET", "/access-requests/" + id)).get("status").asText())
        .isEqualTo("pending");
    assertThat(fixture.admin("POST", "/access-requests/" + id + "/reject").statusCode())
        .isEqualTo(200);
  }

  @Test
  void routesWhenNotAnAdminThenRefused() {
    long id = ask("dana-app");

    assertThat(fixture.call("GET", "/access-requests", null).statusCode()).isEqualTo(401);
    HttpResponse<String> alice =
        fixture.call(
            "POST",
            "/access-requests/" + id + "/approve",
            null,
            AdminFixture.basic(AdminFixture.ALICE, AdminFixture.ALICE_PASSWORD));
    assertThat(alice.statusCode()).isIn(401, 403);
    assertThat(fixture.control.application("dana-app").value().apis()).isEmpty();
  }
}
