package io.portcullis.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.portcullis.config.ConfigWriter;
import io.portcullis.config.RegistryCodec;
import io.portcullis.control.ControlPlane;
import io.portcullis.control.UserSpec;
import io.portcullis.credential.Authenticator;
import io.portcullis.credential.PasswordHasher;
import io.portcullis.http.Problem;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.RegistryStore;
import io.portcullis.registry.SnapshotHolder;
import io.portcullis.store.Database;
import io.portcullis.store.JdbcRegistryStore;
import io.portcullis.store.StoreConflictException;
import io.portcullis.store.StoreJson;
import io.portcullis.store.TestDatabases;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A real admin server on 127.0.0.1 port 0 over a real H2 store, with an admin ({@code admin}), a
 * user without the role ({@code alice}) and the internal authorization server {@code local}, and a
 * JDK HTTP client to call it.
 */
final class AdminFixture implements AutoCloseable {
  static final String ADMIN = "admin";
  static final String ADMIN_PASSWORD = "admin-password-1";
  static final String ALICE = "alice";
  static final String ALICE_PASSWORD = "alice-password-1";

  final Database database;
  final SnapshotHolder snapshots = new SnapshotHolder();
  final ControlPlane control;
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final AdminMetrics metrics = new AdminMetrics(registry, List.of());
  final Vertx vertx = Vertx.vertx();
  final AdminServer server;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  AdminFixture() {
    this(store -> store, List.of());
  }

  /**
   * @param storeDecorator wraps the JDBC store, to make it fail in ways a test needs
   * @param extensions more routes for the server
   */
  AdminFixture(
      UnaryOperator<RegistryStore> storeDecorator, List<AdminServer.Extension> extensions) {
    this(storeDecorator, fixture -> extensions);
  }

  /**
   * @param extensions makes more routes for the server from the fixture (its Vert.x, snapshots and
   *     control plane are ready)
   */
  AdminFixture(Function<AdminFixture, List<AdminServer.Extension>> extensions) {
    this(store -> store, extensions);
  }

  private AdminFixture(
      UnaryOperator<RegistryStore> storeDecorator,
      Function<AdminFixture, List<AdminServer.Extension>> extensions) {
    database = Database.open(TestDatabases.h2());
    PasswordHasher hasher = new PasswordHasher(1_000, new SecureRandom());
    control =
        new ControlPlane(
            storeDecorator.apply(new JdbcRegistryStore(database.dataSource(), StoreJson.mapper())),
            snapshots,
            hasher,
            StoreJson.mapper());
    control.reload();
    control.saveUser(new UserSpec(ADMIN, ADMIN_PASSWORD, null, true, Set.of("admin")));
    control.saveUser(new UserSpec(ALICE, ALICE_PASSWORD, null, true, Set.of("user")));
    // As the configuration loader always provides it: applications trust it by default.
    control.saveAuthorizationServer(
        AuthorizationServer.builder()
            .alias(AuthorizationServer.LOCAL)
            .type(AuthorizationServer.Type.INTERNAL)
            .issuer("http://localhost:8080")
            .assertionAudience("http://localhost:8080/oauth2/token")
            .build());
    RegistryCodec codec = new RegistryCodec();
    server =
        new AdminServer(
            vertx,
            new AdminSettings("127.0.0.1", 0, 64 * 1024),
            control,
            new Authenticator(hasher, Duration.ofMinutes(5)),
            codec,
            new ConfigWriter(codec),
            metrics,
            Readiness.of(database.circuit()::isAvailable, snapshots),
            AdminFixture::storeConflicts,
            extensions.apply(this));
    await(server.start());
  }

  /** What the composition root answers for the store's unique-value conflicts. */
  static Optional<Problem> storeConflicts(Throwable failure) {
    if (failure instanceof StoreConflictException conflict) {
      return Optional.of(Problem.of(409, conflict.getMessage()));
    }
    return Optional.empty();
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("a future did not complete: " + e, e);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The response's body as JSON. */
  static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (Exception e) {
      throw new IllegalStateException(response.body(), e);
    }
  }

  /** Asserts a problem+json answer with this status, naming this field unless it is null. */
  static void assertProblem(HttpResponse<String> response, int status, String field) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
    if (field != null) assertThat(json(response).get("field").asText()).isEqualTo(field);
  }

  static String basic(String username, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** A call with the admin's credentials. */
  HttpResponse<String> admin(String method, String path, String json) {
    return call(method, path, json, basic(ADMIN, ADMIN_PASSWORD));
  }

  HttpResponse<String> admin(String method, String path) {
    return admin(method, path, null);
  }

  /**
   * A call with a JSON body (when not null) and these {@code Authorization} header values (none
   * when null).
   */
  HttpResponse<String> call(String method, String path, String json, String... authorization) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) request.header("Content-Type", "application/json");
    if (authorization != null) {
      for (String value : authorization) request.header("Authorization", value);
    }
    return send(request.build());
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  @Override
  public void close() {
    await(server.close());
    metrics.close();
    await(vertx.close());
    database.close();
  }
}
