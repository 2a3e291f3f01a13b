package io.portcullis.gateway.authorize;

import java.util.List;

/** Whether an identified call may reach its API. */
public sealed interface Authorization permits Authorization.Allowed, Authorization.Denied {

  /** The one {@link Allowed} value. */
  Allowed ALLOWED = new Allowed();

  /** The call may go through. */
  record Allowed() implements Authorization {}

  /**
   * The call is refused.
   *
   * @param status 401 when other credentials could succeed, 403 when the caller is known and not
   *     allowed
   * @param errorCode the RFC 6750 error code ({@code invalid_token}, {@code insufficient_scope}),
   *     or null
   * @param description what is missing, naming the application, API or scopes
   * @param scope the scopes the API requires, for the challenge's {@code scope}; empty when scopes
   *     are not the reason
   */
  record Denied(int status, String errorCode, String description, List<String> scope)
      implements Authorization {
    public Denied {
      scope = scope == null ? List.of() : List.copyOf(scope);
    }
  }
}
