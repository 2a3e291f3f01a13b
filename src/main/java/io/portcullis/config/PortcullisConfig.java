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

  /**
   * What running without a configuration file means: every section's defaults, no demo, and a
   * registry with only the default {@code local} authorization server.
   */
  public static PortcullisConfig defaults() {
    GatewayConfig gateway = GatewayConfig.DEFAULT;
    return PortcullisConfig.builder()
        .gateway(gateway)
        .content(
            new RegistryContent(
                List.of(), List.of(defaultLocalServer(gateway)), List.of(), List.of(), List.of()))
        .build();
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

  /** A builder with every section null (then its default) and no demo. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every section of this configuration, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .gateway(gateway)
        .admin(admin)
        .store(store)
        .demo(demo)
        .content(content)
        .outbound(outbound)
        .monitoring(monitoring)
        .portal(portal);
  }

  /**
   * Builds a {@link PortcullisConfig} section by section; each setter names the section it sets
   * (see the record's parameters). Not thread-safe.
   */
  public static final class Builder {
    private GatewayConfig gateway;
    private AdminConfig admin;
    private StoreConfig store;
    private DemoConfig demo;
    private RegistryContent content;
    private OutboundConfig outbound;
    private MonitoringConfig monitoring;
    private PortalConfig portal;

    private Builder() {}

    public Builder gateway(GatewayConfig gateway) {
      this.gateway = gateway;
      return this;
    }

    public Builder admin(AdminConfig admin) {
      this.admin = admin;
      return this;
    }

    public Builder store(StoreConfig store) {
      this.store = store;
      return this;
    }

    public Builder demo(DemoConfig demo) {
      this.demo = demo;
      return this;
    }

    public Builder content(RegistryContent content) {
      this.content = content;
      return this;
    }

    public Builder outbound(OutboundConfig outbound) {
      this.outbound = outbound;
      return this;
    }

    public Builder monitoring(MonitoringConfig monitoring) {
      this.monitoring = monitoring;
      return this;
    }

    public Builder portal(PortalConfig portal) {
      this.portal = portal;
      return this;
    }

    /**
     * The configuration; the canonical constructor fills the default of every section left null.
     */
    public PortcullisConfig build() {
      return new PortcullisConfig(
          gateway, admin, store, demo, content, outbound, monitoring, portal);
    }
  }
}
