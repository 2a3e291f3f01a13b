package io.portcullis.control;

import java.util.Set;

/**
 * A user as given by the configuration file or the admin API: with the password in clear (hashed
 * before it is stored) or an already hashed one (as {@code export} writes it).
 *
 * @param username unique name
 * @param password the password in clear, or null when {@code passwordHash} is given
 * @param passwordHash a hash produced by {@code PasswordHasher}, or null
 * @param enabled null means true
 * @param roles roles
 */
public record UserSpec(
    String username, String password, String passwordHash, Boolean enabled, Set<String> roles) {
  public UserSpec {
    roles = roles == null ? Set.of() : Set.copyOf(roles);
  }

  /** Never prints the password or its hash: specs end up in logs and exception messages. */
  @Override
  public String toString() {
    return "UserSpec[username="
        + username
        + ", password="
        + (password == null ? null : "***")
        + ", passwordHash="
        + (passwordHash == null ? null : "***")
        + ", enabled="
        + enabled
        + ", roles="
        + roles
        + "]";
  }
}
