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

  /** An API that the developer portal does not show. */
  public Api(
      String name,
      String version,
      ApiType type,
      String basePath,
      List<URI> upstreams,
      boolean active,
      Timeouts timeouts,
      IdentifyAndAuthorize identifyAndAuthorize,
      ApiMonitoring monitoring,
      UpstreamTls upstreamTls) {
    this(
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
        null);
  }

  /** An API with the default upstream TLS settings. */
  public Api(
      String name,
      String version,
      ApiType type,
      String basePath,
      List<URI> upstreams,
      boolean active,
      Timeouts timeouts,
      IdentifyAndAuthorize identifyAndAuthorize,
      ApiMonitoring monitoring) {
    this(
        name,
        version,
        type,
        basePath,
        upstreams,
        active,
        timeouts,
        identifyAndAuthorize,
        monitoring,
        null);
  }

  /** An API with the default monitoring settings (records on). */
  public Api(
      String name,
      String version,
      ApiType type,
      String basePath,
      List<URI> upstreams,
      boolean active,
      Timeouts timeouts,
      IdentifyAndAuthorize identifyAndAuthorize) {
    this(
        name,
        version,
        type,
        basePath,
        upstreams,
        active,
        timeouts,
        identifyAndAuthorize,
        ApiMonitoring.DEFAULT);
  }

  /** The key that names this API in references: {@code name/version}. */
  public String key() {
    return key(name, version);
  }

  public static String key(String name, String version) {
    return name + "/" + version;
  }

  public Api withActive(boolean newActive) {
    return new Api(
        name,
        version,
        type,
        basePath,
        upstreams,
        newActive,
        timeouts,
        identifyAndAuthorize,
        monitoring,
        upstreamTls,
        portal);
  }

  /** Whether the developer portal shows it: published and active. */
  public boolean inPortal() {
    return active && portal.published();
  }
}
