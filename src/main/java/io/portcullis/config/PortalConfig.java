package io.portcullis.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.control.Violation;
import java.util.List;
import java.util.Locale;

/**
 * The {@code portal} section: the developer portal on the gateway port (docs/PORTAL.md).
 *
 * <pre>
 * portal:
 *   enabled: true
 *   signUp: approval            # open | approval | closed
 *   accessRequests: automatic   # automatic | approval
 *   authorizationServer: local
 * </pre>
 *
 * @param enabled whether the gateway serves {@code /portal/}
 * @param signUp who may create a developer account
 * @param accessRequests whether a new application's API access waits for an administrator
 * @param authorizationServer the alias of the authorization server the portal's applications trust
 */
public record PortalConfig(
    boolean enabled, SignUp signUp, AccessRequests accessRequests, String authorizationServer) {

  /** Enabled, sign-up closed, access granted at once, tokens from {@code local}. */
  public static final PortalConfig DEFAULT =
      new PortalConfig(true, SignUp.CLOSED, AccessRequests.AUTOMATIC, "local");

  static final List<String> FIELDS =
      List.of("enabled", "signUp", "accessRequests", "authorizationServer");

  /** Who may create a developer account. */
  public enum SignUp {
    /** Anyone: the account works at once. */
    OPEN,
    /** Anyone may ask; the account works once an administrator enables it. */
    APPROVAL,
    /** Only administrators create developer accounts. */
    CLOSED
  }

  /** Whether an application's access to an API needs an administrator's approval. */
  public enum AccessRequests {
    /** Granted when asked. */
    AUTOMATIC,
    /** Pending until an administrator approves it. */
    APPROVAL
  }

  /** Reads the section; the defaults for what it leaves out; a violation per wrong field. */
  static PortalConfig read(JsonNode node, List<Violation> out) {
    if (node == null) return DEFAULT;
    FieldReader r = FieldReader.open(node, "portal", out, FIELDS, "the portal section");
    if (r == null) return DEFAULT;
    Boolean enabled = r.bool("enabled");
    SignUp signUp = choice(r, "signUp", SignUp.class, DEFAULT.signUp());
    AccessRequests access =
        choice(r, "accessRequests", AccessRequests.class, DEFAULT.accessRequests());
    String server = r.text("authorizationServer");
    if (server != null && server.isBlank()) {
      r.wrong("authorizationServer", "expected an authorization server's alias; was empty");
      server = null;
    }
    return new PortalConfig(
        enabled == null ? DEFAULT.enabled() : enabled,
        signUp,
        access,
        server == null ? DEFAULT.authorizationServer() : server);
  }

  private static <E extends Enum<E>> E choice(
      FieldReader r, String field, Class<E> type, E fallback) {
    String text = r.text(field);
    if (text == null) return fallback;
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(text.strip())) return e;
    }
    List<String> allowed =
        java.util.Arrays.stream(type.getEnumConstants())
            .map(e -> e.name().toLowerCase(Locale.ROOT))
            .toList();
    r.wrong(field, "expected one of " + allowed + "; was '" + text + "'");
    return fallback;
  }
}
