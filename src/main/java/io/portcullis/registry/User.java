package io.portcullis.registry;

import java.util.Set;

/**
 * A gateway user.
 *
 * @param username unique name; the {@code sub} of JWTs the user retrieves
 * @param passwordHash the password as a slow salted hash (see {@code PasswordHasher}); never the
 *     password itself
 * @param enabled a disabled user cannot authenticate
 * @param roles roles; {@code admin} may use the admin API
 */
public record User(String username, String passwordHash, boolean enabled, Set<String> roles) {
  public static final String ADMIN_ROLE = "admin";

  public User {
    roles = roles == null ? Set.of() : Set.copyOf(roles);
  }

  /** Leaves the hash out: records end up in logs. */
  @Override
  public String toString() {
    return "User[username=" + username + ", enabled=" + enabled + ", roles=" + roles + "]";
  }

  public boolean isAdmin() {
    return roles.contains(ADMIN_ROLE);
  }
}
