package io.portcullis.credential;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.registry.Application;
import io.portcullis.registry.Snapshot;
import io.portcullis.registry.User;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
  private final PasswordHasher hasher = new PasswordHasher(1_000, new SecureRandom());
  private final Authenticator authenticator = new Authenticator(hasher, Duration.ofMinutes(5));

  private Snapshot snapshot(boolean enabled) {
    User alice = new User("alice", hasher.hash("alice-password"), enabled, Set.of("admin"));
    Application app =
        Application.builder()
            .name("photo")
            .clientId("photo-client")
            .clientSecretHash(hasher.hash("photo-secret"))
            .authorizationServer("local")
            .enabled(enabled)
            .build();
    Application noSecret =
        Application.builder()
            .name("public")
            .clientId("public-client")
            .authorizationServer("local")
            .build();
    return new Snapshot(1, List.of(), List.of(app, noSecret), List.of(alice), List.of(), List.of());
  }

  @Test
  void authenticateUserWhenRightPasswordThenUser() {
    assertThat(authenticator.authenticateUser(snapshot(true), "alice", "alice-password"))
        .map(User::username)
        .contains("alice");
  }

  @Test
  void authenticateUserWhenWrongPasswordUnknownUserNullsOrDisabledThenEmpty() {
    Snapshot s = snapshot(true);
    assertThat(authenticator.authenticateUser(s, "alice", "wrong")).isEmpty();
    assertThat(authenticator.authenticateUser(s, "mallory", "alice-password")).isEmpty();
    assertThat(authenticator.authenticateUser(s, null, null)).isEmpty();
    assertThat(authenticator.authenticateUser(snapshot(false), "alice", "alice-password"))
        .isEmpty();
  }

  @Test
  void authenticateUserWhenSucceededBeforeAndPasswordChangedThenOldPasswordRefused() {
    Snapshot before = snapshot(true);
    assertThat(authenticator.authenticateUser(before, "alice", "alice-password")).isPresent();
    User changed = new User("alice", hasher.hash("new-password"), true, Set.of("admin"));
    Snapshot after = new Snapshot(2, List.of(), List.of(), List.of(changed), List.of(), List.of());
    assertThat(authenticator.authenticateUser(after, "alice", "alice-password")).isEmpty();
    assertThat(authenticator.authenticateUser(after, "alice", "new-password")).isPresent();
  }

  @Test
  void authenticateUserWhenCachedSuccessButUserDisabledSinceThenEmpty() {
    Snapshot s = snapshot(true);
    assertThat(authenticator.authenticateUser(s, "alice", "alice-password")).isPresent();
    User disabled = new User("alice", s.user("alice").get().passwordHash(), false, Set.of("admin"));
    Snapshot after = new Snapshot(2, List.of(), List.of(), List.of(disabled), List.of(), List.of());
    assertThat(authenticator.authenticateUser(after, "alice", "alice-password")).isEmpty();
  }

  @Test
  void authenticateClientWhenRightSecretThenApplication() {
    assertThat(authenticator.authenticateClient(snapshot(true), "photo-client", "photo-secret"))
        .map(Application::name)
        .contains("photo");
  }

  @Test
  void authenticateClientWhenWrongSecretUnknownNoSecretOrDisabledThenEmpty() {
    Snapshot s = snapshot(true);
    assertThat(authenticator.authenticateClient(s, "photo-client", "nope")).isEmpty();
    assertThat(authenticator.authenticateClient(s, "photo", "photo-secret")).isEmpty();
    assertThat(authenticator.authenticateClient(s, "public-client", "")).isEmpty();
    assertThat(authenticator.authenticateClient(s, "public-client", null)).isEmpty();
    assertThat(authenticator.authenticateClient(snapshot(false), "photo-client", "photo-secret"))
        .isEmpty();
  }
}
