package io.portcullis.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.control.ApplicationSpec;
import io.portcullis.control.RegistryContent;
import io.portcullis.control.UserSpec;
import io.portcullis.control.Violation;
import io.portcullis.registry.Api;
import io.portcullis.registry.ApiMonitoring;
import io.portcullis.registry.ApiPortal;
import io.portcullis.registry.ApiType;
import io.portcullis.registry.Application.ClaimSet;
import io.portcullis.registry.ApplicationLookup;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.AuthorizationServer.AccessTokenSettings;
import io.portcullis.registry.AuthorizationServer.DpopSettings;
import io.portcullis.registry.AuthorizationServer.JwtSettings;
import io.portcullis.registry.AuthorizationServer.RefreshTokenSettings;
import io.portcullis.registry.AuthorizationServer.TokenStoreSettings;
import io.portcullis.registry.IdentificationMethod;
import io.portcullis.registry.IdentifyAndAuthorize;
import io.portcullis.registry.Scope;
import io.portcullis.registry.SenderConstraint;
import io.portcullis.registry.Timeouts;
import io.portcullis.registry.TlsClientAuth;
import io.portcullis.registry.UpstreamTls;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one mapping between the external JSON/YAML shape of the registry entities (the configuration
 * file, {@code export}, the admin API's bodies) and the records. Field names are those of
 * PRODUCT.md; docs/CONFIGURATION.md lists every field with its type and default.
 *
 * <p>Readers take a JSON tree and the path of that tree in the whole input, append a {@link
 * Violation} with the full path ({@code apis[0].timeouts.connect}) for each unknown field, missing
 * required field or value of the wrong type, and return null when a required field was missing or
 * wrong. They check shape and types only: the rules of values (a base path starts with {@code /}, a
 * password is long enough) are {@link io.portcullis.control.RegistryValidator}'s. Defaults are
 * applied here, in code, never by the input:
 *
 * <ul>
 *   <li>API: {@code type} REST, {@code active} true, {@code timeouts} {@link Timeouts#DEFAULT}
 *       (each of {@code connect}, {@code response} separately), {@code identifyAndAuthorize}
 *       absent: {@link IdentifyAndAuthorize#OPEN}. When {@code identifyAndAuthorize} is given (even
 *       empty), its missing fields are: {@code methods} none, {@code applicationLookup} REGISTERED,
 *       {@code allowAnonymous} false, {@code scopes} none, {@code forwardAuthorization} false,
 *       {@code claimHeaders} none: a policy that is written down fails closed.
 *   <li>Authorization server: {@code type} internal for the alias {@code local} (required for any
 *       other), {@code clockSkew} 60; each field of {@code jwt}, {@code accessToken}, {@code
 *       refreshToken}, {@code tokenStore} left out takes its value from the record's {@code
 *       DEFAULT}. {@code issuer} and {@code assertionAudience} stay null when left out; the
 *       configuration loader fills them from the gateway's public URL.
 *   <li>User and application: {@code enabled} null (which means true); lists and maps empty.
 * </ul>
 *
 * <p>Writers emit the same shape, with {@code type} and enum values upper-case (authorization
 * server {@code type} lower-case). They never emit a clear password or secret; hashes only when
 * asked ({@code includeSecrets}, for export).
 */
public final class RegistryCodec {
  /** The top-level fields of registry content, in the order they are written. */
  public static final List<String> CONTENT_FIELDS =
      List.of("users", "authorizationServers", "scopes", "apis", "applications");

  static final List<String> API_FIELDS =
      List.of(
          "name",
          "version",
          "type",
          "basePath",
          "upstream",
          "active",
          "timeouts",
          "identifyAndAuthorize",
          "monitoring",
          "upstreamTls",
          "portal");
  static final List<String> API_PORTAL_FIELDS =
      List.of("published", "summary", "description", "openapi", "wsdl");
  static final List<String> API_MONITORING_FIELDS = List.of("records");
  static final List<String> UPSTREAM_TLS_FIELDS =
      List.of("ca", "certificate", "key", "verifyHostname");
  static final List<String> TIMEOUT_FIELDS = List.of("connect", "response", "idle");
  static final List<String> POLICY_FIELDS =
      List.of(
          "methods",
          "applicationLookup",
          "allowAnonymous",
          "scopes",
          "forwardAuthorization",
          "claimHeaders",
          "senderConstraint");
  static final List<String> USER_FIELDS =
      List.of("username", "password", "passwordHash", "enabled", "roles");
  static final List<String> APPLICATION_FIELDS =
      List.of(
          "name",
          "description",
          "clientId",
          "clientSecret",
          "clientSecretHash",
          "authorizationServer",
          "identifiers",
          "jwks",
          "jwksUri",
          "certificates",
          "scopes",
          "apis",
          "claims",
          "tokenParameters",
          "users",
          "enabled",
          "tlsClientAuth");
  static final List<String> TLS_CLIENT_AUTH_FIELDS =
      Arrays.stream(TlsClientAuth.Match.values()).map(TlsClientAuth.Match::field).toList();
  static final List<String> IDENTIFIER_FIELDS = List.of("claims");
  static final List<String> SCOPE_FIELDS = List.of("name", "description");
  static final List<String> INTERNAL_SERVER_FIELDS =
      List.of(
          "type",
          "issuer",
          "clockSkew",
          "jwt",
          "assertionAudience",
          "assertionMaxLifetime",
          "scopeMatching",
          "accessToken",
          "refreshToken",
          "tokenStore",
          "httpsOnly",
          "dpop");
  static final List<String> DPOP_FIELDS = List.of("nonce", "proofMaxAge", "proofFutureSkew");
  static final List<String> EXTERNAL_SERVER_FIELDS =
      List.of(
          "type",
          "issuer",
          "jwksUri",
          "certificates",
          "secret",
          "secrets",
          "audience",
          "algorithms",
          "clockSkew");
  static final List<String> JWT_FIELDS = List.of("algorithm", "expiresIn", "audience");
  static final List<String> ACCESS_TOKEN_FIELDS = List.of("expiresIn", "length", "type");
  static final List<String> REFRESH_TOKEN_FIELDS = List.of("enabled", "expiresIn", "length");
  static final List<String> TOKEN_STORE_FIELDS = List.of("type", "purgeInterval");

  private static final String SECONDS = "a whole number of seconds";
  private static final String MILLISECONDS = "a positive whole number of milliseconds";

  private final ObjectMapper json;
  private final JsonNodeFactory nodes = JsonNodeFactory.instance;

  /** A codec that turns JWK sets given as maps or JSON text into trees with a plain mapper. */
  public RegistryCodec() {
    this(new ObjectMapper());
  }

  /**
   * @param json used to turn an application's JWK set (a map, a tree or JSON text) into a tree
   */
  public RegistryCodec(ObjectMapper json) {
    this.json = json;
  }

  // ---------------------------------------------------------------- content

  /**
   * Reads a whole registry content: the object with the fields {@link #CONTENT_FIELDS}. Entities
   * that could not be built are left out (their violations are in {@code out}).
   *
   * @param root the object; its path is the empty path
   */
  public RegistryContent readContent(JsonNode root, List<Violation> out) {
    return readEntries(root, out).content();
  }

  /** One entity read from the input, with its path there ({@code apis[2]}). */
  record Entry<T>(T value, String path) {}

  /**
   * The entities of a content with their paths.
   *
   * @param complete whether every entity of the input could be built
   */
  record Entries(
      List<Entry<UserSpec>> users,
      List<Entry<AuthorizationServer>> servers,
      List<Entry<Scope>> scopes,
      List<Entry<Api>> apis,
      List<Entry<ApplicationSpec>> applications,
      boolean complete) {

    RegistryContent content() {
      return new RegistryContent(
          values(users), values(servers), values(scopes), values(apis), values(applications));
    }

    private static <T> List<T> values(List<Entry<T>> entries) {
      return entries.stream().map(Entry::value).toList();
    }
  }

  /** Like {@link #readContent}, keeping the path of every entity. */
  Entries readEntries(JsonNode root, List<Violation> out) {
    List<Entry<UserSpec>> users = new ArrayList<>();
    List<Entry<AuthorizationServer>> servers = new ArrayList<>();
    List<Entry<Scope>> scopes = new ArrayList<>();
    List<Entry<Api>> apis = new ArrayList<>();
    List<Entry<ApplicationSpec>> applications = new ArrayList<>();
    FieldReader r = FieldReader.open(root, "", out, CONTENT_FIELDS, "registry content");
    if (r == null) return new Entries(users, servers, scopes, apis, applications, false);
    boolean complete = true;
    complete &= readItems(r, "users", users, (node, path) -> readUser(node, path, out));
    JsonNode serverMap = r.get("authorizationServers");
    if (serverMap != null && !serverMap.isObject()) {
      r.wrong(
          "authorizationServers",
          "expected an object of aliases to authorization servers, such as { local: { type:"
              + " internal } }; was "
              + FieldReader.describe(serverMap));
      complete = false;
    } else if (serverMap != null) {
      for (Map.Entry<String, JsonNode> e : serverMap.properties()) {
        String path = FieldReader.join(r.at("authorizationServers"), e.getKey());
        AuthorizationServer s = readAuthorizationServer(e.getKey(), e.getValue(), path, out);
        if (s == null) complete = false;
        else servers.add(new Entry<>(s, path));
      }
    }
    complete &= readItems(r, "scopes", scopes, (node, path) -> readScope(node, path, out));
    complete &= readItems(r, "apis", apis, (node, path) -> readApi(node, path, out));
    complete &=
        readItems(
            r, "applications", applications, (node, path) -> readApplication(node, path, out));
    return new Entries(users, servers, scopes, apis, applications, complete);
  }

  /**
   * Writes registry content; empty sections are left out.
   *
   * @param includeSecrets whether password and client secret hashes are written (export) or left
   *     out (what the admin API shows)
   */
  public ObjectNode writeContent(RegistryContent content, boolean includeSecrets) {
    ObjectNode root = nodes.objectNode();
    if (!content.users().isEmpty()) {
      ArrayNode users = root.putArray("users");
      content.users().forEach(u -> users.add(writeUser(u, includeSecrets)));
    }
    if (!content.authorizationServers().isEmpty()) {
      ObjectNode servers = root.putObject("authorizationServers");
      content
          .authorizationServers()
          .forEach(s -> servers.set(s.alias(), writeAuthorizationServer(s)));
    }
    if (!content.scopes().isEmpty()) {
      ArrayNode scopes = root.putArray("scopes");
      content.scopes().forEach(s -> scopes.add(writeScope(s)));
    }
    if (!content.apis().isEmpty()) {
      ArrayNode apis = root.putArray("apis");
      content.apis().forEach(a -> apis.add(writeApi(a)));
    }
    if (!content.applications().isEmpty()) {
      ArrayNode apps = root.putArray("applications");
      content.applications().forEach(a -> apps.add(writeApplication(a, includeSecrets)));
    }
    return root;
  }

  // ---------------------------------------------------------------- API

  /**
   * Reads an API. Required: {@code name}, {@code version}, {@code basePath}, {@code upstream} (a
   * URL, or a list of URLs).
   *
   * @return the API, or null when a required field was missing or wrong
   */
  public Api readApi(JsonNode node, String path, List<Violation> out) {
    FieldReader r = FieldReader.open(node, path, out, API_FIELDS, "an API");
    if (r == null) return null;
    String name = r.requiredText("name", "the API's name, such as petstore");
    String version = r.requiredText("version", "the API's version, such as v1");
    ApiType type = r.choice("type", ApiType.class);
    String basePath =
        r.requiredText("basePath", "the path prefix on the gateway, such as /petstore/v1");
    List<URI> upstreams = readUpstreams(r, out);
    Boolean active = r.bool("active");
    Timeouts timeouts = readTimeouts(r.get("timeouts"), r.at("timeouts"), out);
    ApiMonitoring monitoring = readApiMonitoring(r.get("monitoring"), r.at("monitoring"), out);
    UpstreamTls upstreamTls = readUpstreamTls(r.get("upstreamTls"), r.at("upstreamTls"), out);
    ApiPortal portal = readApiPortal(r.get("portal"), r.at("portal"), out);
    IdentifyAndAuthorize policy = IdentifyAndAuthorize.OPEN;
    if (node.has("identifyAndAuthorize")) {
      // A policy that is written down but empty (a key with nothing after it) fails closed.
      JsonNode given = r.get("identifyAndAuthorize");
      policy =
          readPolicy(given == null ? nodes.objectNode() : given, r.at("identifyAndAuthorize"), out);
    }
    if (r.failed() || policy == null) return null;
    return Api.builder()
        .name(name)
        .version(version)
        .type(type == null ? ApiType.REST : type)
        .basePath(basePath)
        .upstreams(upstreams)
        .active(active == null || active)
        .timeouts(timeouts)
        .identifyAndAuthorize(policy)
        .monitoring(monitoring)
        .upstreamTls(upstreamTls)
        .portal(portal)
        .build();
  }

  private static ApiPortal readApiPortal(JsonNode node, String path, List<Violation> out) {
    if (node == null) return ApiPortal.NONE;
    FieldReader r =
        FieldReader.open(node, path, out, API_PORTAL_FIELDS, "the API's developer portal settings");
    if (r == null) return ApiPortal.NONE;
    Boolean published = r.bool("published");
    return new ApiPortal(
        published != null && published,
        r.text("summary"),
        r.text("description"),
        r.text("openapi"),
        r.text("wsdl"));
  }

  private static UpstreamTls readUpstreamTls(JsonNode node, String path, List<Violation> out) {
    if (node == null) return null;
    FieldReader r =
        FieldReader.open(node, path, out, UPSTREAM_TLS_FIELDS, "the API's upstream TLS settings");
    if (r == null) return null;
    Boolean verifyHostname = r.bool("verifyHostname");
    return new UpstreamTls(
        r.text("ca"),
        r.text("certificate"),
        r.text("key"),
        verifyHostname == null || verifyHostname);
  }

  private static ApiMonitoring readApiMonitoring(JsonNode node, String path, List<Violation> out) {
    if (node == null) return ApiMonitoring.DEFAULT;
    FieldReader r =
        FieldReader.open(node, path, out, API_MONITORING_FIELDS, "the API's monitoring settings");
    if (r == null) return ApiMonitoring.DEFAULT;
    Boolean records = r.bool("records");
    return records == null ? ApiMonitoring.DEFAULT : new ApiMonitoring(records);
  }

  private List<URI> readUpstreams(FieldReader r, List<Violation> out) {
    JsonNode v = r.get("upstream");
    if (v == null) {
      r.missing("upstream", "the upstream URL, such as http://127.0.0.1:9000, or a list of them");
      return List.of();
    }
    List<String> texts = r.textOrTexts("upstream");
    if (texts == null) {
      r.fail();
      return List.of();
    }
    List<URI> uris = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      String at = v.isArray() ? FieldReader.index(r.at("upstream"), i) : r.at("upstream");
      try {
        uris.add(new URI(texts.get(i)));
      } catch (URISyntaxException e) {
        out.add(
            new Violation(
                at,
                "expected an absolute http or https URL; was \""
                    + texts.get(i)
                    + "\" ("
                    + e.getReason()
                    + ")"));
      }
    }
    if (uris.size() != texts.size() || (v.isArray() && texts.size() != v.size())) r.fail();
    return uris;
  }

  private Timeouts readTimeouts(JsonNode node, String path, List<Violation> out) {
    if (node == null) return Timeouts.DEFAULT;
    FieldReader r = FieldReader.open(node, path, out, TIMEOUT_FIELDS, "the timeouts");
    if (r == null) return Timeouts.DEFAULT;
    return new Timeouts(
        positiveMillis(r, "connect", Timeouts.DEFAULT.connect()),
        positiveMillis(r, "response", Timeouts.DEFAULT.response()),
        positiveMillis(r, "idle", Timeouts.DEFAULT.idle()));
  }

  private static long positiveMillis(FieldReader r, String field, long fallback) {
    Long value = r.whole(field, MILLISECONDS);
    if (value == null) return fallback;
    if (value <= 0) {
      r.wrong(field, "expected " + MILLISECONDS + "; was " + value);
      return fallback;
    }
    return value;
  }

  private IdentifyAndAuthorize readPolicy(JsonNode node, String path, List<Violation> out) {
    FieldReader r =
        FieldReader.open(node, path, out, POLICY_FIELDS, "the Identify & Authorize policy");
    if (r == null) return null;
    Set<IdentificationMethod> methods = r.choices("methods", IdentificationMethod.class);
    ApplicationLookup lookup = r.choice("applicationLookup", ApplicationLookup.class);
    Boolean anonymous = r.bool("allowAnonymous");
    List<String> scopes = r.texts("scopes");
    Boolean forward = r.bool("forwardAuthorization");
    Map<String, String> claimHeaders = r.textMap("claimHeaders");
    SenderConstraint senderConstraint = r.choice("senderConstraint", SenderConstraint.class);
    return IdentifyAndAuthorize.builder()
        .methods(methods)
        .applicationLookup(lookup == null ? ApplicationLookup.REGISTERED : lookup)
        .allowAnonymous(anonymous != null && anonymous)
        .scopes(scopes)
        .forwardAuthorization(forward != null && forward)
        .claimHeaders(claimHeaders)
        .senderConstraint(senderConstraint)
        .build();
  }

  /** Writes every field of the API, the policy included, so that an export shows it all. */
  public ObjectNode writeApi(Api api) {
    ObjectNode o = nodes.objectNode();
    o.put("name", api.name());
    o.put("version", api.version());
    o.put("type", api.type().name());
    o.put("basePath", api.basePath());
    if (api.upstreams().size() == 1) {
      o.put("upstream", api.upstreams().get(0).toString());
    } else {
      ArrayNode list = o.putArray("upstream");
      api.upstreams().forEach(u -> list.add(u.toString()));
    }
    o.put("active", api.active());
    UpstreamTls tls = api.upstreamTls();
    if (tls != null) {
      ObjectNode upstreamTls = o.putObject("upstreamTls");
      putIfPresent(upstreamTls, "ca", tls.ca());
      putIfPresent(upstreamTls, "certificate", tls.certificate());
      putIfPresent(upstreamTls, "key", tls.key());
      upstreamTls.put("verifyHostname", tls.verifyHostname());
    }
    ObjectNode timeouts = o.putObject("timeouts");
    timeouts.put("connect", api.timeouts().connect());
    timeouts.put("response", api.timeouts().response());
    timeouts.put("idle", api.timeouts().idle());
    IdentifyAndAuthorize p = api.identifyAndAuthorize();
    ObjectNode policy = o.putObject("identifyAndAuthorize");
    ArrayNode methods = policy.putArray("methods");
    p.methods().stream().sorted().forEach(m -> methods.add(m.name()));
    policy.put("applicationLookup", p.applicationLookup().name());
    policy.put("allowAnonymous", p.allowAnonymous());
    texts(policy.putArray("scopes"), p.scopes());
    policy.put("forwardAuthorization", p.forwardAuthorization());
    if (!p.claimHeaders().isEmpty()) policy.set("claimHeaders", textMap(p.claimHeaders()));
    policy.put("senderConstraint", p.senderConstraint().name());
    o.putObject("monitoring").put("records", api.monitoring().records());
    ApiPortal portal = api.portal();
    if (!portal.equals(ApiPortal.NONE)) {
      ObjectNode section = o.putObject("portal");
      section.put("published", portal.published());
      putIfPresent(section, "summary", portal.summary());
      putIfPresent(section, "description", portal.description());
      putIfPresent(section, "openapi", portal.openapi());
      putIfPresent(section, "wsdl", portal.wsdl());
    }
    return o;
  }

  // ---------------------------------------------------------------- users

  /**
   * Reads a user. Required: {@code username}. {@code password} (clear) or {@code passwordHash} (as
   * export writes it); which of them is needed is the validator's rule.
   *
   * @return the user, or null when a required field was missing or wrong
   */
  public UserSpec readUser(JsonNode node, String path, List<Violation> out) {
    FieldReader r = FieldReader.open(node, path, out, USER_FIELDS, "a user");
    if (r == null) return null;
    String username = r.requiredText("username", "the user's name, such as alice");
    String password = r.secret("password");
    String hash = r.secret("passwordHash");
    Boolean enabled = r.bool("enabled");
    List<String> roles = r.texts("roles");
    if (r.failed()) return null;
    return new UserSpec(
        username, password, hash, enabled, roles == null ? null : Set.copyOf(roles));
  }

  /**
   * Writes a user; never the clear password.
   *
   * @param includeSecrets whether {@code passwordHash} is written
   */
  public ObjectNode writeUser(UserSpec user, boolean includeSecrets) {
    ObjectNode o = nodes.objectNode();
    o.put("username", user.username());
    if (includeSecrets && user.passwordHash() != null) o.put("passwordHash", user.passwordHash());
    if (user.enabled() != null) o.put("enabled", user.enabled());
    if (!user.roles().isEmpty())
      texts(o.putArray("roles"), user.roles().stream().sorted().toList());
    return o;
  }

  // ---------------------------------------------------------------- applications

  /**
   * Reads an application. Required: {@code name}. {@code jwks} must be an object (a JWK set) and is
   * kept as a tree; claim values of {@code identifiers} and values of {@code tokenParameters} that
   * are numbers or booleans are taken in their text form.
   *
   * @return the application, or null when a required field was missing or wrong
   */
  public ApplicationSpec readApplication(JsonNode node, String path, List<Violation> out) {
    FieldReader r = FieldReader.open(node, path, out, APPLICATION_FIELDS, "an application");
    if (r == null) return null;
    String name = r.requiredText("name", "the application's name, such as photo-app");
    String description = r.text("description");
    String clientId = r.text("clientId");
    String secret = r.secret("clientSecret");
    String secretHash = r.secret("clientSecretHash");
    String server = r.text("authorizationServer");
    List<ClaimSet> identifiers = readIdentifiers(r, out);
    JsonNode jwks = r.get("jwks");
    if (jwks != null && !jwks.isObject()) {
      r.wrong(
          "jwks",
          "expected a JWK set as an object, such as { keys: [ … ] }; was "
              + FieldReader.describe(jwks));
      jwks = null;
    }
    String jwksUri = r.text("jwksUri");
    List<String> certificates = r.textOrTexts("certificates");
    List<String> scopes = r.texts("scopes");
    List<String> apis = r.texts("apis");
    List<String> claims = r.texts("claims");
    Map<String, String> tokenParameters = r.textMap("tokenParameters");
    List<String> users = r.texts("users");
    Boolean enabled = r.bool("enabled");
    TlsClientAuth tlsClientAuth = readTlsClientAuth(r, out);
    if (r.failed()) return null;
    return ApplicationSpec.builder()
        .name(name)
        .description(description)
        .clientId(clientId)
        .clientSecret(secret)
        .clientSecretHash(secretHash)
        .authorizationServer(server)
        .identifiers(identifiers)
        .jwks(jwks == null ? null : jwks.deepCopy())
        .jwksUri(jwksUri)
        .certificates(orEmpty(certificates))
        .scopes(orEmpty(scopes))
        .apis(orEmpty(apis))
        .claims(orEmpty(claims))
        .tokenParameters(tokenParameters == null ? Map.of() : Map.copyOf(tokenParameters))
        .users(orEmpty(users))
        .enabled(enabled)
        .tlsClientAuth(tlsClientAuth)
        .build();
  }

  /**
   * {@code tlsClientAuth}: exactly one of {@code subjectDn}, {@code sanDns}, {@code sanUri}, {@code
   * sanIp}, {@code sanEmail} (a string: {@code tls_client_auth}) or {@code selfSigned: true}
   * ({@code self_signed_tls_client_auth}). Null when absent or wrong (then {@code r} has failed).
   */
  private TlsClientAuth readTlsClientAuth(FieldReader r, List<Violation> out) {
    JsonNode node = r.get("tlsClientAuth");
    if (node == null) return null;
    FieldReader t =
        FieldReader.open(
            node,
            r.at("tlsClientAuth"),
            out,
            TLS_CLIENT_AUTH_FIELDS,
            "how the application authenticates with its TLS client certificate");
    if (t == null) {
      r.fail();
      return null;
    }
    List<TlsClientAuth> given = new ArrayList<>();
    for (TlsClientAuth.Match match : TlsClientAuth.Match.values()) {
      if (!t.has(match.field())) continue;
      if (match == TlsClientAuth.Match.SELF_SIGNED) {
        Boolean selfSigned = t.bool(match.field());
        if (Boolean.FALSE.equals(selfSigned)) {
          t.wrong(
              match.field(),
              "expected true (self_signed_tls_client_auth); leave tlsClientAuth out instead");
        }
        if (Boolean.TRUE.equals(selfSigned)) given.add(new TlsClientAuth(match, null));
      } else {
        String value = t.text(match.field());
        if (value != null) given.add(new TlsClientAuth(match, value));
      }
    }
    int before = out.size();
    if (given.size() != 1) {
      out.add(
          new Violation(
              r.at("tlsClientAuth"),
              "expected exactly one of "
                  + String.join(", ", TLS_CLIENT_AUTH_FIELDS)
                  + " (such as { subjectDn: \"CN=photo-app,O=Example\" } or { selfSigned: true });"
                  + " was "
                  + (given.isEmpty()
                      ? "none"
                      : given.stream().map(g -> g.match().field()).toList())));
    }
    if (out.size() > before || given.size() != 1) {
      r.fail();
      return null;
    }
    return given.get(0);
  }

  private List<ClaimSet> readIdentifiers(FieldReader r, List<Violation> out) {
    JsonNode list = r.get("identifiers");
    if (list == null) return List.of();
    if (!list.isArray()) {
      r.wrong(
          "identifiers",
          "expected a list of claim sets, such as [ { claims: { sub: photo-app } } ]; was "
              + FieldReader.describe(list));
      return List.of();
    }
    List<ClaimSet> result = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String at = FieldReader.index(r.at("identifiers"), i);
      FieldReader item = FieldReader.open(list.get(i), at, out, IDENTIFIER_FIELDS, "an identifier");
      if (item == null) continue;
      Map<String, String> claims = item.textMap("claims");
      result.add(new ClaimSet(claims));
    }
    return result;
  }

  /**
   * Writes an application; never the clear secret.
   *
   * @param includeSecrets whether {@code clientSecretHash} is written
   */
  public ObjectNode writeApplication(ApplicationSpec app, boolean includeSecrets) {
    ObjectNode o = nodes.objectNode();
    o.put("name", app.name());
    putIfPresent(o, "description", app.description());
    putIfPresent(o, "clientId", app.clientId());
    if (includeSecrets) putIfPresent(o, "clientSecretHash", app.clientSecretHash());
    putIfPresent(o, "authorizationServer", app.authorizationServer());
    if (app.identifiers() != null && !app.identifiers().isEmpty()) {
      ArrayNode ids = o.putArray("identifiers");
      for (ClaimSet set : app.identifiers()) {
        ids.addObject().set("claims", textMap(set.claims()));
      }
    }
    if (app.jwks() != null) o.set("jwks", jwksTree(app.jwks()));
    putIfPresent(o, "jwksUri", app.jwksUri());
    putIfNotEmpty(o, "certificates", app.certificates());
    putIfNotEmpty(o, "scopes", app.scopes());
    putIfNotEmpty(o, "apis", app.apis());
    putIfNotEmpty(o, "claims", app.claims());
    if (app.tokenParameters() != null && !app.tokenParameters().isEmpty())
      o.set("tokenParameters", textMap(app.tokenParameters()));
    putIfNotEmpty(o, "users", app.users());
    if (app.enabled() != null) o.put("enabled", app.enabled());
    TlsClientAuth tls = app.tlsClientAuth();
    if (tls != null) {
      ObjectNode t = o.putObject("tlsClientAuth");
      if (tls.match() == TlsClientAuth.Match.SELF_SIGNED) t.put(tls.match().field(), true);
      else t.put(tls.match().field(), tls.value());
    }
    return o;
  }

  private JsonNode jwksTree(Object jwks) {
    if (jwks instanceof JsonNode tree) return tree.deepCopy();
    if (jwks instanceof String text) {
      try {
        return json.readTree(text);
      } catch (JsonProcessingException e) {
        // Not JSON: written as given, so that export loses nothing and the loader names it.
        return nodes.textNode(text);
      }
    }
    return json.valueToTree(jwks);
  }

  // ---------------------------------------------------------------- scopes

  /**
   * Reads a scope: a plain string (the name) or an object {@code {name, description}}.
   *
   * @return the scope, or null when it has no name
   */
  public Scope readScope(JsonNode node, String path, List<Violation> out) {
    String plain = FieldReader.text(node);
    if (plain != null) return new Scope(plain, null);
    if (node == null || !node.isObject()) {
      out.add(
          new Violation(
              path,
              "expected a scope name or { name, description }; was " + FieldReader.describe(node)));
      return null;
    }
    FieldReader r = FieldReader.open(node, path, out, SCOPE_FIELDS, "a scope");
    String name = r.requiredText("name", "the scope, such as https://example.com/auth/photos");
    String description = r.text("description");
    return r.failed() ? null : new Scope(name, description);
  }

  /** Writes a scope as its name alone when it has no description, else as {name, description}. */
  public JsonNode writeScope(Scope scope) {
    if (scope.description() == null) return nodes.textNode(scope.name());
    ObjectNode o = nodes.objectNode();
    o.put("name", scope.name());
    o.put("description", scope.description());
    return o;
  }

  // ---------------------------------------------------------------- authorization servers

  /**
   * Reads an authorization server named by its alias (the key of the {@code authorizationServers}
   * map). {@code type} is required except for {@code local}, which is internal by default. An
   * internal server accepts {@link #INTERNAL_SERVER_FIELDS}, an external one {@link
   * #EXTERNAL_SERVER_FIELDS}; a field of the other type is reported as unknown.
   *
   * @return the server, or null when its type is missing or wrong
   */
  public AuthorizationServer readAuthorizationServer(
      String alias, JsonNode node, String path, List<Violation> out) {
    AuthorizationServer.Type type = serverType(alias, node, path, out);
    if (type == null) return null;
    if (type == AuthorizationServer.Type.INTERNAL) {
      FieldReader r =
          FieldReader.open(
              node, path, out, INTERNAL_SERVER_FIELDS, "an internal authorization server");
      return AuthorizationServer.builder()
          .alias(alias)
          .type(type)
          .issuer(r.text("issuer"))
          .clockSkew(clockSkew(r))
          .jwt(readJwt(r.get("jwt"), r.at("jwt"), out))
          .assertionAudience(r.text("assertionAudience"))
          .accessToken(readAccessToken(r.get("accessToken"), r.at("accessToken"), out))
          .refreshToken(readRefreshToken(r.get("refreshToken"), r.at("refreshToken"), out))
          .tokenStore(readTokenStore(r.get("tokenStore"), r.at("tokenStore"), out))
          .assertionMaxLifetime(seconds(r.whole("assertionMaxLifetime", SECONDS)))
          .scopeMatching(scopeMatching(r.text("scopeMatching"), r.at("scopeMatching"), out))
          .httpsOnly(Boolean.TRUE.equals(r.bool("httpsOnly")))
          .dpop(readDpop(r.get("dpop"), r.at("dpop"), out))
          .build();
    }
    FieldReader r =
        FieldReader.open(
            node, path, out, EXTERNAL_SERVER_FIELDS, "an external authorization server");
    return AuthorizationServer.builder()
        .alias(alias)
        .type(type)
        .issuer(r.text("issuer"))
        .clockSkew(clockSkew(r))
        .jwksUri(r.text("jwksUri"))
        .certificates(r.textOrTexts("certificates"))
        .audience(r.textOrTexts("audience"))
        .algorithms(r.texts("algorithms"))
        .secrets(readSecrets(r))
        .build();
  }

  /**
   * {@code secret} (one) or {@code secrets} (a list, during a rotation), never both; a wrong value
   * is described by its kind only, never quoted.
   */
  private static List<String> readSecrets(FieldReader r) {
    if (r.has("secret") && r.has("secrets")) {
      r.wrong("secrets", "give either secret or secrets, not both");
      return null;
    }
    if (r.has("secret")) {
      String secret = r.secret("secret");
      return secret == null ? null : List.of(secret);
    }
    JsonNode list = r.get("secrets");
    if (list == null) return null;
    if (!list.isArray()) {
      r.wrong("secrets", "expected a list of strings; was " + FieldReader.kind(list));
      return null;
    }
    List<String> secrets = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String secret = FieldReader.text(list.get(i));
      if (secret == null) {
        r.wrong(
            "secrets",
            "expected a list of strings; item " + i + " was " + FieldReader.kind(list.get(i)));
        return null;
      }
      secrets.add(secret);
    }
    return secrets;
  }

  private static AuthorizationServer.Type serverType(
      String alias, JsonNode node, String path, List<Violation> out) {
    if (node == null || !node.isObject()) {
      out.add(
          new Violation(
              path,
              "expected an authorization server as an object with a type (internal or external);"
                  + " was "
                  + FieldReader.describe(node)));
      return null;
    }
    JsonNode type = node.get("type");
    if (type == null || type.isNull()) {
      if (AuthorizationServer.LOCAL.equals(alias)) return AuthorizationServer.Type.INTERNAL;
      out.add(new Violation(FieldReader.join(path, "type"), "is required: internal or external"));
      return null;
    }
    if (type.isTextual()) {
      for (AuthorizationServer.Type t : AuthorizationServer.Type.values()) {
        if (t.name().equalsIgnoreCase(type.textValue())) return t;
      }
    }
    out.add(
        new Violation(
            FieldReader.join(path, "type"),
            "expected one of internal, external; was " + FieldReader.describe(type)));
    return null;
  }

  private static Duration seconds(Long seconds) {
    return seconds == null ? null : Duration.ofSeconds(seconds);
  }

  private static AuthorizationServer.ScopeMatching scopeMatching(
      String text, String path, List<Violation> out) {
    if (text == null) return null;
    for (AuthorizationServer.ScopeMatching m : AuthorizationServer.ScopeMatching.values()) {
      if (m.name().equalsIgnoreCase(text)) return m;
    }
    out.add(new Violation(path, "expected ALL or ANY; was '" + text + "'"));
    return null;
  }

  private static long clockSkew(FieldReader r) {
    Long skew = r.whole("clockSkew", SECONDS);
    return skew == null ? AuthorizationServer.DEFAULT_CLOCK_SKEW : skew;
  }

  private DpopSettings readDpop(JsonNode node, String path, List<Violation> out) {
    DpopSettings d = DpopSettings.DEFAULT;
    if (node == null) return d;
    FieldReader r = FieldReader.open(node, path, out, DPOP_FIELDS, "the DPoP settings");
    if (r == null) return d;
    Boolean nonce = r.bool("nonce");
    Long maxAge = r.whole("proofMaxAge", SECONDS);
    Long futureSkew = r.whole("proofFutureSkew", SECONDS);
    return new DpopSettings(
        nonce == null ? d.nonce() : nonce,
        maxAge == null ? d.proofMaxAge() : maxAge,
        futureSkew == null ? d.proofFutureSkew() : futureSkew);
  }

  private JwtSettings readJwt(JsonNode node, String path, List<Violation> out) {
    JwtSettings d = JwtSettings.DEFAULT;
    if (node == null) return d;
    FieldReader r = FieldReader.open(node, path, out, JWT_FIELDS, "the JWT settings");
    if (r == null) return d;
    String algorithm = r.text("algorithm");
    Long expiresIn = r.whole("expiresIn", SECONDS);
    String audience = r.text("audience");
    return new JwtSettings(
        algorithm == null ? d.algorithm() : algorithm,
        expiresIn == null ? d.expiresIn() : expiresIn,
        audience == null ? d.audience() : audience);
  }

  private AccessTokenSettings readAccessToken(JsonNode node, String path, List<Violation> out) {
    AccessTokenSettings d = AccessTokenSettings.DEFAULT;
    if (node == null) return d;
    FieldReader r =
        FieldReader.open(node, path, out, ACCESS_TOKEN_FIELDS, "the access token settings");
    if (r == null) return d;
    Long expiresIn = r.whole("expiresIn", SECONDS);
    Integer length = r.wholeInt("length", "a whole number of characters");
    String type = r.text("type");
    return new AccessTokenSettings(
        expiresIn == null ? d.expiresIn() : expiresIn,
        length == null ? d.length() : length,
        type == null ? d.type() : type);
  }

  private RefreshTokenSettings readRefreshToken(JsonNode node, String path, List<Violation> out) {
    RefreshTokenSettings d = RefreshTokenSettings.DEFAULT;
    if (node == null) return d;
    FieldReader r =
        FieldReader.open(node, path, out, REFRESH_TOKEN_FIELDS, "the refresh token settings");
    if (r == null) return d;
    Boolean enabled = r.bool("enabled");
    Long expiresIn = r.whole("expiresIn", SECONDS);
    Integer length = r.wholeInt("length", "a whole number of characters");
    return new RefreshTokenSettings(
        enabled == null ? d.enabled() : enabled,
        expiresIn == null ? d.expiresIn() : expiresIn,
        length == null ? d.length() : length);
  }

  private TokenStoreSettings readTokenStore(JsonNode node, String path, List<Violation> out) {
    TokenStoreSettings d = TokenStoreSettings.DEFAULT;
    if (node == null) return d;
    FieldReader r =
        FieldReader.open(node, path, out, TOKEN_STORE_FIELDS, "the token store settings");
    if (r == null) return d;
    String type = r.text("type");
    Long purge = r.whole("purgeInterval", SECONDS);
    return new TokenStoreSettings(
        type == null ? d.type() : type.toLowerCase(Locale.ROOT),
        purge == null ? d.purgeInterval() : purge);
  }

  /**
   * Writes an authorization server without its alias (the alias is the key it is written under):
   * every field of its type, defaults included, so that an export shows the settings in force.
   */
  public ObjectNode writeAuthorizationServer(AuthorizationServer s) {
    ObjectNode o = nodes.objectNode();
    o.put("type", s.type() == null ? null : s.type().name().toLowerCase(Locale.ROOT));
    putIfPresent(o, "issuer", s.issuer());
    if (s.type() == AuthorizationServer.Type.EXTERNAL) {
      putIfPresent(o, "jwksUri", s.jwksUri());
      putIfNotEmpty(o, "certificates", s.certificates());
      putIfNotEmpty(o, "audience", s.audience());
      putIfNotEmpty(o, "algorithms", s.algorithms());
      o.put("clockSkew", s.clockSkew());
      return o;
    }
    o.put("clockSkew", s.clockSkew());
    ObjectNode jwt = o.putObject("jwt");
    jwt.put("algorithm", s.jwt().algorithm());
    jwt.put("expiresIn", s.jwt().expiresIn());
    putIfPresent(jwt, "audience", s.jwt().audience());
    putIfPresent(o, "assertionAudience", s.assertionAudience());
    o.put("assertionMaxLifetime", s.assertionMaxLifetime().toSeconds());
    o.put("scopeMatching", s.scopeMatching().name());
    o.put("httpsOnly", s.httpsOnly());
    ObjectNode dpop = o.putObject("dpop");
    dpop.put("nonce", s.dpop().nonce());
    dpop.put("proofMaxAge", s.dpop().proofMaxAge());
    dpop.put("proofFutureSkew", s.dpop().proofFutureSkew());
    ObjectNode access = o.putObject("accessToken");
    access.put("expiresIn", s.accessToken().expiresIn());
    access.put("length", s.accessToken().length());
    access.put("type", s.accessToken().type());
    ObjectNode refresh = o.putObject("refreshToken");
    refresh.put("enabled", s.refreshToken().enabled());
    refresh.put("expiresIn", s.refreshToken().expiresIn());
    refresh.put("length", s.refreshToken().length());
    ObjectNode store = o.putObject("tokenStore");
    store.put("type", s.tokenStore().type());
    store.put("purgeInterval", s.tokenStore().purgeInterval());
    return o;
  }

  // ---------------------------------------------------------------- shared

  private interface ItemReader<T> {
    T read(JsonNode node, String path);
  }

  /** Reads each item of a list field; false when the field or an item could not be read. */
  private static <T> boolean readItems(
      FieldReader r, String field, List<Entry<T>> into, ItemReader<T> reader) {
    JsonNode list = r.get(field);
    if (list == null) return true;
    if (!list.isArray()) {
      r.wrong(field, "expected a list; was " + FieldReader.describe(list));
      return false;
    }
    boolean complete = true;
    for (int i = 0; i < list.size(); i++) {
      String path = FieldReader.index(r.at(field), i);
      T item = reader.read(list.get(i), path);
      if (item == null) complete = false;
      else into.add(new Entry<>(item, path));
    }
    return complete;
  }

  private static List<String> orEmpty(List<String> list) {
    return list == null ? List.of() : List.copyOf(list);
  }

  private static void putIfPresent(ObjectNode o, String field, String value) {
    if (value != null) o.put(field, value);
  }

  private static void putIfNotEmpty(ObjectNode o, String field, Collection<String> values) {
    if (values != null && !values.isEmpty()) texts(o.putArray(field), values);
  }

  private static void texts(ArrayNode array, Collection<String> values) {
    values.forEach(array::add);
  }

  /** A map written with its keys sorted, so that exports of equal content are equal text. */
  private ObjectNode textMap(Map<String, String> map) {
    ObjectNode o = nodes.objectNode();
    new TreeMap<>(map).forEach(o::put);
    return o;
  }
}
