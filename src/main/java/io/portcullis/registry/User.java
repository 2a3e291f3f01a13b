package io.portcullis.registry;

import java.util.Set;

/**
 * A gateway user.
 *
 * @param username unique name; the {@code sub} of JWTs the user retrieves
 * @param passwordHash the password as a slow salted hash (see {@code PasswordHasher}); never the
 *     password itself
 * @param enabled a disabled user cannot authenticate
 * @param roles roles; {@code admin} may use the admin API and change everything in the Manager;
 *     {@code viewer} may only look at the Manager
 */
public record User(String username, String passwordHash, boolean enabled, Set<String> roles) {
  public static final String ADMIN_ROLE = "admin";

  /** The role that may sign in to the Manager and look, but change nothing. */
  public static final String VIEWER_ROLE = "viewer";

  public User {
    roles = roles == null ? Set.of() : Set.copyOf(roles);
  }

  /** Leaves the hash out: records end up in logs. */
  @Override
  public String toString() {
    return "User[username=" + username + ", enabled=" + enabled + ", roles=" + roles + "]";
  }

  /** Whether the user may sign in to the Manager (role admin or viewer). */
  public boolean mayView() {
    return isAdmin() || roles.contains(VIEWER_ROLE);
  }

  public boolean isAdmin() {
    return roles.contains(ADMIN_ROLE);
  }
}
