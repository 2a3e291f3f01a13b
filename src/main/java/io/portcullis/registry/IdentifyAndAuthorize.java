package io.portcullis.registry;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Identify &amp; Authorize policy of an API.
 *
 * @param methods accepted identification methods (any one suffices); empty means none is accepted,
 *     so only {@code allowAnonymous} lets calls through
 * @param applicationLookup which identified applications are allowed
 * @param allowAnonymous whether an unidentified call goes through as the anonymous application
 * @param scopes scopes that an identified call must all hold
 * @param forwardAuthorization whether the client's {@code Authorization} header is passed upstream
 * @param claimHeaders header name to claim name: claims passed upstream as extra headers
 * @param senderConstraint whether unbound (bearer) tokens are accepted; {@link
 *     SenderConstraint#ALLOWED} when null
 */
public record IdentifyAndAuthorize(
    Set<IdentificationMethod> methods,
    ApplicationLookup applicationLookup,
    boolean allowAnonymous,
    List<String> scopes,
    boolean forwardAuthorization,
    Map<String, String> claimHeaders,
    SenderConstraint senderConstraint) {

  /** No identification required: every call goes through as the anonymous application. */
  public static final IdentifyAndAuthorize OPEN =
      new IdentifyAndAuthorize(
          Set.of(),
          ApplicationLookup.GLOBAL,
          true,
          List.of(),
          true,
          Map.of(),
          SenderConstraint.ALLOWED);

  public IdentifyAndAuthorize {
    methods = methods == null ? Set.of() : Set.copyOf(methods);
    applicationLookup =
        applicationLookup == null ? ApplicationLookup.REGISTERED : applicationLookup;
    scopes = scopes == null ? List.of() : List.copyOf(scopes);
    claimHeaders = claimHeaders == null ? Map.of() : Map.copyOf(claimHeaders);
    senderConstraint = senderConstraint == null ? SenderConstraint.ALLOWED : senderConstraint;
  }

  /** A policy that accepts unbound tokens ({@link SenderConstraint#ALLOWED}). */
  public IdentifyAndAuthorize(
      Set<IdentificationMethod> methods,
      ApplicationLookup applicationLookup,
      boolean allowAnonymous,
      List<String> scopes,
      boolean forwardAuthorization,
      Map<String, String> claimHeaders) {
    this(
        methods,
        applicationLookup,
        allowAnonymous,
        scopes,
        forwardAuthorization,
        claimHeaders,
        SenderConstraint.ALLOWED);
  }
}
