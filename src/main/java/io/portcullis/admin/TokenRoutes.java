package io.portcullis.admin;

import io.portcullis.control.Actor;
import io.portcullis.control.ControlPlane;
import io.portcullis.control.NotFoundException;
import io.portcullis.control.ValidationException;
import io.portcullis.http.Problem;
import io.portcullis.registry.Snapshot;
import io.portcullis.token.store.TokenRecord;
import io.portcullis.token.store.TokenStore;
import io.portcullis.token.store.TokenStores;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opaque tokens in the admin API (docs/ADMIN-API.md, "Tokens"):
 *
 * <ul>
 *   <li>{@code GET /applications/{name}/tokens}: the application's tokens, each with its kind,
 *       state, scopes and times, named by a {@value #ID_LENGTH}-character prefix of its hash: never
 *       the token, never the whole hash;
 *   <li>{@code DELETE /applications/{name}/tokens}: revokes all of them;
 *   <li>{@code DELETE /applications/{name}/tokens/{id}}: revokes one (a refresh token with every
 *       token of its grant, as RFC 7009 §2.1 advises);
 *   <li>{@code POST /tokens/purge}: deletes expired tokens (and other expired entries) now;
 *   <li>{@code GET /tokens/counts}: how many tokens there are by kind and state.
 * </ul>
 *
 * Revocations go through the node's token store, which evicts the data plane's cached answer before
 * it returns, so the next request with the token is refused. Each revocation that revoked at least
 * one token is then written to the audit log with the authenticated admin as actor (action {@code
 * revoke}, entity {@code applications/<name>/tokens/<id>}, or {@code applications/<name>/tokens}
 * for all of them): the token's id, kind, subject, scopes and times, never the token or its whole
 * hash. Store calls block: they run on worker threads.
 */
public final class TokenRoutes implements AdminServer.Extension {
  /** Characters of the hash shown as a token's id: 72 bits, unique in practice. */
  static final int ID_LENGTH = 12;

  /** The most token ids one audit entry of a revocation of all tokens lists. */
  static final int AUDITED_IDS = 100;

  private static final Logger log = LoggerFactory.getLogger(TokenRoutes.class);
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{8,43}");

  private final Vertx vertx;
  private final Supplier<Snapshot> snapshots;
  private final TokenStores tokens;
  private final Clock clock;
  private final ControlPlane control;

  /**
   * @param control where revocations are written to the audit log
   */
  public TokenRoutes(
      Vertx vertx,
      Supplier<Snapshot> snapshots,
      TokenStores tokens,
      Clock clock,
      ControlPlane control) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.control = Objects.requireNonNull(control, "control");
  }

  @Override
  public void mount(Router router) {
    router
        .route("/applications/:name/tokens")
        .handler(
            new MethodDispatch()
                .on(HttpMethod.GET, ctx -> blocking(ctx, () -> list(ctx.pathParam("name"))))
                .on(
                    HttpMethod.DELETE,
                    ctx -> blocking(ctx, () -> revokeAll(ctx.pathParam("name")))));
    router
        .route("/applications/:name/tokens/:id")
        .handler(
            new MethodDispatch()
                .on(
                    HttpMethod.GET,
                    ctx -> blocking(ctx, () -> read(ctx.pathParam("name"), ctx.pathParam("id"))))
                .on(
                    HttpMethod.DELETE,
                    ctx ->
                        blocking(
                            ctx, () -> revokeOne(ctx.pathParam("name"), ctx.pathParam("id")))));
    router
        .route("/tokens/purge")
        .handler(new MethodDispatch().on(HttpMethod.POST, ctx -> blocking(ctx, this::purge)));
    router
        .route("/tokens/counts")
        .handler(new MethodDispatch().on(HttpMethod.GET, ctx -> blocking(ctx, this::counts)));
  }

  private Reply list(String application) {
    List<TokenRecord> found = store().findByApplication(known(application));
    Instant now = clock.instant();
    JsonArray items = new JsonArray();
    for (TokenRecord token : found) items.add(view(token, now));
    return Reply.json(200, items.toBuffer());
  }

  private Reply read(String application, String id) {
    return Reply.json(200, view(one(known(application), id), clock.instant()).toBuffer());
  }

  private Reply revokeAll(String application) {
    TokenStore store = store();
    Instant now = clock.instant();
    int revoked = 0;
    List<String> ids = new ArrayList<>();
    for (TokenRecord token : store.findByApplication(known(application))) {
      if (token.revokedAt() == null && store.revoke(token.tokenHash(), now)) {
        revoked++;
        if (ids.size() < AUDITED_IDS) ids.add(id(token));
      }
    }
    if (revoked > 0) {
      Map<String, Object> after = new LinkedHashMap<>();
      after.put("revoked", revoked);
      after.put("ids", ids);
      if (revoked > ids.size()) after.put("idsNotListed", revoked - ids.size());
      control.recordAction("revoke", "applications/" + application + "/tokens", null, after);
    }
    log.atInfo()
        .addKeyValue("application", application)
        .addKeyValue("revoked", revoked)
        .log("tokens of an application revoked");
    return Reply.json(200, new JsonObject().put("revoked", revoked).toBuffer());
  }

  private Reply revokeOne(String application, String id) {
    TokenRecord token = one(known(application), id);
    Instant now = clock.instant();
    int revoked = revoke(store(), token, now);
    if (revoked > 0) {
      Map<String, Object> before = audited(token, now);
      Map<String, Object> after = new LinkedHashMap<>(before);
      after.put("state", "revoked");
      after.put("revoked", revoked);
      control.recordAction(
          "revoke", "applications/" + application + "/tokens/" + id(token), before, after);
    }
    log.atInfo()
        .addKeyValue("application", application)
        .addKeyValue("token", id(token))
        .addKeyValue("kind", kind(token))
        .addKeyValue("revoked", revoked)
        .log("token revoked");
    return Reply.json(200, new JsonObject().put("revoked", revoked).toBuffer());
  }

  /**
   * Revokes one token as the admin API does, for every door that revokes one (the Manager too): a
   * refresh token with every token of its grant (RFC 7009 §2.1), another token alone. The store
   * evicts the node's cached answer and announces the revocation to the other nodes. Blocking.
   *
   * @return how many tokens this call revoked
   */
  public static int revoke(TokenStore store, TokenRecord token, Instant now) {
    if (token.kind() == TokenRecord.Kind.REFRESH) {
      return store.revokeFamilyFully(token.familyId(), now);
    }
    return store.revoke(token.tokenHash(), now) ? 1 : 0;
  }

  private Reply purge() {
    Map<String, Integer> deleted = tokens.purgeNow();
    int total = deleted.values().stream().mapToInt(Integer::intValue).sum();
    JsonObject byTarget = new JsonObject();
    deleted.forEach(byTarget::put);
    return Reply.json(
        200, new JsonObject().put("deleted", byTarget).put("total", total).toBuffer());
  }

  private Reply counts() {
    TokenStore.Counts counts = store().counts(clock.instant());
    var settings = tokens.settings();
    return Reply.json(
        200,
        new JsonObject()
            .put("store", settings.type())
            .put("purgeInterval", settings.purgeInterval())
            .put("access", byState(counts.access()))
            .put("refresh", byState(counts.refresh()))
            .toBuffer());
  }

  private TokenStore store() {
    return tokens.current();
  }

  /** The application's name, once it is known to exist. */
  private String known(String application) {
    if (snapshots.get().application(application).isEmpty()) {
      throw new NotFoundException("application", application);
    }
    return application;
  }

  /** The application's one token whose hash starts with the id. */
  private TokenRecord one(String application, String id) {
    if (!ID.matcher(id).matches()) {
      throw new ValidationException(
          "id",
          "expected the id of a token as GET /applications/"
              + application
              + "/tokens lists it (8 to 43 characters of A-Z a-z 0-9 - _)");
    }
    List<TokenRecord> matching =
        store().findByApplication(application).stream()
            .filter(token -> token.tokenHash().startsWith(id))
            .toList();
    if (matching.isEmpty()) {
      throw new NotFoundException("token", id + "' of application '" + application);
    }
    if (matching.size() > 1) {
      throw new ProblemException(
          Problem.of(
                  409,
                  "id: "
                      + matching.size()
                      + " tokens of application "
                      + application
                      + " start with "
                      + id
                      + "; give more characters of the id")
              .with("field", "id"));
    }
    return matching.get(0);
  }

  /** What the audit log keeps of a token: never the token, never its whole hash. */
  private static Map<String, Object> audited(TokenRecord token, Instant now) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", id(token));
    view.put("kind", kind(token));
    view.put("subject", token.subject());
    view.put("scopes", token.scopes());
    view.put("issuedAt", token.issuedAt().toString());
    view.put("expiresAt", token.expiresAt().toString());
    view.put("state", state(token, now));
    return view;
  }

  private static JsonObject view(TokenRecord token, Instant now) {
    JsonObject view =
        new JsonObject()
            .put("id", id(token))
            .put("kind", kind(token))
            .put("state", state(token, now))
            .put("clientId", token.clientId())
            .put("subject", token.subject())
            .put("scopes", new JsonArray(token.scopes()))
            .put(
                "parameters", new JsonObject(new LinkedHashMap<String, Object>(token.parameters())))
            .put("issuedAt", token.issuedAt().toString())
            .put("expiresAt", token.expiresAt().toString());
    if (token.revokedAt() != null) view.put("revokedAt", token.revokedAt().toString());
    if (token.rotatedAt() != null) view.put("rotatedAt", token.rotatedAt().toString());
    return view;
  }

  /** As {@link TokenStore.ByState} counts it: the first of revoked, expired, rotated, active. */
  static String state(TokenRecord token, Instant now) {
    if (token.revokedAt() != null) return "revoked";
    if (token.isExpired(now)) return "expired";
    if (token.rotatedAt() != null) return "rotated";
    return "active";
  }

  /** The id the admin API (and the Manager) shows for a token: a prefix of its hash. */
  public static String id(TokenRecord token) {
    return token.tokenHash().substring(0, ID_LENGTH);
  }

  private static String kind(TokenRecord token) {
    return token.kind().name().toLowerCase(Locale.ROOT);
  }

  private static JsonObject byState(TokenStore.ByState counts) {
    return new JsonObject()
        .put("active", counts.active())
        .put("rotated", counts.rotated())
        .put("expired", counts.expired())
        .put("revoked", counts.revoked())
        .put("total", counts.total());
  }

  private void blocking(RoutingContext ctx, Callable<Reply> work) {
    // The authenticated admin is the actor of the audit entries the work writes.
    String actor = ctx.get(Blocking.ACTOR);
    vertx
        .executeBlocking(() -> Actor.call(actor, work), false)
        .onComplete(
            done -> {
              if (done.succeeded()) done.result().send(ctx);
              else ctx.fail(done.cause());
            });
  }
}
