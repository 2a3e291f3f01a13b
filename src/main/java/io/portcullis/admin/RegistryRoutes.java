package io.portcullis.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.config.ConfigWriter;
import io.portcullis.config.RegistryCodec;
import io.portcullis.control.ApplicationSpec;
import io.portcullis.control.ConflictException;
import io.portcullis.control.ControlPlane;
import io.portcullis.control.NotFoundException;
import io.portcullis.control.Precondition;
import io.portcullis.control.RegistryContent;
import io.portcullis.control.Saved;
import io.portcullis.control.UserSpec;
import io.portcullis.control.ValidationException;
import io.portcullis.control.Violation;
import io.portcullis.http.Problem;
import io.portcullis.registry.Api;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.Scope;
import io.portcullis.registry.Versioned;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The registry resources of the admin API: APIs, applications, users, scopes, authorization servers
 * and the export. Bodies are read and written by the {@link RegistryCodec}, in the shape of the
 * configuration file; every write goes through the {@link ControlPlane} on a worker thread, so that
 * it is validated, stored and live in the snapshot before the answer is sent. Reads come from the
 * store, so they show what is stored, secrets left out. Create/replace/delete semantics, the
 * uniqueness rules and "keep an enabled admin" are the control plane's; this class maps them to
 * HTTP: a single entity's version is its {@code ETag}, {@code If-Match} becomes the write's {@link
 * Precondition}.
 */
final class RegistryRoutes {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  static final String YAML = "text/yaml; charset=utf-8";

  private final ControlPlane control;
  private final RegistryCodec codec;
  private final ConfigWriter writer;
  private final JsonBodies bodies;
  private final Blocking blocking;

  RegistryRoutes(
      ControlPlane control,
      RegistryCodec codec,
      ConfigWriter writer,
      JsonBodies bodies,
      Blocking blocking) {
    this.control = control;
    this.codec = codec;
    this.writer = writer;
    this.bodies = bodies;
    this.blocking = blocking;
  }

  void mount(Router router) {
    router
        .route("/apis")
        .handler(
            new MethodDispatch()
                .on(HttpMethod.GET, this::listApis)
                .on(HttpMethod.POST, this::createApi));
    router
        .route("/apis/:name/:version")
        .handler(
            new MethodDispatch()
                .on(HttpMethod.GET, this::readApi)
                .on(HttpMethod.PUT, this::replaceApi)
                .on(HttpMethod.DELETE, this::deleteApi));
    router
        .route("/apis/:name/:version/activate")
        .handler(new MethodDispatch().on(HttpMethod.POST, ctx -> setActive(ctx, true)));
    router
        .route("/apis/:name/:version/deactivate")
        .handler(new MethodDispatch().on(HttpMethod.POST, ctx -> setActive(ctx, false)));
    router
        .route("/applications")
        .handler(
            new MethodDispatch()
                .on(HttpMethod.GET, this::listApplications)
                .on(HttpMethod.POST, this::createApplication));
    router
        .route("/applications/:name")
        .handler(
            new MethodDispatch()
                .on(HttpMethod.GET, this::readApplication)
                .on(HttpMethod.PUT, this::replaceApplication)
                .on(HttpMethod.DELETE, this::deleteApplication));
    router
        .route("/users")
        .handler(
            new MethodDispatch()
                .on(HttpMethod.GET, this::listUsers)
                .on(HttpMethod.POST, this::createUser));
    router
        .route("/users/:username")
        .handler(
            new MethodDispatch()
                .on(HttpMethod.GET, this::readUser)
                .on(HttpMethod.PUT, this::replaceUser)
                .on(HttpMethod.DELETE, this::deleteUser));
    router
        .route("/scopes")
        .handler(
            new MethodDispatch()
                .on(HttpMethod.GET, this::listScopes)
                .on(HttpMethod.POST, this::createScope));
    router
        .route("/scopes/:name")
        .handler(
            new MethodDispatch()
                .on(HttpMethod.GET, this::readScope)
                .on(HttpMethod.DELETE, this::deleteScope));
    router
        .route("/authorization-servers")
        .handler(
            new MethodDispatch()
                .on(HttpMethod.GET, this::listServers)
                .on(HttpMethod.POST, this::createServer));
    router
        .route("/authorization-servers/:alias")
        .handler(
            new MethodDispatch()
                .on(HttpMethod.GET, this::readServer)
                .on(HttpMethod.PUT, this::replaceServer)
                .on(HttpMethod.DELETE, this::deleteServer));
    router.route("/export").handler(new MethodDispatch().on(HttpMethod.GET, this::export));
  }

  // ---------------------------------------------------------------- APIs

  private void listApis(RoutingContext ctx) {
    blocking.reply(ctx, () -> list(control.export().apis(), codec::writeApi));
  }

  private void readApi(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    String version = ctx.pathParam("version");
    blocking.reply(ctx, () -> one(control.api(name, version), codec::writeApi));
  }

  private void createApi(RoutingContext ctx) {
    Api api = read(bodies.read(ctx), (node, out) -> codec.readApi(node, "", out));
    String location = "/apis/" + apiPath(api);
    blocking.reply(
        ctx,
        () ->
            saved(
                created(
                    () -> within(prefix(api), () -> control.createApi(api)),
                    "API",
                    api.key(),
                    location),
                codec::writeApi,
                location));
  }

  private void replaceApi(RoutingContext ctx) {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("name", ctx.pathParam("name"));
    keys.put("version", ctx.pathParam("version"));
    JsonNode body = withPathKeys(bodies.read(ctx), keys);
    Api api = read(body, (node, out) -> codec.readApi(node, "", out));
    Precondition expected = precondition(ctx);
    blocking.reply(
        ctx,
        () ->
            saved(
                within(prefix(api), () -> control.putApi(api, expected)),
                codec::writeApi,
                "/apis/" + apiPath(api)));
  }

  private void deleteApi(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    String version = ctx.pathParam("version");
    Precondition expected = precondition(ctx);
    blocking.reply(
        ctx,
        () ->
            deleted(
                () -> control.deleteApi(name, version, expected), "API", Api.key(name, version)));
  }

  private void setActive(RoutingContext ctx, boolean active) {
    String name = ctx.pathParam("name");
    String version = ctx.pathParam("version");
    Precondition expected = precondition(ctx);
    blocking.reply(
        ctx,
        () -> {
          Saved<Api> api =
              within(
                  "apis[" + Api.key(name, version) + "]",
                  () -> control.setApiActive(name, version, active, expected));
          return Reply.json(200, bodies.write(codec.writeApi(api.value())))
              .withVersion(api.version());
        });
  }

  private static String prefix(Api api) {
    return "apis[" + api.key() + "]";
  }

  private static String apiPath(Api api) {
    return segment(api.name()) + "/" + segment(api.version());
  }

  // ---------------------------------------------------------------- applications

  private void listApplications(RoutingContext ctx) {
    blocking.reply(ctx, () -> list(control.export().applications(), this::writeApplication));
  }

  private void readApplication(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    blocking.reply(ctx, () -> one(control.application(name), this::writeApplication));
  }

  private void createApplication(RoutingContext ctx) {
    ApplicationSpec spec =
        read(bodies.read(ctx), (node, out) -> codec.readApplication(node, "", out));
    String location = "/applications/" + segment(spec.name());
    blocking.reply(
        ctx,
        () ->
            saved(
                created(
                    () ->
                        within(
                            "applications[" + spec.name() + "]",
                            () -> control.createApplication(spec)),
                    "application",
                    spec.name(),
                    location),
                this::writeApplication,
                location));
  }

  private void replaceApplication(RoutingContext ctx) {
    JsonNode body = withPathKeys(bodies.read(ctx), Map.of("name", ctx.pathParam("name")));
    ApplicationSpec spec = read(body, (node, out) -> codec.readApplication(node, "", out));
    Precondition expected = precondition(ctx);
    blocking.reply(
        ctx,
        () ->
            saved(
                within(
                    "applications[" + spec.name() + "]",
                    () -> control.putApplication(spec, expected)),
                this::writeApplication,
                "/applications/" + segment(spec.name())));
  }

  private void deleteApplication(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    Precondition expected = precondition(ctx);
    blocking.reply(
        ctx, () -> deleted(() -> control.deleteApplication(name, expected), "application", name));
  }

  /** The application as stored (defaults applied), without its secret hash. */
  private JsonNode writeApplication(ApplicationSpec app) {
    return codec.writeApplication(app, false);
  }

  // ---------------------------------------------------------------- users

  private void listUsers(RoutingContext ctx) {
    blocking.reply(ctx, () -> list(control.export().users(), this::writeUser));
  }

  private void readUser(RoutingContext ctx) {
    String username = ctx.pathParam("username");
    blocking.reply(ctx, () -> one(control.user(username), this::writeUser));
  }

  private void createUser(RoutingContext ctx) {
    UserSpec spec = read(bodies.read(ctx), (node, out) -> codec.readUser(node, "", out));
    String location = "/users/" + segment(spec.username());
    blocking.reply(
        ctx,
        () ->
            saved(
                created(() -> control.createUser(spec), "user", spec.username(), location),
                this::writeUser,
                location));
  }

  /** Refused with 409 when it would leave no enabled admin (the control plane's rule). */
  private void replaceUser(RoutingContext ctx) {
    JsonNode body = withPathKeys(bodies.read(ctx), Map.of("username", ctx.pathParam("username")));
    UserSpec spec = read(body, (node, out) -> codec.readUser(node, "", out));
    Precondition expected = precondition(ctx);
    blocking.reply(
        ctx,
        () ->
            saved(
                control.putUser(spec, expected),
                this::writeUser,
                "/users/" + segment(spec.username())));
  }

  private void deleteUser(RoutingContext ctx) {
    String username = ctx.pathParam("username");
    Precondition expected = precondition(ctx);
    blocking.reply(
        ctx, () -> deleted(() -> control.deleteUser(username, expected), "user", username));
  }

  private JsonNode writeUser(UserSpec user) {
    return codec.writeUser(user, false);
  }

  // ---------------------------------------------------------------- scopes

  private void listScopes(RoutingContext ctx) {
    blocking.reply(ctx, () -> list(control.export().scopes(), codec::writeScope));
  }

  private void readScope(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    blocking.reply(ctx, () -> one(control.scope(name), codec::writeScope));
  }

  private void createScope(RoutingContext ctx) {
    Scope scope = read(bodies.read(ctx), (node, out) -> codec.readScope(node, "", out));
    String location = "/scopes/" + segment(scope.name());
    blocking.reply(
        ctx,
        () ->
            saved(
                created(() -> control.createScope(scope), "scope", scope.name(), location),
                codec::writeScope,
                location));
  }

  private void deleteScope(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    Precondition expected = precondition(ctx);
    blocking.reply(ctx, () -> deleted(() -> control.deleteScope(name, expected), "scope", name));
  }

  // ---------------------------------------------------------------- authorization servers

  private void listServers(RoutingContext ctx) {
    blocking.reply(ctx, () -> list(control.export().authorizationServers(), this::writeServer));
  }

  private void readServer(RoutingContext ctx) {
    String alias = ctx.pathParam("alias");
    blocking.reply(ctx, () -> one(control.authorizationServer(alias), this::writeServer));
  }

  private void createServer(RoutingContext ctx) {
    JsonNode body = bodies.read(ctx);
    JsonNode alias = body.isObject() ? body.get("alias") : null;
    if (alias == null || !alias.isTextual() || alias.textValue().isEmpty()) {
      throw new ValidationException(
          "alias",
          "is required: the name of the authorization server, such as corp-idp (local for the"
              + " internal one)");
    }
    AuthorizationServer server = readServer(alias.textValue(), body);
    String location = "/authorization-servers/" + segment(server.alias());
    blocking.reply(
        ctx,
        () ->
            saved(
                created(
                    () -> within(prefix(server), () -> control.createAuthorizationServer(server)),
                    "authorization server",
                    server.alias(),
                    location),
                this::writeServer,
                location));
  }

  private void replaceServer(RoutingContext ctx) {
    String alias = ctx.pathParam("alias");
    JsonNode body = withPathKeys(bodies.read(ctx), Map.of("alias", alias));
    AuthorizationServer server = readServer(alias, body);
    Precondition expected = precondition(ctx);
    blocking.reply(
        ctx,
        () ->
            saved(
                within(prefix(server), () -> control.putAuthorizationServer(server, expected)),
                this::writeServer,
                "/authorization-servers/" + segment(alias)));
  }

  private void deleteServer(RoutingContext ctx) {
    String alias = ctx.pathParam("alias");
    Precondition expected = precondition(ctx);
    blocking.reply(
        ctx,
        () ->
            deleted(
                () -> control.deleteAuthorizationServer(alias, expected),
                "authorization server",
                alias));
  }

  /** Reads a server from a body that may carry its alias (the YAML map key) as a field. */
  private AuthorizationServer readServer(String alias, JsonNode body) {
    JsonNode server = body;
    if (body.isObject()) {
      ObjectNode copy = body.deepCopy();
      copy.remove("alias");
      server = copy;
    }
    return read(server, (node, out) -> codec.readAuthorizationServer(alias, node, "", out));
  }

  /** The server as the YAML map value, with its alias (the map key) as the first field. */
  private JsonNode writeServer(AuthorizationServer server) {
    ObjectNode o = NODES.objectNode();
    o.put("alias", server.alias());
    o.setAll(codec.writeAuthorizationServer(server));
    return o;
  }

  private static String prefix(AuthorizationServer server) {
    return "authorizationServers." + server.alias();
  }

  // ---------------------------------------------------------------- export

  private void export(RoutingContext ctx) {
    blocking.reply(
        ctx,
        () -> {
          RegistryContent content = control.export();
          return Reply.text(YAML, writer.toYaml(content));
        });
  }

  // ---------------------------------------------------------------- shared

  private interface EntityReader<T> {
    T read(JsonNode node, List<Violation> out);
  }

  /**
   * The entity the codec reads from the body.
   *
   * @throws ValidationException naming every field that is unknown, missing or of the wrong type
   */
  private static <T> T read(JsonNode body, EntityReader<T> reader) {
    List<Violation> violations = new ArrayList<>();
    T value = reader.read(body, violations);
    if (!violations.isEmpty()) throw new ValidationException(violations);
    if (value == null) throw new ValidationException("", "the body does not describe one");
    return value;
  }

  /**
   * The body with the fields that the path names filled in: a field left out takes the path's
   * value; a field that differs is refused, since it would silently write another entity.
   */
  private static JsonNode withPathKeys(JsonNode body, Map<String, String> keys) {
    if (!body.isObject()) return body;
    ObjectNode copy = body.deepCopy();
    List<Violation> violations = new ArrayList<>();
    keys.forEach(
        (field, value) -> {
          JsonNode given = copy.get(field);
          if (given == null || given.isNull()) {
            copy.put(field, value);
          } else if (!given.isValueNode() || !given.asText().equals(value)) {
            violations.add(
                new Violation(
                    field, "must be '" + value + "' as in the path, or be left out; was " + given));
          }
        });
    if (!violations.isEmpty()) throw new ValidationException(violations);
    return copy;
  }

  /**
   * Runs a write of one entity; its violations are given relative to the body (the control plane
   * names them by the entity's place in the whole registry, e.g. {@code
   * apis[petstore/v1].basePath}).
   */
  private static <T> T within(String prefix, Supplier<T> write) {
    try {
      return write.get();
    } catch (ValidationException e) {
      List<Violation> relative = new ArrayList<>();
      for (Violation v : e.violations()) {
        if (v.path().equals(prefix)) relative.add(new Violation("", v.message()));
        else if (v.path().startsWith(prefix + "."))
          relative.add(new Violation(v.path().substring(prefix.length() + 1), v.message()));
        else relative.add(v);
      }
      throw new ValidationException(relative);
    }
  }

  /**
   * 204 after a delete; 404 when there was nothing to delete (the control plane's {@link
   * NotFoundException}); 409 when other entities still refer to it.
   */
  private static Reply deleted(Runnable delete, String kind, String key) {
    try {
      delete.run();
    } catch (ValidationException e) {
      Violation first = e.violations().get(0);
      throw new ProblemException(
          Problem.of(
                  409,
                  kind + " '" + key + "' is still in use: " + first.path() + ": " + first.message())
              .with("errors", AdminFailures.errors(e.violations())));
    }
    return Reply.noContent();
  }

  /** A create; its refusal of an existing key names the {@code PUT} that replaces it. */
  private static <T> Saved<T> created(
      Supplier<Saved<T>> create, String kind, String key, String location) {
    try {
      return create.get();
    } catch (ConflictException e) {
      if (e.reason() != ConflictException.Reason.EXISTS) throw e;
      throw new ProblemException(
          Problem.of(409, kind + " '" + key + "' already exists; replace it with PUT " + location));
    }
  }

  /** 201 with {@code Location} when created, else 200; with the new version as {@code ETag}. */
  private <T> Reply saved(Saved<T> saved, Function<T, JsonNode> write, String location) {
    return Reply.saved(saved.created(), bodies.write(write.apply(saved.value())), location)
        .withVersion(saved.version());
  }

  private <T> Reply one(Versioned<T> item, Function<T, JsonNode> write) {
    return Reply.json(200, bodies.write(write.apply(item.value()))).withVersion(item.version());
  }

  /** The request's {@code If-Match} as a precondition; 400 naming the header when malformed. */
  private static Precondition precondition(RoutingContext ctx) {
    return EntityTags.precondition(ctx.request().getHeader(EntityTags.IF_MATCH));
  }

  private <T> Reply list(List<T> items, Function<T, JsonNode> write) {
    ArrayNode array = NODES.arrayNode();
    items.forEach(item -> array.add(write.apply(item)));
    return Reply.json(200, bodies.write(array));
  }

  /** A path segment: percent-encoded, so that a scope such as a URL stays one segment. */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
