package io.portcullis.app;

import io.portcullis.control.ControlPlane;
import io.portcullis.manager.ManagerPages;
import io.portcullis.portal.PortalPages;
import io.portcullis.store.ChangeNotifier;
import io.portcullis.store.JdbcWebSessions;
import io.portcullis.web.Sessions;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Manager's and the portal's sessions in the store, kept in step on every node: a session that
 * ends on any node (sign-out, too many sessions, its user changed) is dropped from this node's
 * cache by its notice, and after every registry change this node writes, the sessions of users who
 * were disabled, deleted, lost their role or changed password are ended in the store.
 */
final class WebSessionWiring implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebSessionWiring.class);

  private final Sessions manager;
  private final Sessions portal;
  private final ChangeNotifier.Subscription subscription;

  WebSessionWiring(
      Vertx vertx,
      DataSource dataSource,
      ChangeNotifier notifier,
      ControlPlane control,
      Clock clock) {
    JdbcWebSessions store = new JdbcWebSessions(dataSource, notifier);
    this.manager = ManagerPages.sessions(vertx, store, control, clock);
    this.portal = PortalPages.sessions(vertx, store, control, clock);
    List<Sessions> all = List.of(manager, portal);
    this.subscription =
        notifier.subscribe(
            ChangeNotifier.Channel.WEB_SESSION_ENDED,
            new ChangeNotifier.Listener() {
              @Override
              public void changed(String idHash) {
                all.forEach(s -> s.forget(idHash));
              }

              @Override
              public void missed() {
                all.forEach(Sessions::forgetAll);
              }
            });
    control.onChange(() -> endStale(all));
  }

  Sessions manager() {
    return manager;
  }

  Sessions portal() {
    return portal;
  }

  private static void endStale(List<Sessions> all) {
    for (Sessions sessions : all) {
      try {
        int ended = sessions.endStale();
        if (ended > 0) {
          LOG.atInfo()
              .addKeyValue("site", sessions.site())
              .addKeyValue("users", ended)
              .log("sessions of changed users ended");
        }
      } catch (RuntimeException e) {
        // Every node still refuses those sessions: each checks the user on every request.
        LOG.atWarn()
            .addKeyValue("site", sessions.site())
            .addKeyValue("error", e.toString())
            .log("sessions of changed users not ended in the store");
      }
    }
  }

  @Override
  public void close() {
    subscription.close();
  }
}
