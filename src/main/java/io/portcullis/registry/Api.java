package io.portcullis.registry;

import java.net.URI;
import java.util.List;

/**
 * An API registered on the gateway.
 *
 * @param name the API's name
 * @param version its version; {@code name/version} is the API's key
 * @param type REST or SOAP
 * @param basePath the path prefix on the gateway, starting with {@code /}, without a trailing
 *     {@code /} (except the root path itself)
 * @param upstreams the upstream base URLs (at least one)
 * @param active whether consumers can reach it; an inactive API answers as if it did not exist
 * @param timeouts upstream timeouts
 * @param identifyAndAuthorize the Identify &amp; Authorize policy
 * @param monitoring whether its calls are stored as transaction records; {@link
 *     ApiMonitoring#DEFAULT} when null
 * @param upstreamTls TLS settings for {@code https} upstreams; null for the defaults (the JDK's
 *     trust store, no client certificate, hostname verified)
 * @param portal how it shows in the developer portal; {@link ApiPortal#NONE} when null
 */
public record Api(
    String name,
    String version,
    ApiType type,
    String basePath,
    List<URI> upstreams,
    boolean active,
    Timeouts timeouts,
    IdentifyAndAuthorize identifyAndAuthorize,
    ApiMonitoring monitoring,
    UpstreamTls upstreamTls,
    ApiPortal portal) {

  public Api {
    portal = portal == null ? ApiPortal.NONE : portal;
    upstreams = upstreams == null ? List.of() : List.copyOf(upstreams);
    type = type == null ? ApiType.REST : type;
    timeouts = timeouts == null ? Timeouts.DEFAULT : timeouts;
    identifyAndAuthorize =
        identifyAndAuthorize == null ? IdentifyAndAuthorize.OPEN : identifyAndAuthorize;
    monitoring = monitoring == null ? ApiMonitoring.DEFAULT : monitoring;
  }

  /**
   * A builder of an active API; every other component null (then the canonical constructor's
   * default).
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every component of this API, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .name(name)
        .version(version)
        .type(type)
        .basePath(basePath)
        .upstreams(upstreams)
        .active(active)
        .timeouts(timeouts)
        .identifyAndAuthorize(identifyAndAuthorize)
        .monitoring(monitoring)
        .upstreamTls(upstreamTls)
        .portal(portal);
  }

  /**
   * Builds an {@link Api} component by component; each setter names the component it sets (see the
   * record's parameters). Not thread-safe.
   */
  public static final class Builder {
    private String name;
    private String version;
    private ApiType type;
    private String basePath;
    private List<URI> upstreams;
    private boolean active = true;
    private Timeouts timeouts;
    private IdentifyAndAuthorize identifyAndAuthorize;
    private ApiMonitoring monitoring;
    private UpstreamTls upstreamTls;
    private ApiPortal portal;

    private Builder() {}

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder version(String version) {
      this.version = version;
      return this;
    }

    public Builder type(ApiType type) {
      this.type = type;
      return this;
    }

    public Builder basePath(String basePath) {
      this.basePath = basePath;
      return this;
    }

    public Builder upstreams(List<URI> upstreams) {
      this.upstreams = upstreams;
      return this;
    }

    public Builder active(boolean active) {
      this.active = active;
      return this;
    }

    public Builder timeouts(Timeouts timeouts) {
      this.timeouts = timeouts;
      return this;
    }

    public Builder identifyAndAuthorize(IdentifyAndAuthorize identifyAndAuthorize) {
      this.identifyAndAuthorize = identifyAndAuthorize;
      return this;
    }

    public Builder monitoring(ApiMonitoring monitoring) {
      this.monitoring = monitoring;
      return this;
    }

    public Builder upstreamTls(UpstreamTls upstreamTls) {
      this.upstreamTls = upstreamTls;
      return this;
    }

    public Builder portal(ApiPortal portal) {
      this.portal = portal;
      return this;
    }

    /** The API; the canonical constructor fills the defaults of components left null. */
    public Api build() {
      return new Api(
          name,
          version,
          type,
          basePath,
          upstreams,
          active,
          timeouts,
          identifyAndAuthorize,
          monitoring,
          upstreamTls,
          portal);
    }
  }

  /** The key that names this API in references: {@code name/version}. */
  public String key() {
    return key(name, version);
  }

  public static String key(String name, String version) {
    return name + "/" + version;
  }

  /** This API, made active or inactive. */
  public Api withActive(boolean newActive) {
    return toBuilder().active(newActive).build();
  }

  /** Whether the developer portal shows it: published and active. */
  public boolean inPortal() {
    return active && portal.published();
  }
}
