package io.portcullis.web;

import java.time.Instant;

/**
 * One signed-in browser: who, whether they may change things, and the session's CSRF token.
 *
 * @param id the random session id carried by the cookie (never logged)
 * @param username the signed-in user
 * @param role the role shown in the top bar ({@code admin} or {@code viewer})
 * @param canChange whether the user may change anything (role {@code admin})
 * @param csrfToken the synchronizer token every state-changing request must carry
 * @param created when the session started (for the absolute expiry)
 */
public record WebSession(
    String id, String username, String role, boolean canChange, String csrfToken, Instant created) {

  @Override
  public String toString() {
    return "WebSession[username=" + username + ", role=" + role + "]";
  }
}
