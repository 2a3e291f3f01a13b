package io.portcullis.config;

import io.portcullis.control.RegistryContent;
import io.portcullis.registry.AuthorizationServer;
import java.util.List;

/**
 * Everything a configuration file says: the server sections and the registry content to apply.
 *
 * @param gateway the gateway port and its limits
 * @param admin the admin port
 * @param store the database; its url is null for the embedded default
 * @param demo the demo echo upstream, or null when the file has no {@code demo} section
 * @param content the registry entities to apply; always holds the {@code local} authorization
 *     server
 * @param outbound {@code gateway.outbound} and {@code files}: what upstreams, JWKS URIs and
 *     certificate files may reach beyond the defaults
 * @param monitoring transaction records, rollups and the access log
 * @param portal the developer portal
 */
public record PortcullisConfig(
    GatewayConfig gateway,
    AdminConfig admin,
    StoreConfig store,
    DemoConfig demo,
    RegistryContent content,
    OutboundConfig outbound,
    MonitoringConfig monitoring,
    PortalConfig portal) {

  public PortcullisConfig {
    portal = portal == null ? PortalConfig.DEFAULT : portal;
    outbound = outbound == null ? OutboundConfig.DEFAULT : outbound;
    monitoring = monitoring == null ? MonitoringConfig.DEFAULT : monitoring;
    gateway = gateway == null ? GatewayConfig.DEFAULT : gateway;
    admin = admin == null ? AdminConfig.DEFAULT : admin;
    store = store == null ? StoreConfig.DEFAULT : store;
    content = content == null ? RegistryContent.EMPTY : content;
  }

  /** A configuration with the default {@code portal} section. */
  public PortcullisConfig(
      GatewayConfig gateway,
      AdminConfig admin,
      StoreConfig store,
      DemoConfig demo,
      RegistryContent content,
      OutboundConfig outbound,
      MonitoringConfig monitoring) {
    this(gateway, admin, store, demo, content, outbound, monitoring, PortalConfig.DEFAULT);
  }

  /** A configuration with the default {@code outbound} and {@code monitoring} sections. */
  public PortcullisConfig(
      GatewayConfig gateway,
      AdminConfig admin,
      StoreConfig store,
      DemoConfig demo,
      RegistryContent content) {
    this(gateway, admin, store, demo, content, OutboundConfig.DEFAULT, MonitoringConfig.DEFAULT);
  }

  /**
   * What running without a configuration file means: every section's defaults, no demo, and a
   * registry with only the default {@code local} authorization server.
   */
  public static PortcullisConfig defaults() {
    GatewayConfig gateway = GatewayConfig.DEFAULT;
    return new PortcullisConfig(
        gateway,
        AdminConfig.DEFAULT,
        StoreConfig.DEFAULT,
        null,
        new RegistryContent(
            List.of(), List.of(defaultLocalServer(gateway)), List.of(), List.of(), List.of()));
  }

  /**
   * The internal authorization server that a file without {@code authorizationServers.local} gets:
   * issuer the gateway's public URL, assertion audience its token endpoint, every other setting the
   * records' defaults.
   */
  public static AuthorizationServer defaultLocalServer(GatewayConfig gateway) {
    return AuthorizationServer.builder()
        .alias(AuthorizationServer.LOCAL)
        .type(AuthorizationServer.Type.INTERNAL)
        .issuer(gateway.publicUrl().toString())
        .assertionAudience(gateway.tokenEndpoint().toString())
        .build();
  }
}
