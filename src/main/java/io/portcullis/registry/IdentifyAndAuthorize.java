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

  /**
   * A builder of the strictest policy: no method, {@link ApplicationLookup#REGISTERED}, no
   * anonymous calls, no scopes, the {@code Authorization} header not forwarded, no claim headers,
   * unbound tokens allowed; each setter relaxes or tightens one rule.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every component of this policy, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .methods(methods)
        .applicationLookup(applicationLookup)
        .allowAnonymous(allowAnonymous)
        .scopes(scopes)
        .forwardAuthorization(forwardAuthorization)
        .claimHeaders(claimHeaders)
        .senderConstraint(senderConstraint);
  }

  /**
   * Builds a {@link IdentifyAndAuthorize} component by component; each setter names the component
   * it sets (see the record's parameters). Not thread-safe.
   */
  public static final class Builder {
    private Set<IdentificationMethod> methods;
    private ApplicationLookup applicationLookup;
    private boolean allowAnonymous;
    private List<String> scopes;
    private boolean forwardAuthorization;
    private Map<String, String> claimHeaders;
    private SenderConstraint senderConstraint;

    private Builder() {}

    public Builder methods(Set<IdentificationMethod> methods) {
      this.methods = methods;
      return this;
    }

    public Builder applicationLookup(ApplicationLookup applicationLookup) {
      this.applicationLookup = applicationLookup;
      return this;
    }

    public Builder allowAnonymous(boolean allowAnonymous) {
      this.allowAnonymous = allowAnonymous;
      return this;
    }

    public Builder scopes(List<String> scopes) {
      this.scopes = scopes;
      return this;
    }

    public Builder forwardAuthorization(boolean forwardAuthorization) {
      this.forwardAuthorization = forwardAuthorization;
      return this;
    }

    public Builder claimHeaders(Map<String, String> claimHeaders) {
      this.claimHeaders = claimHeaders;
      return this;
    }

    public Builder senderConstraint(SenderConstraint senderConstraint) {
      this.senderConstraint = senderConstraint;
      return this;
    }

    /** The policy; the canonical constructor fills the defaults of components left null. */
    public IdentifyAndAuthorize build() {
      return new IdentifyAndAuthorize(
          methods,
          applicationLookup,
          allowAnonymous,
          scopes,
          forwardAuthorization,
          claimHeaders,
          senderConstraint);
    }
  }
}
