package io.portcullis.control;

import io.portcullis.registry.AccessRequest;
import io.portcullis.registry.AccessRequestRepository;
import io.portcullis.registry.Api;
import io.portcullis.registry.Application.ClaimSet;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The developer portal's rules for developers, their applications and access requests; the portal
 * pages, the admin API's {@code /access-requests} and the Manager's Access requests screen all go
 * through it, and it changes the registry only through the {@link ControlPlane}, so one validator
 * decides and every change is audited with the current {@link Actor}.
 *
 * <p>An application made here lists its developer in {@code users}, is identified by {@code sub} =
 * its client id, trusts the portal's authorization server and has a generated client secret (256
 * random bits), returned once and stored only as a hash. It is associated with the API when its
 * access request is granted: at once, or when an administrator approves it. Every method blocks.
 */
public final class DeveloperPortal {
  /** The role of gateway users who may sign in to the developer portal. */
  public static final String DEVELOPER_ROLE = "developer";

  /** The most characters of an application description the portal accepts. */
  public static final int MAX_DESCRIPTION = 1000;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final ControlPlane control;
  private final AccessRequestRepository requests;
  private final Clock clock;
  private final Settings settings;

  /**
   * @param authorizationServer the alias the portal's applications trust
   * @param approvalRequired whether access requests wait for an administrator
   * @param signUpOpen whether anyone may make an account
   * @param signUpApproval whether a new account waits for an administrator
   */
  public record Settings(
      String authorizationServer,
      boolean approvalRequired,
      boolean signUpOpen,
      boolean signUpApproval) {}

  /** A new application and its client secret, which is never shown again. */
  public record Created(ApplicationSpec application, String clientSecret, AccessRequest request) {}

  public DeveloperPortal(
      ControlPlane control, AccessRequestRepository requests, Clock clock, Settings settings) {
    this.control = control;
    this.requests = requests;
    this.clock = clock;
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  /** Whether the user is an enabled developer. */
  public static boolean isDeveloper(io.portcullis.registry.User user) {
    return user.enabled() && user.roles().contains(DEVELOPER_ROLE);
  }

  // ---------------------------------------------------------------- accounts

  /**
   * Makes a developer account as {@code portal.signUp} allows: enabled when sign-up is open,
   * disabled (waiting for an administrator) under approval.
   *
   * @throws ValidationException when sign-up is closed, or the username or password is refused
   * @throws ConflictException when the username is taken
   */
  public UserSpec signUp(String username, String password) {
    if (!settings.signUpOpen() && !settings.signUpApproval()) {
      throw new ValidationException(
          "signUp", "sign-up is closed: an administrator makes developer accounts");
    }
    UserSpec spec =
        new UserSpec(username, password, null, !settings.signUpApproval(), Set.of(DEVELOPER_ROLE));
    return control.createUser(spec).value();
  }

  /** Developer accounts waiting for an administrator: disabled users with only role developer. */
  public List<UserSpec> pendingSignUps() {
    return control.export().users().stream()
        .filter(u -> Boolean.FALSE.equals(u.enabled()))
        .filter(u -> u.roles().equals(Set.of(DEVELOPER_ROLE)))
        .toList();
  }

  /** Enables a waiting developer account. */
  public void approveSignUp(String username) {
    var stored = control.user(username);
    UserSpec u = stored.value();
    control.putUser(
        new UserSpec(u.username(), null, null, true, u.roles()),
        Precondition.version(stored.version()));
  }

  // ---------------------------------------------------------------- applications

  /** The applications the developer acts for (lists them in {@code users}), by name. */
  public List<ApplicationSpec> applicationsOf(String developer) {
    return control.export().applications().stream()
        .filter(a -> a.users() != null && a.users().contains(developer))
        .sorted(java.util.Comparator.comparing(ApplicationSpec::name))
        .toList();
  }

  /**
   * The developer's application by name.
   *
   * @throws NotFoundException when there is none or the developer does not act for it (the same
   *     answer, so that another developer's application names cannot be probed)
   */
  public ApplicationSpec applicationOf(String developer, String name) {
    return applicationsOf(developer).stream()
        .filter(a -> a.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new NotFoundException("application", name));
  }

  /**
   * Creates the developer's application for the API (the portal's <b>Get access token</b>) and asks
   * for its access.
   *
   * @throws ValidationException when the name or description (more than {@value #MAX_DESCRIPTION}
   *     characters) is refused
   * @throws ConflictException when the name is taken
   * @throws NotFoundException when the API is not in the portal
   */
  public Created createApplication(
      String developer, String name, String description, String apiKey) {
    portalApi(apiKey);
    if (description != null && description.strip().length() > MAX_DESCRIPTION) {
      throw new ValidationException(
          "description",
          "expected at most "
              + MAX_DESCRIPTION
              + " characters; was "
              + description.strip().length());
    }
    String clientId = "app-" + HexFormat.of().formatHex(bytes(12));
    String secret = secret();
    boolean granted = !settings.approvalRequired();
    ApplicationSpec spec =
        ApplicationSpec.builder()
            .name(name)
            .description(description == null || description.isBlank() ? null : description.strip())
            .clientId(clientId)
            .clientSecret(secret)
            .authorizationServer(settings.authorizationServer())
            .identifiers(List.of(new ClaimSet(Map.of("sub", clientId))))
            .certificates(List.of())
            .scopes(List.of())
            .apis(granted ? List.of(apiKey) : List.of())
            .claims(List.of())
            .tokenParameters(Map.of())
            .users(List.of(developer))
            .enabled(true)
            .build();
    ApplicationSpec created = control.createApplication(spec).value();
    AccessRequest request = ask(developer, name, apiKey, granted);
    return new Created(created, secret, request);
  }

  /**
   * Asks that the developer's existing application may call another API.
   *
   * @throws NotFoundException when the application is not the developer's or the API not in the
   *     portal
   */
  public AccessRequest requestAccess(String developer, String application, String apiKey) {
    ApplicationSpec app = applicationOf(developer, application);
    portalApi(apiKey);
    if (app.apis().contains(apiKey)) {
      throw new ValidationException("api", application + " may already call " + apiKey);
    }
    boolean pending =
        requests.list(AccessRequest.Status.PENDING, application, 100).stream()
            .anyMatch(r -> r.api().equals(apiKey));
    if (pending) {
      throw new ValidationException("api", "access to " + apiKey + " is already requested");
    }
    boolean granted = !settings.approvalRequired();
    if (granted) associate(application, apiKey);
    return ask(developer, application, apiKey, granted);
  }

  /**
   * Replaces the application's client secret with a new generated one.
   *
   * @return the new secret, shown once
   */
  public String regenerateSecret(String developer, String application) {
    applicationOf(developer, application);
    var stored = control.application(application);
    String secret = secret();
    control.putApplication(
        copy(stored.value(), secret, stored.value().apis(), stored.value().jwks()),
        Precondition.version(stored.version()));
    return secret;
  }

  /**
   * Sets the application's public keys for the JWT bearer grant (its {@code jwks}), replacing the
   * ones registered before; {@code null} removes them. Other key sources ({@code jwksUri}, {@code
   * certificates}) stay as they are.
   *
   * @param keys a JWK set checked by {@link PublicKeys}, or null
   * @throws NotFoundException when the application is not the developer's
   */
  public void setKeys(String developer, String application, Map<String, Object> keys) {
    applicationOf(developer, application);
    var stored = control.application(application);
    control.putApplication(
        copy(stored.value(), null, stored.value().apis(), keys),
        Precondition.version(stored.version()));
  }

  // ---------------------------------------------------------------- access requests

  /**
   * The request with this id, however old.
   *
   * @throws NotFoundException when there is none
   */
  public AccessRequest accessRequest(long id) {
    return requests
        .find(id)
        .orElseThrow(() -> new NotFoundException("access request", String.valueOf(id)));
  }

  /** Requests, newest first (at most 500). */
  public List<AccessRequest> accessRequests(AccessRequest.Status status, String application) {
    return requests.list(status, application, 500);
  }

  /**
   * Approves a pending request: associates its application with its API.
   *
   * @throws NotFoundException when there is no such request, or its application was deleted (the
   *     request then stays pending)
   * @throws ConflictException when it was already decided
   */
  public AccessRequest approve(long id) {
    requests.find(id).ifPresent(r -> control.application(r.application()));
    AccessRequest request = decide(id, AccessRequest.Status.APPROVED);
    associate(request.application(), request.api());
    return request;
  }

  /** Rejects a pending request; the application stays without the API. */
  public AccessRequest reject(long id) {
    return decide(id, AccessRequest.Status.REJECTED);
  }

  private AccessRequest decide(long id, AccessRequest.Status status) {
    AccessRequest request = accessRequest(id);
    if (request.status() != AccessRequest.Status.PENDING) {
      throw new ConflictException(
          ConflictException.Reason.TAKEN,
          "status",
          "access request " + id + " was already " + request.status().word());
    }
    return requests
        .decide(id, status, Actor.current(), clock.instant())
        .orElseThrow(
            () ->
                new ConflictException(
                    ConflictException.Reason.TAKEN,
                    "status",
                    "access request " + id + " was decided by someone else"));
  }

  private AccessRequest ask(String developer, String application, String apiKey, boolean granted) {
    var now = clock.instant();
    return requests.create(
        new AccessRequest(
            0,
            application,
            apiKey,
            developer,
            granted ? AccessRequest.Status.APPROVED : AccessRequest.Status.PENDING,
            now,
            granted ? developer : null,
            granted ? now : null),
        Actor.current());
  }

  private void associate(String application, String apiKey) {
    for (int attempt = 0; ; attempt++) {
      var stored = control.application(application);
      if (stored.value().apis().contains(apiKey)) return;
      List<String> apis = new ArrayList<>(stored.value().apis());
      apis.add(apiKey);
      try {
        control.putApplication(
            copy(stored.value(), null, apis, stored.value().jwks()),
            Precondition.version(stored.version()));
        return;
      } catch (StaleVersionException e) {
        if (attempt >= 3) throw e;
      }
    }
  }

  private Api portalApi(String apiKey) {
    Optional<Api> api =
        control.export().apis().stream()
            .filter(a -> a.key().equals(apiKey) && a.inPortal())
            .findFirst();
    return api.orElseThrow(() -> new NotFoundException("API", apiKey));
  }

  /**
   * The spec again, with a new clear secret (null keeps the stored hash), these APIs and these
   * public keys.
   */
  private static ApplicationSpec copy(
      ApplicationSpec a, String secret, List<String> apis, Object jwks) {
    return a.toBuilder().clientSecret(secret).clientSecretHash(null).jwks(jwks).apis(apis).build();
  }

  private static String secret() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(32));
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
