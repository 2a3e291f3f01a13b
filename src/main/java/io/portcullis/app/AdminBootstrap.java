package io.portcullis.app;

import io.portcullis.control.ControlPlane;
import io.portcullis.control.UserSpec;
import io.portcullis.registry.User;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * Makes sure someone can log in to the admin API. When no enabled admin exists after the
 * configuration was applied, an {@code admin} user is created with the password from {@code
 * PORTCULLIS_ADMIN_PASSWORD}, or else with a random one written once to {@code
 * <data>/admin-password} (owner read/write only).
 */
public final class AdminBootstrap {
  public static final String ENV = "PORTCULLIS_ADMIN_PASSWORD";
  public static final String FILE = "admin-password";
  static final String USERNAME = "admin";

  private final ControlPlane control;
  private final SecureRandom random;

  public AdminBootstrap(ControlPlane control, SecureRandom random) {
    this.control = control;
    this.random = random;
  }

  /**
   * Ensures an admin exists.
   *
   * @return a sentence saying where the admin password came from, for the start banner (never the
   *     password itself)
   */
  public String ensureAdmin(String envPassword, Path dataDir) {
    boolean hasAdmin =
        control.snapshot().users().stream().anyMatch(u -> u.enabled() && u.isAdmin());
    Path file = dataDir.resolve(FILE);
    if (hasAdmin) {
      return Files.exists(file)
          ? "admin password: in " + file.toAbsolutePath() + " (written at first start)"
          : "admin password: as configured (users with role admin)";
    }
    if (envPassword != null && !envPassword.isEmpty()) {
      control.saveUser(new UserSpec(USERNAME, envPassword, null, true, Set.of(User.ADMIN_ROLE)));
      return "admin password: from the environment variable " + ENV + " (user admin)";
    }
    String password = newPassword();
    writeOnce(file, password);
    control.saveUser(new UserSpec(USERNAME, password, null, true, Set.of(User.ADMIN_ROLE)));
    return "admin password: generated, in "
        + file.toAbsolutePath()
        + " (user admin; readable by you only)";
  }

  private String newPassword() {
    byte[] bytes = new byte[18];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void writeOnce(Path file, String password) {
    try {
      Files.createDirectories(file.getParent());
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(file);
      }
      Files.writeString(
          file, password + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (FileAlreadyExistsException e) {
      // A file from an earlier start whose admin was deleted since: replace its content, keep its
      // permissions.
      try {
        Files.writeString(
            file, password + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
      } catch (IOException again) {
        throw new UncheckedIOException("cannot write the admin password to " + file, again);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the admin password to " + file, e);
    }
  }
}
