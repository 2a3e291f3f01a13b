package io.portcullis.admin;

import io.portcullis.control.ControlPlane;
import io.portcullis.credential.Authenticator;
import io.portcullis.credential.FailureThrottle;
import io.portcullis.http.Credentials;
import io.portcullis.http.Problem;
import io.portcullis.registry.User;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP Basic authentication of admin calls: the credentials of an enabled user with role {@code
 * admin}. A missing, malformed or wrong credential is 401 with a Basic challenge; the right
 * credentials of a user without the role are 403. An unknown user and a wrong password get the same
 * answer, byte for byte, and cost the same slow hash (the {@link Authenticator} sees to the cost).
 */
final class AdminAuthentication {
  static final String REALM = "portcullis-admin";
  static final String CHALLENGE = "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"";

  private static final String WRONG =
      "the username or password is wrong, or the user is disabled; send HTTP Basic credentials"
          + " of an enabled user with role admin";

  private final ControlPlane control;
  private final Authenticator authenticator;
  private final WorkerExecutor workers;

  AdminAuthentication(ControlPlane control, Authenticator authenticator, WorkerExecutor workers) {
    this.control = control;
    this.authenticator = authenticator;
    this.workers = workers;
  }

  /** Whether the request carries an {@code Authorization} header at all. */
  static boolean hasCredentials(HttpServerRequest request) {
    return request.headers().contains(Credentials.HEADER);
  }

  /**
   * Authenticates the request's caller as an admin.
   *
   * @return the admin's username; or a failed future with a {@link ProblemException} (401 or 403)
   */
  Future<String> authenticate(HttpServerRequest request) {
    Credentials credentials = Credentials.parse(request.headers().getAll(Credentials.HEADER));
    if (credentials instanceof Credentials.Basic basic) {
      String address =
          request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
      FailureThrottle throttle = authenticator.throttle();
      Optional<Duration> locked = throttle.attempt(basic.username(), address);
      if (locked.isPresent()) return Future.failedFuture(tooManyFailures(locked.get()));
      // PBKDF2 is deliberately slow: never on the event loop.
      return workers
          .executeBlocking(
              () -> {
                Optional<User> user =
                    authenticator.authenticateUser(
                        control.snapshot(), basic.username(), basic.password());
                if (user.isPresent()) throttle.succeeded(basic.username(), address);
                return user;
              },
              false)
          .compose(AdminAuthentication::admin);
    }
    String detail;
    if (credentials instanceof Credentials.None) {
      detail =
          "the Authorization header is missing; send HTTP Basic credentials of a user with role"
              + " admin";
    } else if (credentials instanceof Credentials.Invalid invalid) {
      detail = invalid.description();
    } else {
      detail = "the Authorization header must use the Basic scheme; the admin API accepts no other";
    }
    return Future.failedFuture(unauthorized(detail));
  }

  private static Future<String> admin(Optional<User> user) {
    if (user.isEmpty()) return Future.failedFuture(unauthorized(WRONG));
    if (!user.get().isAdmin()) {
      return Future.failedFuture(
          new ProblemException(
              Problem.of(
                  403,
                  "user '"
                      + user.get().username()
                      + "' lacks the role admin, which the admin API requires")));
    }
    return Future.succeededFuture(user.get().username());
  }

  /** 429 with {@code Retry-After}: the name or the address is locked; no hash was computed. */
  private static ProblemException tooManyFailures(Duration retryAfter) {
    long seconds = FailureThrottle.retryAfterSeconds(retryAfter);
    return new ProblemException(
        Problem.of(
            429,
            "too many failed authentications of this user or from this address; the password was"
                + " not checked; try again in "
                + seconds
                + " s"),
        Map.of("Retry-After", Long.toString(seconds)));
  }

  private static ProblemException unauthorized(String detail) {
    return new ProblemException(
        Problem.of(401, detail).with("field", Credentials.HEADER),
        Map.of("WWW-Authenticate", CHALLENGE));
  }
}
