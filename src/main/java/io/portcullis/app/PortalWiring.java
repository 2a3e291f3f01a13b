package io.portcullis.app;

import io.portcullis.config.PortalConfig;
import io.portcullis.control.ControlPlane;
import io.portcullis.control.DeveloperPortal;
import io.portcullis.credential.Authenticator;
import io.portcullis.gateway.LocalRoutes;
import io.portcullis.monitor.TransactionRepository;
import io.portcullis.portal.ApiDocumentSource;
import io.portcullis.portal.PortalPages;
import io.portcullis.registry.OutboundPolicy;
import io.portcullis.store.JdbcAccessRequests;
import io.portcullis.web.Sessions;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Builds the developer portal's parts and puts its pages on the gateway port. */
final class PortalWiring {
  private PortalWiring() {}

  /** The portal's rules, on the access requests in the store. */
  static DeveloperPortal developerPortal(
      ControlPlane control, DataSource dataSource, PortalConfig config, Clock clock) {
    return new DeveloperPortal(
        control,
        new JdbcAccessRequests(dataSource),
        clock,
        new DeveloperPortal.Settings(
            config.authorizationServer(),
            config.accessRequests() == PortalConfig.AccessRequests.APPROVAL,
            config.signUp() == PortalConfig.SignUp.OPEN,
            config.signUp() == PortalConfig.SignUp.APPROVAL));
  }

  /**
   * The gateway's local routes and, when the portal is enabled, {@code /portal} ahead of every API
   * (no API may have a base path under it: the validator refuses them).
   */
  static LocalRoutes withPortal(
      LocalRoutes routes,
      PortalConfig config,
      Vertx vertx,
      ControlPlane control,
      DeveloperPortal portal,
      Authenticator authenticator,
      TransactionRepository traffic,
      OutboundPolicy files,
      Sessions sessions,
      Clock clock) {
    if (!config.enabled()) return routes;
    Handler<HttpServerRequest> pages =
        new PortalPages(
                vertx,
                control,
                portal,
                authenticator,
                traffic,
                new ApiDocumentSource(files),
                sessions,
                clock)
            .withStoreDown(PortcullisNode::storeDown)
            .handler();
    LocalRoutes portalOnly = new LocalRoutes(List.of(PortalPages.PREFIX), pages);
    List<String> prefixes = new ArrayList<>(routes.pathPrefixes());
    prefixes.add(PortalPages.PREFIX);
    Handler<HttpServerRequest> rest = routes.handler();
    return new LocalRoutes(
        prefixes,
        request -> {
          if (portalOnly.claims(request.path())) pages.handle(request);
          else rest.handle(request);
        });
  }
}
