package io.portcullis.e2e;

import io.portcullis.app.NodeOptions;
import io.portcullis.app.PortcullisNode;
import io.portcullis.monitor.TransactionRecords;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * A whole Portcullis node, started the way {@code portcullis serve} starts it: from a configuration
 * file in a temporary directory (both listeners on 127.0.0.1 port 0), a data directory, an optional
 * JDBC URL and an explicit environment. Calls go over real HTTP to its two ports.
 */
final class RunningNode implements AutoCloseable {
  static final String ADMIN_PASSWORD = "e2e-admin-password";

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private final PortcullisNode node;
  private final Path config;

  private RunningNode(PortcullisNode node, Path config) {
    this.node = node;
    this.config = config;
  }

  /**
   * Copies the classpath resource {@code /e2e/<resource>} into {@code directory} under the same
   * name, so that the node reads a real file whose lines the test knows.
   */
  static Path configFile(String resource, Path directory) {
    Path file = directory.resolve(resource);
    try (InputStream in = RunningNode.class.getResourceAsStream("/e2e/" + resource)) {
      if (in == null) throw new IllegalArgumentException("no resource /e2e/" + resource);
      Files.write(file, in.readAllBytes());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The 1-based line of the first line of the file that contains {@code text}. */
  static int lineOf(Path file, String text) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).contains(text)) return i + 1;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalArgumentException(file + " has no line with " + text);
  }

  /** The environment every test node gets, plus {@code more}. */
  static Map<String, String> env(Map<String, String> more) {
    Map<String, String> env = new HashMap<>(more);
    env.put("PORTCULLIS_ADMIN_PASSWORD", ADMIN_PASSWORD);
    return env;
  }

  /**
   * A node on the embedded database in {@code directory/data}, from a configuration file {@code
   * directory/node.yaml} with this text.
   */
  static RunningNode startWithYaml(Path directory, String yaml) {
    try {
      Path config = Files.writeString(directory.resolve("node.yaml"), yaml);
      return start(config, directory.resolve("data"), null, Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RunningNode start(Path config, Path dataDir, String dbUrl, Map<String, String> env) {
    return start(config, dataDir, dbUrl, env, Clock.systemUTC());
  }

  /** A node whose tokens, keys and purges follow {@code clock}. */
  static RunningNode start(
      Path config, Path dataDir, String dbUrl, Map<String, String> env, Clock clock) {
    return start(config, dataDir, dbUrl, env, clock, false);
  }

  /** As above; {@code reapply} as {@code serve --reapply}. */
  static RunningNode start(
      Path config,
      Path dataDir,
      String dbUrl,
      Map<String, String> env,
      Clock clock,
      boolean reapply) {
    return new RunningNode(
        PortcullisNode.start(new NodeOptions(config, dataDir, dbUrl, env(env), reapply), clock),
        config);
  }

  PortcullisNode node() {
    return node;
  }

  /**
   * Waits until the node has taken at least {@code records} records into its queue (a call is
   * handed over as its response ends, possibly after the client has the answer), then writes every
   * queued record.
   */
  void flushRecords(long records) {
    TransactionRecords writer = node.transactionRecords();
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> writer.accepted() >= records);
    if (!writer.flush(Duration.ofSeconds(30))) {
      throw new AssertionError("records not written within 30 s: queued=" + writer.queued());
    }
  }

  Path config() {
    return config;
  }

  URI gatewayUri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + node.gatewayPort() + pathAndQuery);
  }

  URI adminUri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + node.adminPort() + pathAndQuery);
  }

  /** A request builder for the gateway port, with a timeout long enough for a loaded machine. */
  HttpRequest.Builder gateway(String pathAndQuery) {
    return HttpRequest.newBuilder(gatewayUri(pathAndQuery)).timeout(Duration.ofSeconds(30));
  }

  /** A GET on the gateway with these header name/value pairs. */
  HttpResponse<String> get(String pathAndQuery, String... headers) {
    HttpRequest.Builder request = gateway(pathAndQuery).GET();
    for (int i = 0; i < headers.length; i += 2) request.header(headers[i], headers[i + 1]);
    return send(request.build());
  }

  /** A GET on the gateway with this bearer token. */
  HttpResponse<String> getWithBearer(String pathAndQuery, String token, String... headers) {
    String[] all = new String[headers.length + 2];
    all[0] = "Authorization";
    all[1] = "Bearer " + token;
    System.arraycopy(headers, 0, all, 2, headers.length);
    return get(pathAndQuery, all);
  }

  /** A call on the admin port as the bootstrap admin; {@code json} may be null. */
  HttpResponse<String> admin(String method, String pathAndQuery, String json) {
    return adminAs("admin", ADMIN_PASSWORD, method, pathAndQuery, json);
  }

  /** A call on the admin port with these Basic credentials; {@code json} may be null. */
  HttpResponse<String> adminAs(
      String user, String password, String method, String pathAndQuery, String json) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(adminUri(pathAndQuery))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", basic(user, password))
            .method(method, json == null ? BodyPublishers.noBody() : BodyPublishers.ofString(json));
    if (json != null) request.header("Content-Type", "application/json");
    return send(request.build());
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpClient http() {
    return HTTP;
  }

  @Override
  public void close() {
    node.close();
  }
}
