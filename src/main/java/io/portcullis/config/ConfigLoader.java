package io.portcullis.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.config.RegistryCodec.Entries;
import io.portcullis.config.RegistryCodec.Entry;
import io.portcullis.control.ApplicationSpec;
import io.portcullis.control.RegistryContent;
import io.portcullis.control.RegistryValidator;
import io.portcullis.control.UserSpec;
import io.portcullis.control.Violation;
import io.portcullis.credential.FailureThrottle;
import io.portcullis.registry.Api;
import io.portcullis.registry.Application;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.OutboundPolicy;
import io.portcullis.registry.Scope;
import io.portcullis.registry.ServerTls;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Reads a configuration file into a {@link PortcullisConfig}, or refuses it with a {@link
 * ConfigException} that lists every problem as {@code FILE:LINE: PATH: message}.
 *
 * <p>Steps: resolve {@code ${NAME}} and {@code ${NAME:-default}} from the given environment inside
 * scalar values ({@code $${…}} is a literal {@code ${…}}); parse the YAML, refusing duplicate keys;
 * read the server sections and the registry content ({@link RegistryCodec}); fill the defaults that
 * depend on the gateway (an internal authorization server's {@code issuer} and {@code
 * assertionAudience}, the {@code local} server itself when absent); check every entity with {@link
 * RegistryValidator} and their references within the file. The file must be self-contained: what it
 * refers to (scopes, APIs, authorization servers) must be declared in it. The store is not
 * consulted; {@code ControlPlane.apply} checks the content again against it, and {@link
 * LoadedConfig#describe} locates what that finds.
 *
 * <p>Blocking (file I/O): call it off the event loop.
 */
public final class ConfigLoader {
  /** The top-level sections that configure this process rather than the registry. */
  public static final List<String> SERVER_SECTIONS =
      List.of("gateway", "admin", "store", "demo", "files", "monitoring", "portal");

  static final List<String> GATEWAY_FIELDS =
      List.of(
          "listen",
          "publicUrl",
          "maxHeaderSize",
          "maxUriLength",
          "maxBodySize",
          "drainTimeout",
          "verifiedTokenCache",
          "timeouts",
          "bodyBuffer",
          "authThrottle",
          "healthPath",
          "outbound",
          "tls");
  static final List<String> GATEWAY_TIMEOUT_FIELDS =
      List.of("requestHead", "idle", "body", "minBodyRate");
  static final List<String> AUTH_THROTTLE_FIELDS =
      List.of("failuresPerName", "failuresPerAddress", "window", "maxTracked");
  static final List<String> ADMIN_FIELDS = List.of("listen", "tls");
  static final List<String> STORE_FIELDS = List.of("url", "username", "password");
  static final List<String> DEMO_FIELDS = List.of("echoUpstream");

  private static final List<String> ROOT_FIELDS =
      Stream.concat(SERVER_SECTIONS.stream(), RegistryCodec.CONTENT_FIELDS.stream()).toList();

  private final RegistryCodec codec;

  public ConfigLoader() {
    this(new RegistryCodec());
  }

  public ConfigLoader(RegistryCodec codec) {
    this.codec = codec;
  }

  /**
   * Reads and checks the file (UTF-8).
   *
   * @param env the environment variables for {@code ${NAME}}, usually {@code System.getenv()}
   * @throws ConfigException naming the file when it cannot be read, or listing every problem in it
   */
  public LoadedConfig load(Path file, Map<String, String> env) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
              .toString();
    } catch (NoSuchFileException e) {
      throw unreadable(file, "no such file");
    } catch (CharacterCodingException e) {
      throw unreadable(file, "not UTF-8 text");
    } catch (IOException e) {
      throw unreadable(file, "cannot read: " + e);
    }
    return load(text, file.toString(), env);
  }

  private static ConfigException unreadable(Path file, String message) {
    return new ConfigException(List.of(new ConfigProblem(file.toString(), 0, "", message)));
  }

  /**
   * Reads and checks a configuration text.
   *
   * @param sourceName the name problems are reported under, such as the file name
   * @param env the environment variables for {@code ${NAME}}
   * @throws ConfigException listing every problem
   */
  public LoadedConfig load(String text, String sourceName, Map<String, String> env) {
    YamlDocument doc = YamlDocument.read(text, env);
    SourceLines lines = doc.lines();
    List<ConfigProblem> problems = new ArrayList<>();
    doc.problems()
        .forEach(p -> problems.add(new ConfigProblem(sourceName, p.line(), p.path(), p.message())));
    if (!doc.readable()) throw new ConfigException(problems);

    List<Violation> violations = new ArrayList<>();
    JsonNode root = doc.root();
    FieldReader r = FieldReader.open(root, "", violations, ROOT_FIELDS, "the configuration");
    GatewayConfig gateway = readGateway(r.get("gateway"), violations);
    AdminConfig admin = readAdmin(r.get("admin"), violations);
    StoreConfig store = readStore(r.get("store"), violations);
    DemoConfig demo = readDemo(r.get("demo"), violations);
    MonitoringConfig monitoring = MonitoringConfig.read(r.get("monitoring"), violations);
    PortalConfig portal = PortalConfig.read(r.get("portal"), violations);
    checkPorts(gateway, admin, demo, violations);
    OutboundConfig outbound = readOutbound(r.get("gateway"), r.get("files"), violations);

    ObjectNode registry = ((ObjectNode) root).deepCopy().retain(RegistryCodec.CONTENT_FIELDS);
    Entries entries = codec.readEntries(registry, violations);
    List<Entry<AuthorizationServer>> servers = withLocalDefaults(entries.servers(), gateway);
    check(entries, servers, lines, violations, outboundPolicy(outbound));
    RegistryContent content =
        new RegistryContent(
            values(entries.users()),
            values(servers),
            values(entries.scopes()),
            values(entries.apis()),
            values(entries.applications()));
    // References are checked last, as the control plane does: with an entity missing or wrong,
    // every reference to it would be reported as a second, misleading problem.
    if (violations.isEmpty() && entries.complete()) {
      violations.addAll(
          RegistryValidator.checkReferences(
              content.apis(),
              content.applications().stream().map(ConfigLoader::forReferences).toList(),
              content.scopes(),
              content.authorizationServers(),
              content.users().stream().map(UserSpec::username).toList()));
      boolean portalServerExists =
          content.authorizationServers().stream()
              .anyMatch(a -> a.alias().equals(portal.authorizationServer()));
      if (!portalServerExists) {
        violations.add(
            new Violation(
                "portal.authorizationServer",
                "names no authorization server; was '" + portal.authorizationServer() + "'"));
      }
    }

    for (Violation v : violations) {
      String path = lines.translate(v.path());
      if (isUnder(path, doc.unresolved())) continue;
      problems.add(new ConfigProblem(sourceName, lines.lineOf(path), path, v.message()));
    }
    if (!problems.isEmpty()) throw new ConfigException(problems);
    boolean declaresLocal =
        entries.servers().stream()
            .anyMatch(e -> AuthorizationServer.LOCAL.equals(e.value().alias()));
    return new LoadedConfig(
        PortcullisConfig.builder()
            .gateway(gateway)
            .admin(admin)
            .store(store)
            .demo(demo)
            .content(content)
            .outbound(outbound)
            .monitoring(monitoring)
            .portal(portal)
            .build(),
        sourceName,
        lines,
        declaresLocal);
  }

  // ---------------------------------------------------------------- checks

  private static void check(
      Entries entries,
      List<Entry<AuthorizationServer>> servers,
      SourceLines lines,
      List<Violation> out,
      OutboundPolicy outbound) {
    for (Entry<UserSpec> e : entries.users()) {
      // Whether a user without password exists is the store's to know: the control plane checks.
      RegistryValidator.checkUser(e.value(), true).forEach(v -> out.add(v.under(e.path())));
    }
    for (Entry<AuthorizationServer> e : servers) {
      RegistryValidator.checkAuthorizationServer(e.value(), outbound)
          .forEach(v -> out.add(v.under(e.path())));
    }
    for (Entry<Scope> e : entries.scopes()) {
      RegistryValidator.checkScope(e.value())
          .forEach(v -> out.add(new Violation(e.path(), v.message())));
    }
    for (Entry<Api> e : entries.apis()) {
      RegistryValidator.checkApi(e.value(), outbound).forEach(v -> out.add(v.under(e.path())));
      lines.alias("apis[" + e.value().key() + "]", e.path());
    }
    for (Entry<ApplicationSpec> e : entries.applications()) {
      RegistryValidator.checkApplication(e.value(), true, outbound)
          .forEach(v -> out.add(v.under(e.path())));
      lines.alias("applications[" + e.value().name() + "]", e.path());
    }
    unique(entries.users(), UserSpec::username, "user", lines, out);
    unique(entries.scopes(), Scope::name, "scope", lines, out);
    unique(entries.apis(), Api::key, "API", lines, out);
    unique(entries.applications(), ApplicationSpec::name, "application", lines, out);
  }

  /** Two entities with one key would silently become one when applied. */
  private static <T> void unique(
      List<Entry<T>> entries,
      Function<T, String> key,
      String kind,
      SourceLines lines,
      List<Violation> out) {
    Map<String, String> first = new HashMap<>();
    for (Entry<T> e : entries) {
      String k = key.apply(e.value());
      String other = first.putIfAbsent(k, e.path());
      if (other != null) {
        out.add(
            new Violation(
                e.path(),
                kind
                    + " "
                    + k
                    + " is declared twice; first at line "
                    + lines.lineOf(other)
                    + " ("
                    + other
                    + ")"));
      }
    }
  }

  /** The application as the control plane would store it, as far as references are concerned. */
  private static Application forReferences(ApplicationSpec s) {
    return Application.builder()
        .name(s.name())
        .description(s.description())
        .clientId(s.clientId() == null ? s.name() : s.clientId())
        .authorizationServer(
            s.authorizationServer() == null ? AuthorizationServer.LOCAL : s.authorizationServer())
        .identifiers(s.identifiers())
        .jwksUri(s.jwksUri())
        .certificates(s.certificates())
        .scopes(s.scopes())
        .apis(s.apis())
        .claims(s.claims())
        .tokenParameters(s.tokenParameters())
        .users(s.users())
        .enabled(s.enabled() == null || s.enabled())
        .tlsClientAuth(s.tlsClientAuth())
        .build();
  }

  private static boolean isUnder(String path, Set<String> prefixes) {
    for (String p : prefixes) {
      if (path.equals(p) || path.startsWith(p + ".") || path.startsWith(p + "[")) return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- defaults from the gateway

  /**
   * Internal servers without {@code issuer} get the public URL, without {@code assertionAudience}
   * the token endpoint; a missing {@code local} server is added first.
   */
  private static List<Entry<AuthorizationServer>> withLocalDefaults(
      List<Entry<AuthorizationServer>> servers, GatewayConfig gateway) {
    List<Entry<AuthorizationServer>> result = new ArrayList<>();
    boolean hasLocal =
        servers.stream().anyMatch(e -> AuthorizationServer.LOCAL.equals(e.value().alias()));
    if (!hasLocal) {
      result.add(
          new Entry<>(
              PortcullisConfig.defaultLocalServer(gateway),
              "authorizationServers." + AuthorizationServer.LOCAL));
    }
    for (Entry<AuthorizationServer> e : servers) {
      AuthorizationServer s = e.value();
      if (s.type() == AuthorizationServer.Type.INTERNAL
          && (s.issuer() == null || s.assertionAudience() == null)) {
        s =
            s.toBuilder()
                .issuer(s.issuer() == null ? gateway.publicUrl().toString() : s.issuer())
                .assertionAudience(
                    s.assertionAudience() == null
                        ? gateway.tokenEndpoint().toString()
                        : s.assertionAudience())
                .build();
      }
      result.add(new Entry<>(s, e.path()));
    }
    return result;
  }

  private static <T> List<T> values(List<Entry<T>> entries) {
    return entries.stream().map(Entry::value).toList();
  }

  // ---------------------------------------------------------------- server sections

  private static GatewayConfig readGateway(JsonNode node, List<Violation> out) {
    if (node == null) return GatewayConfig.DEFAULT;
    FieldReader r = FieldReader.open(node, "gateway", out, GATEWAY_FIELDS, "the gateway section");
    if (r == null) return GatewayConfig.DEFAULT;
    HostPort listen = listen(r, "listen", GatewayConfig.DEFAULT_LISTEN);
    URI publicUrl = publicUrl(r);
    ServerTls tls = ServerTlsReader.read(r.get("tls"), r.at("tls"), out);
    if (publicUrl == null && tls != null) {
      publicUrl =
          URI.create("https" + GatewayConfig.defaultPublicUrl(listen).toString().substring(4));
    }
    return GatewayConfig.builder()
        .listen(listen)
        .publicUrl(publicUrl == null ? GatewayConfig.defaultPublicUrl(listen) : publicUrl)
        .maxHeaderSize(
            (int)
                bounded(
                    r,
                    "maxHeaderSize",
                    1024,
                    1 << 20,
                    GatewayConfig.DEFAULT_MAX_HEADER_SIZE,
                    "bytes"))
        .maxUriLength(
            (int)
                bounded(
                    r,
                    "maxUriLength",
                    256,
                    1 << 20,
                    GatewayConfig.DEFAULT_MAX_URI_LENGTH,
                    "characters"))
        .maxBodySize(
            bounded(
                r,
                "maxBodySize",
                0,
                Long.MAX_VALUE,
                GatewayConfig.DEFAULT_MAX_BODY_SIZE,
                "bytes (0: no limit)"))
        .drainTimeout(
            Duration.ofSeconds(
                bounded(
                    r,
                    "drainTimeout",
                    0,
                    3600,
                    GatewayConfig.DEFAULT_DRAIN_TIMEOUT.toSeconds(),
                    "seconds")))
        .verifiedTokenCache(
            bounded(
                r,
                "verifiedTokenCache",
                0,
                100_000_000,
                GatewayConfig.DEFAULT_VERIFIED_TOKEN_CACHE,
                "entries (0: verify every request)"))
        .timeouts(readGatewayTimeouts(r.get("timeouts"), r.at("timeouts"), out))
        .bodyBuffer(
            (int)
                bounded(
                    r,
                    "bodyBuffer",
                    0,
                    16 << 20,
                    GatewayConfig.DEFAULT_BODY_BUFFER,
                    "bytes (0: take the upstream connection at once)"))
        .authThrottle(readAuthThrottle(r.get("authThrottle"), out))
        .healthPath(healthPath(r))
        .tls(tls)
        .build();
  }

  private static FailureThrottle.Settings readAuthThrottle(JsonNode node, List<Violation> out) {
    FailureThrottle.Settings d = FailureThrottle.Settings.DEFAULTS;
    if (node == null) return d;
    FieldReader r =
        FieldReader.open(
            node,
            "gateway.authThrottle",
            out,
            AUTH_THROTTLE_FIELDS,
            "the failed-authentication limits");
    if (r == null) return d;
    return new FailureThrottle.Settings(
        (int)
            bounded(
                r,
                "failuresPerName",
                0,
                1_000_000,
                d.failuresPerName(),
                "failures (0: no limit per name)"),
        (int)
            bounded(
                r,
                "failuresPerAddress",
                0,
                1_000_000,
                d.failuresPerAddress(),
                "failures (0: no limit per address)"),
        Duration.ofSeconds(bounded(r, "window", 1, 86_400, d.window().toSeconds(), "seconds")),
        bounded(r, "maxTracked", 1, 10_000_000, d.maxTracked(), "entries"));
  }

  /** A path of segments such as {@code /.well-known/portcullis/health}; not {@code /}. */
  private static String healthPath(FieldReader r) {
    String text = r.text("healthPath");
    if (text == null) return null;
    if (!text.matches("(/[A-Za-z0-9._~-]+)+")) {
      r.wrong(
          "healthPath",
          "expected a path such as /.well-known/portcullis/health: segments of A-Z a-z 0-9 . _ ~ -"
              + " each after a /, no trailing /; was \""
              + text
              + "\"");
      return null;
    }
    return text;
  }

  private static GatewayTimeouts readGatewayTimeouts(
      JsonNode node, String path, List<Violation> out) {
    if (node == null) return GatewayTimeouts.DEFAULT;
    FieldReader r =
        FieldReader.open(node, path, out, GATEWAY_TIMEOUT_FIELDS, "the gateway timeouts");
    if (r == null) return GatewayTimeouts.DEFAULT;
    GatewayTimeouts d = GatewayTimeouts.DEFAULT;
    return new GatewayTimeouts(
        millis(r, "requestHead", d.requestHead()),
        millis(r, "idle", d.idle()),
        millis(r, "body", d.body()),
        bounded(r, "minBodyRate", 0, 1L << 30, d.minBodyRate(), "bytes per second"));
  }

  private static Duration millis(FieldReader r, String field, Duration fallback) {
    return Duration.ofMillis(bounded(r, field, 1, 86_400_000, fallback.toMillis(), "milliseconds"));
  }

  /**
   * {@code gateway.outbound.allow} (CIDR blocks, {@code host:port}) and {@code files.allow}
   * (directories).
   */
  private static OutboundConfig readOutbound(
      JsonNode gateway, JsonNode files, List<Violation> out) {
    List<String> allow = List.of();
    JsonNode outbound = gateway != null && gateway.isObject() ? gateway.get("outbound") : null;
    if (outbound != null) {
      FieldReader r =
          FieldReader.open(
              outbound, "gateway.outbound", out, List.of("allow"), "the gateway.outbound section");
      List<String> entries = r == null ? null : r.texts("allow");
      if (entries != null) {
        List<String> good = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
          Optional<String> wrong = OutboundPolicy.checkAllowEntry(entries.get(i));
          if (wrong.isPresent()) {
            out.add(new Violation("gateway.outbound.allow[" + i + "]", wrong.get()));
          } else {
            good.add(entries.get(i));
          }
        }
        allow = good;
      }
    }
    List<Path> directories = List.of();
    if (files != null) {
      FieldReader r = FieldReader.open(files, "files", out, List.of("allow"), "the files section");
      List<String> entries = r == null ? null : r.texts("allow");
      if (entries != null) {
        List<Path> good = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
          try {
            good.add(Path.of(entries.get(i)));
          } catch (java.nio.file.InvalidPathException e) {
            out.add(
                new Violation(
                    "files.allow[" + i + "]",
                    "expected a directory path; was '" + entries.get(i) + "'"));
          }
        }
        directories = good;
      }
    }
    return new OutboundConfig(allow, directories);
  }

  /**
   * The network half of the policy, as the file states it; the node adds its listeners and file
   * roots when it applies the content.
   */
  private static OutboundPolicy outboundPolicy(OutboundConfig outbound) {
    return new OutboundPolicy(outbound.allow(), List.of(), null);
  }

  private static AdminConfig readAdmin(JsonNode node, List<Violation> out) {
    if (node == null) return AdminConfig.DEFAULT;
    FieldReader r = FieldReader.open(node, "admin", out, ADMIN_FIELDS, "the admin section");
    if (r == null) return AdminConfig.DEFAULT;
    return new AdminConfig(
        listen(r, "listen", AdminConfig.DEFAULT_LISTEN),
        ServerTlsReader.read(r.get("tls"), r.at("tls"), out));
  }

  private static StoreConfig readStore(JsonNode node, List<Violation> out) {
    if (node == null) return StoreConfig.DEFAULT;
    FieldReader r = FieldReader.open(node, "store", out, STORE_FIELDS, "the store section");
    if (r == null) return StoreConfig.DEFAULT;
    String url = r.text("url");
    if (url != null && !url.startsWith("jdbc:")) {
      r.wrong(
          "url",
          "expected a JDBC URL such as jdbc:h2:file:./data/portcullis or"
              + " jdbc:postgresql://db.example.com/portcullis; was \""
              + url
              + "\"");
      url = null;
    }
    return new StoreConfig(url, r.text("username"), r.secret("password"));
  }

  private static DemoConfig readDemo(JsonNode node, List<Violation> out) {
    if (node == null) return null;
    FieldReader r = FieldReader.open(node, "demo", out, DEMO_FIELDS, "the demo section");
    if (r == null) return null;
    if (!r.has("echoUpstream")) {
      r.missing("echoUpstream", "where the echo upstream listens, such as 127.0.0.1:9000");
      return null;
    }
    HostPort echo = listen(r, "echoUpstream", null);
    return echo == null ? null : new DemoConfig(echo);
  }

  private static HostPort listen(FieldReader r, String field, HostPort fallback) {
    JsonNode v = r.get(field);
    if (v == null) return fallback;
    String text = FieldReader.text(v);
    if (text == null) {
      r.wrong(field, "expected host:port such as 127.0.0.1:8080; was " + FieldReader.describe(v));
      return fallback;
    }
    try {
      return HostPort.parse(text);
    } catch (IllegalArgumentException e) {
      r.wrong(field, e.getMessage());
      return fallback;
    }
  }

  private static URI publicUrl(FieldReader r) {
    String text = r.text("publicUrl");
    if (text == null) return null;
    String expected = "expected an absolute http or https URL such as https://gateway.example.com";
    try {
      URI u = new URI(text);
      if (u.getScheme() == null
          || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
          || u.getHost() == null
          || u.getRawQuery() != null
          || u.getRawFragment() != null
          || u.getRawUserInfo() != null) {
        r.wrong(
            "publicUrl", expected + ", without query, fragment or user info; was \"" + text + "\"");
        return null;
      }
      // Without the trailing slash, so that endpoint URLs are publicUrl + "/oauth2/…".
      String s = u.toString();
      while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
      return URI.create(s);
    } catch (URISyntaxException e) {
      r.wrong("publicUrl", expected + "; was \"" + text + "\" (" + e.getReason() + ")");
      return null;
    }
  }

  private static long bounded(
      FieldReader r, String field, long min, long max, long fallback, String unit) {
    String expected = "a whole number of " + unit;
    Long v = r.whole(field, expected);
    if (v == null) return fallback;
    if (v < min || v > max) {
      r.wrong(
          field,
          "expected "
              + min
              + (max == Long.MAX_VALUE ? " or more " : " to " + max + " ")
              + unit
              + "; was "
              + v);
      return fallback;
    }
    return v;
  }

  /** Two listeners of this process on one port would fail at start; say so now, with the line. */
  private static void checkPorts(
      GatewayConfig gateway, AdminConfig admin, DemoConfig demo, List<Violation> out) {
    if (clash(gateway.listen(), admin.listen())) {
      out.add(
          new Violation(
              "admin.listen",
              "the same address as gateway.listen ("
                  + gateway.listen()
                  + "); choose another port"));
    }
    if (demo != null) {
      for (var other :
          List.of(
              Map.entry("gateway.listen", gateway.listen()),
              Map.entry("admin.listen", admin.listen()))) {
        if (clash(demo.echoUpstream(), other.getValue())) {
          out.add(
              new Violation(
                  "demo.echoUpstream",
                  "the same address as "
                      + other.getKey()
                      + " ("
                      + other.getValue()
                      + "); choose another port"));
        }
      }
    }
  }

  private static boolean clash(HostPort a, HostPort b) {
    return a.port() != 0
        && a.port() == b.port()
        && (a.host().equalsIgnoreCase(b.host()) || a.isAnyHost() || b.isAnyHost());
  }
}
