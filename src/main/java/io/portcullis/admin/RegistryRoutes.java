package io.portcullis.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.config.ConfigWriter;
import io.portcullis.config.RegistryCodec;
import io.portcullis.control.ApplicationSpec;
import io.portcullis.control.ControlPlane;
import io.portcullis.control.NotFoundException;
import io.portcullis.control.RegistryContent;
import io.portcullis.control.UserSpec;
import io.portcullis.control.ValidationException;
import io.portcullis.control.Violation;
import io.portcullis.http.Problem;
import io.portcullis.registry.Api;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.Scope;
import io.portcullis.registry.User;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The registry resources of the admin API: APIs, applications, users, scopes, authorization servers
 * and the export. Bodies are read and written by the {@link RegistryCodec}, in the shape of the
 * configuration file; every write goes through the {@link ControlPlane} on a worker thread, so that
 * it is validated, stored and live in the snapshot before the answer is sent. Reads come from the
 * store (the control plane's export), so they show what is stored, secrets left out.
 */
final class RegistryRoutes {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  static final String YAML = "text/yaml; charset=utf-8";

  private final ControlPlane control;
  private final RegistryCodec codec;
  private final ConfigWriter writer;
  private final JsonBodies bodies;
  private final Blocking blocking;
  // Makes "create unless it exists" and "keep an enabled admin" atomic on this node: the control
  // plane upserts, and knows nothing of who may still log in.
  private final Object checkThenWrite = new Object();

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
    blocking.reply(
        ctx,
        () ->
            one(
                control.export().apis(),
                a -> a.key().equals(Api.key(name, version)),
                codec::writeApi,
                "API",
                Api.key(name, version)));
  }

  private void createApi(RoutingContext ctx) {
    Api api = read(bodies.read(ctx), (node, out) -> codec.readApi(node, "", out));
    blocking.reply(
        ctx,
        () -> {
          synchronized (checkThenWrite) {
            if (control.snapshot().api(api.name(), api.version()).isPresent()) {
              throw exists("API", api.key(), "/apis/" + apiPath(api));
            }
            within(prefix(api), () -> control.saveApi(api));
          }
          return Reply.saved(true, bodies.write(codec.writeApi(api)), "/apis/" + apiPath(api));
        });
  }

  private void replaceApi(RoutingContext ctx) {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("name", ctx.pathParam("name"));
    keys.put("version", ctx.pathParam("version"));
    JsonNode body = withPathKeys(bodies.read(ctx), keys);
    Api api = read(body, (node, out) -> codec.readApi(node, "", out));
    blocking.reply(
        ctx,
        () -> {
          boolean created = within(prefix(api), () -> control.saveApi(api));
          return Reply.saved(created, bodies.write(codec.writeApi(api)), "/apis/" + apiPath(api));
        });
  }

  private void deleteApi(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    String version = ctx.pathParam("version");
    blocking.reply(
        ctx, () -> deleted(() -> control.deleteApi(name, version), "API", Api.key(name, version)));
  }

  private void setActive(RoutingContext ctx, boolean active) {
    String name = ctx.pathParam("name");
    String version = ctx.pathParam("version");
    blocking.reply(
        ctx,
        () -> {
          Api api =
              within(
                  "apis[" + Api.key(name, version) + "]",
                  () -> control.setApiActive(name, version, active));
          return Reply.json(200, bodies.write(codec.writeApi(api)));
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
    blocking.reply(ctx, () -> application(name, 200));
  }

  private void createApplication(RoutingContext ctx) {
    ApplicationSpec spec =
        read(bodies.read(ctx), (node, out) -> codec.readApplication(node, "", out));
    blocking.reply(
        ctx,
        () -> {
          synchronized (checkThenWrite) {
            if (control.snapshot().application(spec.name()).isPresent()) {
              throw exists("application", spec.name(), "/applications/" + segment(spec.name()));
            }
            within("applications[" + spec.name() + "]", () -> control.saveApplication(spec));
          }
          return application(spec.name(), 201);
        });
  }

  private void replaceApplication(RoutingContext ctx) {
    JsonNode body = withPathKeys(bodies.read(ctx), Map.of("name", ctx.pathParam("name")));
    ApplicationSpec spec = read(body, (node, out) -> codec.readApplication(node, "", out));
    blocking.reply(
        ctx,
        () -> {
          boolean created =
              within("applications[" + spec.name() + "]", () -> control.saveApplication(spec));
          return application(spec.name(), created ? 201 : 200);
        });
  }

  private void deleteApplication(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    blocking.reply(ctx, () -> deleted(() -> control.deleteApplication(name), "application", name));
  }

  /** The application as stored (defaults applied), without its secret hash. */
  private Reply application(String name, int status) {
    ApplicationSpec stored =
        control.export().applications().stream()
            .filter(a -> a.name().equals(name))
            .findFirst()
            .orElseThrow(() -> new NotFoundException("application", name));
    Buffer body = bodies.write(writeApplication(stored));
    return status == 201
        ? Reply.saved(true, body, "/applications/" + segment(name))
        : Reply.json(status, body);
  }

  private JsonNode writeApplication(ApplicationSpec app) {
    return codec.writeApplication(app, false);
  }

  // ---------------------------------------------------------------- users

  private void listUsers(RoutingContext ctx) {
    blocking.reply(ctx, () -> list(control.export().users(), this::writeUser));
  }

  private void readUser(RoutingContext ctx) {
    String username = ctx.pathParam("username");
    blocking.reply(ctx, () -> user(username, 200));
  }

  private void createUser(RoutingContext ctx) {
    UserSpec spec = read(bodies.read(ctx), (node, out) -> codec.readUser(node, "", out));
    blocking.reply(
        ctx,
        () -> {
          synchronized (checkThenWrite) {
            if (control.snapshot().user(spec.username()).isPresent()) {
              throw exists("user", spec.username(), "/users/" + segment(spec.username()));
            }
            control.saveUser(spec);
          }
          return user(spec.username(), 201);
        });
  }

  private void replaceUser(RoutingContext ctx) {
    JsonNode body = withPathKeys(bodies.read(ctx), Map.of("username", ctx.pathParam("username")));
    UserSpec spec = read(body, (node, out) -> codec.readUser(node, "", out));
    blocking.reply(
        ctx,
        () -> {
          boolean created;
          synchronized (checkThenWrite) {
            keepAnAdmin(spec.username(), spec);
            created = control.saveUser(spec);
          }
          return user(spec.username(), created ? 201 : 200);
        });
  }

  private void deleteUser(RoutingContext ctx) {
    String username = ctx.pathParam("username");
    blocking.reply(
        ctx,
        () -> {
          synchronized (checkThenWrite) {
            keepAnAdmin(username, null);
            return deleted(() -> control.deleteUser(username), "user", username);
          }
        });
  }

  /**
   * Refuses a change that would leave no enabled admin: nobody could use the admin API any more
   * until a restart recreated one.
   *
   * @param replacement the user's new state, or null when it is deleted
   */
  private void keepAnAdmin(String username, UserSpec replacement) {
    Collection<User> users = control.snapshot().users();
    boolean isLastAdmin =
        users.stream().anyMatch(u -> u.username().equals(username) && u.enabled() && u.isAdmin())
            && users.stream()
                .noneMatch(u -> !u.username().equals(username) && u.enabled() && u.isAdmin());
    boolean staysAdmin =
        replacement != null
            && (replacement.enabled() == null || replacement.enabled())
            && replacement.roles().contains(User.ADMIN_ROLE);
    if (isLastAdmin && !staysAdmin) {
      throw new ProblemException(
          Problem.of(
                  409,
                  "user '"
                      + username
                      + "' is the last enabled user with role admin; without one nobody could use"
                      + " the admin API. Give another user the role admin first.")
              .with("field", replacement == null ? "username" : "roles"));
    }
  }

  private Reply user(String username, int status) {
    UserSpec stored =
        control.export().users().stream()
            .filter(u -> u.username().equals(username))
            .findFirst()
            .orElseThrow(() -> new NotFoundException("user", username));
    Buffer body = bodies.write(writeUser(stored));
    return status == 201
        ? Reply.saved(true, body, "/users/" + segment(username))
        : Reply.json(status, body);
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
    blocking.reply(
        ctx,
        () ->
            one(
                control.export().scopes(),
                s -> s.name().equals(name),
                codec::writeScope,
                "scope",
                name));
  }

  private void createScope(RoutingContext ctx) {
    Scope scope = read(bodies.read(ctx), (node, out) -> codec.readScope(node, "", out));
    blocking.reply(
        ctx,
        () -> {
          String location = "/scopes/" + segment(scope.name());
          synchronized (checkThenWrite) {
            if (control.snapshot().hasScope(scope.name())) {
              throw exists("scope", scope.name(), location);
            }
            control.saveScope(scope);
          }
          return Reply.saved(true, bodies.write(codec.writeScope(scope)), location);
        });
  }

  private void deleteScope(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    blocking.reply(ctx, () -> deleted(() -> control.deleteScope(name), "scope", name));
  }

  // ---------------------------------------------------------------- authorization servers

  private void listServers(RoutingContext ctx) {
    blocking.reply(ctx, () -> list(control.export().authorizationServers(), this::writeServer));
  }

  private void readServer(RoutingContext ctx) {
    String alias = ctx.pathParam("alias");
    blocking.reply(
        ctx,
        () ->
            one(
                control.export().authorizationServers(),
                s -> s.alias().equals(alias),
                this::writeServer,
                "authorization server",
                alias));
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
    blocking.reply(
        ctx,
        () -> {
          String location = "/authorization-servers/" + segment(server.alias());
          synchronized (checkThenWrite) {
            if (control.snapshot().authorizationServer(server.alias()).isPresent()) {
              throw exists("authorization server", server.alias(), location);
            }
            within(prefix(server), () -> control.saveAuthorizationServer(server));
          }
          return Reply.saved(true, bodies.write(writeServer(server)), location);
        });
  }

  private void replaceServer(RoutingContext ctx) {
    String alias = ctx.pathParam("alias");
    JsonNode body = withPathKeys(bodies.read(ctx), Map.of("alias", alias));
    AuthorizationServer server = readServer(alias, body);
    blocking.reply(
        ctx,
        () -> {
          boolean created = within(prefix(server), () -> control.saveAuthorizationServer(server));
          return Reply.saved(
              created,
              bodies.write(writeServer(server)),
              "/authorization-servers/" + segment(alias));
        });
  }

  private void deleteServer(RoutingContext ctx) {
    String alias = ctx.pathParam("alias");
    blocking.reply(
        ctx,
        () ->
            deleted(() -> control.deleteAuthorizationServer(alias), "authorization server", alias));
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
   * 204 after a delete, 404 when there was nothing to delete, 409 when other entities still refer
   * to it.
   */
  private static Reply deleted(Supplier<Boolean> delete, String kind, String key) {
    boolean deleted;
    try {
      deleted = delete.get();
    } catch (ValidationException e) {
      Violation first = e.violations().get(0);
      throw new ProblemException(
          Problem.of(
                  409,
                  kind + " '" + key + "' is still in use: " + first.path() + ": " + first.message())
              .with("errors", AdminFailures.errors(e.violations())));
    }
    if (!deleted) throw new NotFoundException(kind, key);
    return Reply.noContent();
  }

  private static ProblemException exists(String kind, String key, String location) {
    return new ProblemException(
        Problem.of(409, kind + " '" + key + "' already exists; replace it with PUT " + location));
  }

  private <T> Reply list(List<T> items, Function<T, JsonNode> write) {
    ArrayNode array = NODES.arrayNode();
    items.forEach(item -> array.add(write.apply(item)));
    return Reply.json(200, bodies.write(array));
  }

  private <T> Reply one(
      List<T> items, Predicate<T> match, Function<T, JsonNode> write, String kind, String key) {
    T item =
        items.stream()
            .filter(match)
            .findFirst()
            .orElseThrow(() -> new NotFoundException(kind, key));
    return Reply.json(200, bodies.write(write.apply(item)));
  }

  /** A path segment: percent-encoded, so that a scope such as a URL stays one segment. */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
