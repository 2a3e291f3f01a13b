package io.portcullis.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.credential.PasswordHasher;
import io.portcullis.registry.AccessRequest;
import io.portcullis.registry.Api;
import io.portcullis.registry.ApiPortal;
import io.portcullis.registry.ApiType;
import io.portcullis.registry.AuditEntry;
import io.portcullis.registry.AuditLog;
import io.portcullis.registry.SnapshotHolder;
import io.portcullis.registry.User;
import io.portcullis.store.Database;
import io.portcullis.store.JdbcAccessRequests;
import io.portcullis.store.JdbcRegistryStore;
import io.portcullis.store.StoreJson;
import io.portcullis.store.TestDatabases;
import io.portcullis.testing.MutableClock;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The developer portal's rules on their own, over a real control plane and real access requests on
 * H2 (the store itself is tested on H2 and PostgreSQL by {@code JdbcAccessRequestsContract}).
 */
class DeveloperPortalTest {
  private static final Instant T0 = Instant.parse("2026-12-06T20:00:00Z");
  private static final String PHOTOS = "photos/v1";

  private final MutableClock clock = new MutableClock(T0);
  private final PasswordHasher hasher = new PasswordHasher(1_000, new SecureRandom());
  private Database database;
  private ControlPlane control;
  private JdbcAccessRequests requests;

  @BeforeEach
  void open() {
    database = Database.open(TestDatabases.h2());
    control =
        new ControlPlane(
            new JdbcRegistryStore(database.dataSource(), StoreJson.mapper()),
            new SnapshotHolder(),
            hasher,
            StoreJson.mapper());
    control.reload();
    requests = new JdbcAccessRequests(database.dataSource());
    control.saveUser(new UserSpec("admin", "admin-password-1", null, true, Set.of("admin")));
    control.saveAuthorizationServer(ControlPlaneTest.local());
    for (String developer : List.of("dana", "erin")) {
      control.saveUser(
          new UserSpec(
              developer,
              developer + "-password-1",
              null,
              true,
              Set.of(DeveloperPortal.DEVELOPER_ROLE)));
    }
    control.saveApi(api("photos", "/photos/v1", true, true));
    control.saveApi(api("mail", "/mail/v1", true, true));
    control.saveApi(api("internal", "/internal/v1", true, false));
    control.saveApi(api("retired", "/retired/v1", false, true));
  }

  @AfterEach
  void close() {
    if (database != null) database.close();
  }

  private static Api api(String name, String basePath, boolean active, boolean published) {
    return Api.builder()
        .name(name)
        .version("v1")
        .type(ApiType.REST)
        .basePath(basePath)
        .upstreams(List.of(URI.create("http://127.0.0.1:9000")))
        .active(active)
        .portal(new ApiPortal(published, name + " summary", null, null, null))
        .build();
  }

  private DeveloperPortal portal(boolean approvalRequired, boolean signUpOpen, boolean approval) {
    return new DeveloperPortal(
        control,
        requests,
        clock,
        new DeveloperPortal.Settings("local", approvalRequired, signUpOpen, approval));
  }

  private DeveloperPortal automatic() {
    return portal(false, false, false);
  }

  private DeveloperPortal approval() {
    return portal(true, false, false);
  }

  private static <R> R as(String actor, java.util.function.Supplier<R> work) {
    return Actor.as(actor, work);
  }

  private List<AuditEntry> audit(String entity) {
    return control.audit(new AuditLog.Query(null, null, null, entity, null, 50)).items();
  }

  // ---------------------------------------------------------------- Get access token

  @Test
  void createApplicationWhenAutomaticThenOwnedIdentifiedBySubAndGrantedAtOnce() {
    DeveloperPortal.Created created =
        as("dana", () -> automatic().createApplication("dana", "dana-app", " Frame ", PHOTOS));

    ApplicationSpec app = created.application();
    assertThat(app.users()).containsExactly("dana");
    assertThat(app.description()).isEqualTo("Frame");
    assertThat(app.clientId()).matches("app-[0-9a-f]{24}");
    assertThat(app.identifiers().get(0).claims()).isEqualTo(Map.of("sub", app.clientId()));
    assertThat(app.authorizationServer()).isEqualTo("local");
    assertThat(app.apis()).containsExactly(PHOTOS);
    assertThat(created.clientSecret()).matches("[A-Za-z0-9_-]{43}");
    String hash = control.application("dana-app").value().clientSecretHash();
    assertThat(hasher.verify(created.clientSecret(), hash)).isTrue();
    assertThat(created.request().status()).isEqualTo(AccessRequest.Status.APPROVED);
    assertThat(created.request().decidedBy()).isEqualTo("dana");
    assertThat(created.request().decided()).isEqualTo(T0);
    assertThat(audit("applications/dana-app")).extracting(AuditEntry::actor).containsOnly("dana");
    assertThat(audit("applications/dana-app").get(0).after())
        .doesNotContain(created.clientSecret());
  }

  @Test
  void createApplicationWhenTwiceThenEachSecretAndClientIdIsNew() {
    var first = automatic().createApplication("dana", "dana-one", null, PHOTOS);
    var second = automatic().createApplication("dana", "dana-two", null, PHOTOS);

    assertThat(first.clientSecret()).isNotEqualTo(second.clientSecret());
    assertThat(first.application().clientId()).isNotEqualTo(second.application().clientId());
  }

  @Test
  void createApplicationWhenApprovalThenPendingAndNotAssociated() {
    var created = approval().createApplication("dana", "dana-app", null, PHOTOS);

    assertThat(created.application().apis()).isEmpty();
    assertThat(created.request().status()).isEqualTo(AccessRequest.Status.PENDING);
    assertThat(created.request().decidedBy()).isNull();
    assertThat(approval().accessRequests(AccessRequest.Status.PENDING, null))
        .extracting(AccessRequest::application)
        .containsExactly("dana-app");
  }

  @Test
  void createApplicationWhenApiUnknownUnpublishedOrInactiveThenNotFoundAndNothingMade() {
    for (String api : List.of("nothing/v1", "internal/v1", "retired/v1", "photos/v2")) {
      assertThatThrownBy(() -> automatic().createApplication("dana", "dana-app", null, api))
          .as(api)
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining(api);
    }
    assertThat(automatic().applicationsOf("dana")).isEmpty();
    assertThat(requests.list(null, null, 10)).isEmpty();
  }

  @Test
  void createApplicationWhenNameTakenByAnotherDeveloperThenConflictAndTheirsUnchanged() {
    var erins = automatic().createApplication("erin", "shared-name", "Erin's", PHOTOS);

    assertThatThrownBy(() -> automatic().createApplication("dana", "shared-name", null, PHOTOS))
        .isInstanceOf(ConflictException.class);

    assertThat(control.application("shared-name").value().users()).containsExactly("erin");
    assertThat(control.application("shared-name").value().clientId())
        .isEqualTo(erins.application().clientId());
    assertThat(requests.list(null, "shared-name", 10)).hasSize(1);
  }

  @Test
  void createApplicationWhenNameMalformedOrTooLongThenRefusedNamingName() {
    for (String name : List.of("", "has space", "-dash-first", "x".repeat(129))) {
      assertThatThrownBy(() -> automatic().createApplication("dana", name, null, PHOTOS))
          .as(name)
          .isInstanceOfSatisfying(
              ValidationException.class,
              e -> assertThat(e.violations()).extracting(Violation::path).contains("name"));
    }
    assertThat(requests.list(null, null, 10)).isEmpty();
  }

  @Test
  void createApplicationWhenDescriptionTooLongThenRefusedNamingDescription() {
    String longest = "d".repeat(DeveloperPortal.MAX_DESCRIPTION);
    assertThat(
            automatic()
                .createApplication("dana", "dana-app", longest, PHOTOS)
                .application()
                .description())
        .isEqualTo(longest);

    assertThatThrownBy(
            () -> automatic().createApplication("dana", "dana-too", longest + "d", PHOTOS))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> {
              assertThat(e.violations()).extracting(Violation::path).containsExactly("description");
              assertThat(e.getMessage()).contains("at most 1000 characters; was 1001");
            });
    assertThat(automatic().applicationsOf("dana"))
        .extracting(ApplicationSpec::name)
        .containsExactly("dana-app");
  }

  // ---------------------------------------------------------------- the developer's applications

  @Test
  void applicationOfWhenAnotherDevelopersThenNotFoundAsForOneThatDoesNotExist() {
    automatic().createApplication("erin", "erin-app", null, PHOTOS);
    automatic().createApplication("dana", "dana-app", null, PHOTOS);

    assertThat(automatic().applicationsOf("dana"))
        .extracting(ApplicationSpec::name)
        .containsExactly("dana-app");
    assertThatThrownBy(() -> automatic().applicationOf("dana", "erin-app"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("erin-app");
    assertThatThrownBy(() -> automatic().applicationOf("dana", "no-app"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("no-app");
  }

  @Test
  void regenerateSecretWhenOwnApplicationThenOnlyTheNewSecretIsValid() {
    var created = automatic().createApplication("dana", "dana-app", null, PHOTOS);

    String secret = automatic().regenerateSecret("dana", "dana-app");

    String hash = control.application("dana-app").value().clientSecretHash();
    assertThat(secret).isNotEqualTo(created.clientSecret()).matches("[A-Za-z0-9_-]{43}");
    assertThat(hasher.verify(secret, hash)).isTrue();
    assertThat(hasher.verify(created.clientSecret(), hash)).isFalse();
    assertThat(control.application("dana-app").value().apis()).containsExactly(PHOTOS);
  }

  @Test
  void regenerateSecretWhenAnotherDevelopersApplicationThenNotFoundAndSecretKept() {
    var erins = automatic().createApplication("erin", "erin-app", null, PHOTOS);

    assertThatThrownBy(() -> automatic().regenerateSecret("dana", "erin-app"))
        .isInstanceOf(NotFoundException.class);

    String hash = control.application("erin-app").value().clientSecretHash();
    assertThat(hasher.verify(erins.clientSecret(), hash)).isTrue();
  }

  @Test
  void setKeysWhenAnotherDevelopersApplicationThenNotFoundAndKeysUnchanged() {
    automatic().createApplication("erin", "erin-app", null, PHOTOS);

    assertThatThrownBy(
            () -> automatic().setKeys("dana", "erin-app", Map.of("keys", List.<Object>of())))
        .isInstanceOf(NotFoundException.class);

    assertThat(control.application("erin-app").value().jwks()).isNull();
  }

  // ---------------------------------------------------------------- more APIs for an application

  @Test
  void requestAccessWhenAutomaticThenAssociatedAtOnce() {
    automatic().createApplication("dana", "dana-app", null, PHOTOS);

    AccessRequest request = automatic().requestAccess("dana", "dana-app", "mail/v1");

    assertThat(request.status()).isEqualTo(AccessRequest.Status.APPROVED);
    assertThat(control.application("dana-app").value().apis()).containsExactly(PHOTOS, "mail/v1");
  }

  @Test
  void requestAccessWhenAlreadyAssociatedThenRefusedNamingApi() {
    automatic().createApplication("dana", "dana-app", null, PHOTOS);

    assertThatThrownBy(() -> automatic().requestAccess("dana", "dana-app", PHOTOS))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> {
              assertThat(e.violations()).extracting(Violation::path).containsExactly("api");
              assertThat(e.getMessage()).contains("may already call photos/v1");
            });
    assertThat(requests.list(null, "dana-app", 10)).hasSize(1);
  }

  @Test
  void requestAccessWhenAlreadyPendingThenRefusedAsADuplicate() {
    approval().createApplication("dana", "dana-app", null, PHOTOS);
    approval().requestAccess("dana", "dana-app", "mail/v1");

    assertThatThrownBy(() -> approval().requestAccess("dana", "dana-app", "mail/v1"))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> {
              assertThat(e.violations()).extracting(Violation::path).containsExactly("api");
              assertThat(e.getMessage()).contains("access to mail/v1 is already requested");
            });
    assertThat(requests.list(AccessRequest.Status.PENDING, "dana-app", 10)).hasSize(2);
  }

  @Test
  void requestAccessWhenRejectedBeforeThenItMayBeAskedAgain() {
    var created = approval().createApplication("dana", "dana-app", null, PHOTOS);
    approval().reject(created.request().id());

    AccessRequest again = approval().requestAccess("dana", "dana-app", PHOTOS);

    assertThat(again.status()).isEqualTo(AccessRequest.Status.PENDING);
    assertThat(again.id()).isNotEqualTo(created.request().id());
  }

  @Test
  void requestAccessWhenAnotherDevelopersApplicationThenNotFoundAndNothingAsked() {
    automatic().createApplication("erin", "erin-app", null, PHOTOS);

    assertThatThrownBy(() -> automatic().requestAccess("dana", "erin-app", "mail/v1"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("erin-app");

    assertThat(control.application("erin-app").value().apis()).containsExactly(PHOTOS);
    assertThat(requests.list(null, "erin-app", 10)).hasSize(1);
  }

  @Test
  void requestAccessWhenApiNotInThePortalThenNotFound() {
    automatic().createApplication("dana", "dana-app", null, PHOTOS);

    for (String api : List.of("internal/v1", "retired/v1", "nothing/v1")) {
      assertThatThrownBy(() -> automatic().requestAccess("dana", "dana-app", api))
          .as(api)
          .isInstanceOf(NotFoundException.class);
    }
    assertThat(control.application("dana-app").value().apis()).containsExactly(PHOTOS);
  }

  // ---------------------------------------------------------------- an administrator decides

  @Test
  void approveWhenPendingThenAssociatedAndDecidedByTheAdmin() {
    var created = approval().createApplication("dana", "dana-app", null, PHOTOS);
    clock.advance(Duration.ofMinutes(5));

    AccessRequest approved = as("admin", () -> approval().approve(created.request().id()));

    assertThat(control.application("dana-app").value().apis()).containsExactly(PHOTOS);
    AccessRequest stored = requests.find(approved.id()).orElseThrow();
    assertThat(stored.status()).isEqualTo(AccessRequest.Status.APPROVED);
    assertThat(stored.decidedBy()).isEqualTo("admin");
    assertThat(stored.decided()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
    assertThat(audit("applications/dana-app").get(0).actor()).isEqualTo("admin");
  }

  @Test
  void rejectWhenPendingThenTheApplicationStaysWithoutTheApi() {
    var created = approval().createApplication("dana", "dana-app", null, PHOTOS);

    AccessRequest rejected = as("admin", () -> approval().reject(created.request().id()));

    assertThat(rejected.status()).isEqualTo(AccessRequest.Status.REJECTED);
    assertThat(control.application("dana-app").value().apis()).isEmpty();
  }

  @Test
  void decideWhenAlreadyDecidedThenConflictNamingStatusAndNothingChanges() {
    var created = approval().createApplication("dana", "dana-app", null, PHOTOS);
    long id = created.request().id();
    as("admin", () -> approval().reject(id));

    assertThatThrownBy(() -> approval().approve(id))
        .isInstanceOfSatisfying(
            ConflictException.class,
            e -> {
              assertThat(e.field()).isEqualTo("status");
              assertThat(e.getMessage()).contains("was already rejected");
            });
    assertThatThrownBy(() -> approval().reject(id))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("was already rejected");
    assertThat(control.application("dana-app").value().apis()).isEmpty();
    assertThat(requests.find(id).orElseThrow().decidedBy()).isEqualTo("admin");
  }

  @Test
  void decideWhenGrantedAtOnceThenAnApprovalIsAConflict() {
    var created = automatic().createApplication("dana", "dana-app", null, PHOTOS);

    assertThatThrownBy(() -> automatic().reject(created.request().id()))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("was already approved");
    assertThat(control.application("dana-app").value().apis()).containsExactly(PHOTOS);
  }

  @Test
  void decideWhenNoSuchRequestThenNotFoundNamingTheId() {
    assertThatThrownBy(() -> approval().approve(4242))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("4242");
    assertThatThrownBy(() -> approval().reject(4242)).isInstanceOf(NotFoundException.class);
  }

  @Test
  void approveWhenTheApplicationWasDeletedMeanwhileThenNotFoundAndTheRequestStaysPending() {
    var created = approval().createApplication("dana", "dana-app", null, PHOTOS);
    control.deleteApplication("dana-app", Precondition.EXISTS);

    assertThatThrownBy(() -> approval().approve(created.request().id()))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("dana-app");
    assertThat(requests.find(created.request().id()).orElseThrow().status())
        .isEqualTo(AccessRequest.Status.PENDING);
  }

  // ---------------------------------------------------------------- accounts

  @Test
  void signUpWhenClosedThenRefusedNamingSignUpAndNoAccountMade() {
    assertThatThrownBy(() -> portal(false, false, false).signUp("frank", "frank-password-1"))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> assertThat(e.violations()).extracting(Violation::path).containsExactly("signUp"));
    assertThat(control.export().users()).extracting(UserSpec::username).doesNotContain("frank");
  }

  @Test
  void signUpWhenOpenThenAnEnabledDeveloperWithNoOtherRole() {
    UserSpec made = portal(false, true, false).signUp("frank", "frank-password-1");

    assertThat(made.enabled()).isTrue();
    assertThat(made.roles()).containsExactly(DeveloperPortal.DEVELOPER_ROLE);
    assertThat(portal(false, true, false).pendingSignUps()).isEmpty();
  }

  @Test
  void signUpWhenApprovalThenDisabledUntilAnAdminApproves() {
    DeveloperPortal portal = portal(false, false, true);
    portal.signUp("frank", "frank-password-1");

    assertThat(portal.pendingSignUps()).extracting(UserSpec::username).containsExactly("frank");
    assertThat(control.user("frank").value().enabled()).isFalse();

    portal.approveSignUp("frank");

    assertThat(control.user("frank").value().enabled()).isTrue();
    assertThat(portal.pendingSignUps()).isEmpty();
  }

  @Test
  void signUpWhenUsernameTakenThenConflictAndTheAccountUnchanged() {
    assertThatThrownBy(() -> portal(false, true, false).signUp("dana", "another-password-1"))
        .isInstanceOf(ConflictException.class);
    assertThat(control.user("dana").value().roles())
        .containsExactly(DeveloperPortal.DEVELOPER_ROLE);
  }

  @Test
  void signUpWhenUsernameMalformedOrPasswordShortThenRefusedNamingTheField() {
    DeveloperPortal open = portal(false, true, false);
    assertThatThrownBy(() -> open.signUp("has space", "frank-password-1"))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> assertThat(e.violations()).extracting(Violation::path).contains("username"));
    assertThatThrownBy(() -> open.signUp("u".repeat(129), "frank-password-1"))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> open.signUp("frank", "short"))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> assertThat(e.violations()).extracting(Violation::path).contains("password"));
  }

  @Test
  void isDeveloperWhenDisabledOrWithoutTheRoleThenFalse() {
    Set<String> developer = Set.of(DeveloperPortal.DEVELOPER_ROLE);
    assertThat(DeveloperPortal.isDeveloper(new User("dana", "h", true, developer))).isTrue();
    assertThat(DeveloperPortal.isDeveloper(new User("dana", "h", false, developer))).isFalse();
    assertThat(DeveloperPortal.isDeveloper(new User("vera", "h", true, Set.of("viewer"))))
        .isFalse();
  }
}
