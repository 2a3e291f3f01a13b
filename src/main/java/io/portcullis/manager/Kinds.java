package io.portcullis.manager;

import static io.portcullis.web.FormField.Input.CHECKBOX;
import static io.portcullis.web.FormField.Input.CHOICE;
import static io.portcullis.web.FormField.Input.CHOICES;
import static io.portcullis.web.FormField.Input.CLAIM_SETS;
import static io.portcullis.web.FormField.Input.JSON;
import static io.portcullis.web.FormField.Input.LINES;
import static io.portcullis.web.FormField.Input.MAP;
import static io.portcullis.web.FormField.Input.NUMBER;
import static io.portcullis.web.FormField.Input.PASSWORD;
import static io.portcullis.web.FormField.Input.TEXT;
import static io.portcullis.web.FormField.Input.TEXTAREA;
import static io.portcullis.web.FormField.Input.WORDS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.config.RegistryCodec;
import io.portcullis.control.ApplicationSpec;
import io.portcullis.control.ControlPlane;
import io.portcullis.control.Precondition;
import io.portcullis.control.RegistryContent;
import io.portcullis.control.Saved;
import io.portcullis.control.UserSpec;
import io.portcullis.control.Violation;
import io.portcullis.manager.Views.Row;
import io.portcullis.registry.Api;
import io.portcullis.registry.ApiType;
import io.portcullis.registry.ApplicationLookup;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.IdentificationMethod;
import io.portcullis.registry.Scope;
import io.portcullis.registry.SenderConstraint;
import io.portcullis.registry.Versioned;
import io.portcullis.web.FormField;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The five kinds of registry entity the Manager edits. */
final class Kinds {
  private Kinds() {}

  static List<Kind> all(ControlPlane control, RegistryCodec codec) {
    return List.of(
        new Apis(control, codec),
        new Applications(control, codec),
        new Servers(control, codec),
        new Users(control, codec),
        new Scopes(control, codec));
  }

  static FormField f(String path, String label, FormField.Input input, String help) {
    return FormField.of(path, label, input, help);
  }

  static FormField choice(
      String path, String label, FormField.Input input, String help, List<String> choices) {
    return new FormField(path, label, input, help, choices);
  }

  static <E extends Enum<E>> List<String> names(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
  }

  static boolean matches(String q, String... texts) {
    if (q == null || q.isBlank()) return true;
    String needle = q.strip().toLowerCase(Locale.ROOT);
    return Stream.of(texts).anyMatch(t -> t != null && t.toLowerCase(Locale.ROOT).contains(needle));
  }

  static String enc(String segment) {
    return java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20");
  }

  static Kind.Stored stored(String key, Saved<?> saved) {
    return new Kind.Stored(key, saved.version());
  }

  /** What every kind has: its names, key fields, columns and statuses, and the doors it uses. */
  abstract static class Base implements Kind {
    final ControlPlane control;
    final RegistryCodec codec;
    private final String path;
    private final String title;
    private final String singular;
    private final List<String> keyFields;
    private final List<String> columns;
    private final List<String> statuses;

    Base(
        ControlPlane control,
        RegistryCodec codec,
        String path,
        String title,
        String singular,
        List<String> keyFields,
        List<String> columns,
        List<String> statuses) {
      this.control = control;
      this.codec = codec;
      this.path = path;
      this.title = title;
      this.singular = singular;
      this.keyFields = keyFields;
      this.columns = columns;
      this.statuses = statuses;
    }

    @Override
    public String path() {
      return path;
    }

    @Override
    public String title() {
      return title;
    }

    @Override
    public String singular() {
      return singular;
    }

    @Override
    public List<String> keyFields() {
      return keyFields;
    }

    @Override
    public List<String> columns() {
      return columns;
    }

    @Override
    public List<String> statuses() {
      return statuses;
    }
  }

  // ---------------------------------------------------------------- APIs

  static final class Apis extends Base {
    Apis(ControlPlane control, RegistryCodec codec) {
      super(
          control,
          codec,
          "apis",
          "APIs",
          "API",
          List.of("name", "version"),
          List.of("Name", "Version", "Base path", "Upstream", "Identify by"),
          List.of("active", "inactive"));
    }

    @Override
    public List<FormField> fields(String variant) {
      String policy = "identifyAndAuthorize.";
      return List.of(
          f("name", "Name", TEXT, "such as petstore"),
          f("version", "Version", TEXT, "such as v1"),
          choice("type", "Type", CHOICE, "", names(ApiType.class)),
          f("basePath", "Base path", TEXT, "the path prefix on the gateway, such as /petstore/v1"),
          f("upstream", "Upstream URLs", LINES, "one URL a line, such as http://10.0.0.5:8080"),
          f("active", "Active", CHECKBOX, "inactive APIs answer 404 on the gateway"),
          f("timeouts.connect", "Connect timeout (ms)", NUMBER, ""),
          f("timeouts.response", "Response timeout (ms)", NUMBER, ""),
          choice(
              policy + "methods",
              "Identify by",
              CHOICES,
              "the accepted identification methods",
              names(IdentificationMethod.class)),
          choice(
              policy + "applicationLookup",
              "Application lookup",
              CHOICE,
              "REGISTERED: only applications associated with this API",
              names(ApplicationLookup.class)),
          f(policy + "allowAnonymous", "Allow anonymous calls", CHECKBOX, ""),
          f(policy + "scopes", "Required scopes", WORDS, "separated by spaces"),
          f(policy + "forwardAuthorization", "Forward the Authorization header", CHECKBOX, ""),
          f(policy + "claimHeaders", "Claim headers", MAP, "header=claim, one a line"),
          choice(
              policy + "senderConstraint",
              "Sender-constrained tokens",
              CHOICE,
              "REQUIRED: only DPoP- or certificate-bound tokens",
              names(SenderConstraint.class)),
          f(
              "portal.published",
              "Published in the developer portal",
              CHECKBOX,
              "the portal shows it while it is active"),
          f("portal.summary", "Portal summary", TEXT, "one line for the gallery card"),
          f("portal.description", "Portal description", TEXTAREA, "the API page's overview"),
          f(
              "portal.openapi",
              "OpenAPI document",
              TEXTAREA,
              "the OpenAPI 3 document (JSON or YAML), or a file path on the node"),
          f("portal.wsdl", "WSDL", TEXTAREA, "for a SOAP API: the WSDL, or a file path"));
    }

    @Override
    public ObjectNode template(String variant) {
      ObjectNode doc =
          codec.writeApi(Api.builder().name("").version("v1").basePath("").active(false).build());
      doc.remove("name");
      doc.remove("basePath");
      doc.remove("upstream");
      return doc;
    }

    @Override
    public List<Row> rows(RegistryContent content, String q, String status) {
      List<Row> rows = new ArrayList<>();
      for (Api api : content.apis()) {
        if (!matches(q, api.name(), api.version(), api.basePath())) continue;
        if (status != null && !status.isEmpty() && api.active() != status.equals("active"))
          continue;
        String methods =
            api.identifyAndAuthorize().methods().stream()
                .map(Enum::name)
                .sorted()
                .collect(Collectors.joining(", "));
        rows.add(
            new Row(
                "/ui/apis/" + enc(api.name()) + "/" + enc(api.version()),
                List.of(
                    api.name(),
                    api.version(),
                    api.basePath(),
                    api.upstreams().stream().map(Object::toString).collect(Collectors.joining(" ")),
                    methods.isEmpty() ? "anonymous" : methods),
                api.active() ? "active" : "inactive",
                api.active()));
      }
      return rows;
    }

    @Override
    public Versioned<ObjectNode> read(String key) {
      String[] parts = split(key);
      Versioned<Api> api = control.api(parts[0], parts[1]);
      return new Versioned<>(codec.writeApi(api.value()), api.version());
    }

    @Override
    public Stored save(ObjectNode doc, String key, Precondition expected, List<Violation> out) {
      if (key != null) {
        String[] parts = split(key);
        doc.put("name", parts[0]).put("version", parts[1]);
      }
      Api api = codec.readApi(doc, "", out);
      if (api == null || !out.isEmpty()) return null;
      Saved<Api> saved = key == null ? control.createApi(api) : control.putApi(api, expected);
      return stored(api.key(), saved);
    }

    @Override
    public void delete(String key, Precondition expected) {
      String[] parts = split(key);
      control.deleteApi(parts[0], parts[1], expected);
    }

    static String[] split(String key) {
      int slash = key.lastIndexOf('/');
      if (slash <= 0) throw new io.portcullis.control.NotFoundException("API", key);
      return new String[] {key.substring(0, slash), key.substring(slash + 1)};
    }
  }

  // ---------------------------------------------------------------- applications

  static final class Applications extends Base {
    Applications(ControlPlane control, RegistryCodec codec) {
      super(
          control,
          codec,
          "applications",
          "Applications",
          "application",
          List.of("name"),
          List.of("Name", "Identifiers", "APIs", "Client id"),
          List.of("enabled", "disabled"));
    }

    @Override
    public List<FormField> fields(String variant) {
      return List.of(
          f("name", "Name", TEXT, "such as photo-app"),
          f("description", "Description", TEXT, ""),
          f("enabled", "Enabled", CHECKBOX, ""),
          f(
              "identifiers",
              "Identifiers (claim sets)",
              CLAIM_SETS,
              "one claim set a line, such as sub=photo-app, iss=https://idp.example"),
          f("apis", "APIs", LINES, "one API a line, as name/version"),
          f("scopes", "Scopes", WORDS, "granted scopes, separated by spaces"),
          f("clientId", "Client id", TEXT, "for the token endpoint"),
          f("clientSecret", "New client secret", PASSWORD, "leave empty to keep the current one"),
          f("authorizationServer", "Authorization server", TEXT, "the alias it trusts"),
          f("jwks", "Keys: JWKS", JSON, "a JWK set, { \"keys\": [ … ] }"),
          f("jwksUri", "Keys: JWKS URI", TEXT, ""),
          f("certificates", "Keys: PEM", TEXTAREA, "PEM public keys or certificates"),
          f("claims", "Extra claims it may carry", WORDS, ""),
          f("tokenParameters", "Token parameters", MAP, "name=value, one a line"),
          f("users", "Users acting for it", WORDS, "usernames"),
          f(
              "tlsClientAuth",
              "TLS client authentication",
              JSON,
              "{ \"subjectDn\": \"CN=photo-app\" }, { \"sanDns\": \"photo.example\" } or"
                  + " { \"selfSigned\": true }"));
    }

    @Override
    public ObjectNode template(String variant) {
      return JsonNodeFactory.instance.objectNode().put("enabled", true);
    }

    @Override
    public List<Row> rows(RegistryContent content, String q, String status) {
      List<Row> rows = new ArrayList<>();
      for (ApplicationSpec app : content.applications()) {
        boolean enabled = app.enabled() == null || app.enabled();
        if (!matches(q, app.name(), app.description(), app.clientId())) continue;
        if (status != null && !status.isEmpty() && enabled != status.equals("enabled")) continue;
        String identifiers =
            app.identifiers().stream()
                .map(
                    set ->
                        set.claims().entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .sorted()
                            .collect(Collectors.joining(", ")))
                .collect(Collectors.joining("; "));
        rows.add(
            new Row(
                "/ui/applications/" + enc(app.name()),
                List.of(
                    app.name(),
                    identifiers,
                    String.join(", ", app.apis()),
                    app.clientId() == null ? "" : app.clientId()),
                enabled ? "enabled" : "disabled",
                enabled));
      }
      return rows;
    }

    @Override
    public Versioned<ObjectNode> read(String key) {
      Versioned<ApplicationSpec> app = control.application(key);
      return new Versioned<>(codec.writeApplication(app.value(), false), app.version());
    }

    @Override
    public Stored save(ObjectNode doc, String key, Precondition expected, List<Violation> out) {
      if (key != null) doc.put("name", key);
      ApplicationSpec spec = codec.readApplication(doc, "", out);
      if (spec == null || !out.isEmpty()) return null;
      Saved<ApplicationSpec> saved =
          key == null ? control.createApplication(spec) : control.putApplication(spec, expected);
      return stored(spec.name(), saved);
    }

    @Override
    public void delete(String key, Precondition expected) {
      control.deleteApplication(key, expected);
    }
  }

  // ---------------------------------------------------------------- authorization servers

  static final class Servers extends Base {
    Servers(ControlPlane control, RegistryCodec codec) {
      super(
          control,
          codec,
          "authorization-servers",
          "Authorization servers",
          "authorization server",
          List.of("alias", "type"),
          List.of("Alias", "Type", "Issuer"),
          List.of());
    }

    @Override
    public List<FormField> fields(String variant) {
      List<FormField> fields = new ArrayList<>();
      fields.add(f("alias", "Alias", TEXT, "such as partner-idp"));
      fields.add(choice("type", "Type", CHOICE, "", List.of(type(variant))));
      fields.add(f("issuer", "Issuer URI", TEXT, ""));
      fields.add(f("clockSkew", "Clock skew (s)", NUMBER, ""));
      if ("external".equals(type(variant))) {
        fields.add(f("jwksUri", "JWKS URI", TEXT, "where its public keys are published"));
        fields.add(f("certificates", "PEM certificates", TEXTAREA, "instead of a JWKS URI"));
        fields.add(f("audience", "Expected audience", WORDS, ""));
        fields.add(f("algorithms", "Allowed algorithms", WORDS, "such as RS256 ES256"));
        return fields;
      }
      fields.add(f("jwt.algorithm", "JWT algorithm", TEXT, "RS256, ES256 or EdDSA"));
      fields.add(f("jwt.expiresIn", "JWT lifetime (s)", NUMBER, ""));
      fields.add(f("jwt.audience", "JWT audience", TEXT, ""));
      fields.add(f("assertionAudience", "Assertion audience", TEXT, ""));
      fields.add(f("assertionMaxLifetime", "Assertion max lifetime (s)", NUMBER, ""));
      fields.add(f("scopeMatching", "Scope matching", TEXT, ""));
      fields.add(f("accessToken.expiresIn", "Access token lifetime (s)", NUMBER, ""));
      fields.add(f("accessToken.length", "Access token length", NUMBER, ""));
      fields.add(f("accessToken.type", "Access token type", TEXT, ""));
      fields.add(f("refreshToken.enabled", "Refresh tokens", CHECKBOX, ""));
      fields.add(f("refreshToken.expiresIn", "Refresh token lifetime (s)", NUMBER, ""));
      fields.add(f("refreshToken.length", "Refresh token length", NUMBER, ""));
      fields.add(f("tokenStore.type", "Token store", TEXT, "cache or database"));
      fields.add(f("tokenStore.purgeInterval", "Purge interval (s)", NUMBER, ""));
      fields.add(f("dpop.nonce", "DPoP: require server nonces", CHECKBOX, ""));
      fields.add(f("dpop.proofMaxAge", "DPoP proof max age (s)", NUMBER, ""));
      fields.add(f("dpop.proofFutureSkew", "DPoP proof future skew (s)", NUMBER, ""));
      return fields;
    }

    private static String type(String variant) {
      return "internal".equals(variant) ? "internal" : "external";
    }

    @Override
    public ObjectNode template(String variant) {
      return JsonNodeFactory.instance.objectNode().put("type", type(variant));
    }

    @Override
    public String variant(JsonNode document) {
      return document.path("type").asText("external");
    }

    @Override
    public List<Row> rows(RegistryContent content, String q, String status) {
      List<Row> rows = new ArrayList<>();
      for (AuthorizationServer s : content.authorizationServers()) {
        if (!matches(q, s.alias(), s.issuer())) continue;
        String type = s.type() == null ? "" : s.type().name().toLowerCase(Locale.ROOT);
        rows.add(
            new Row(
                "/ui/authorization-servers/" + enc(s.alias()),
                List.of(s.alias(), type, s.issuer() == null ? "" : s.issuer()),
                "",
                true));
      }
      return rows;
    }

    @Override
    public Versioned<ObjectNode> read(String key) {
      Versioned<AuthorizationServer> s = control.authorizationServer(key);
      ObjectNode doc = codec.writeAuthorizationServer(s.value());
      doc.put("alias", key);
      return new Versioned<>(doc, s.version());
    }

    @Override
    public Stored save(ObjectNode doc, String key, Precondition expected, List<Violation> out) {
      JsonNode alias = doc.remove("alias");
      String name = key != null ? key : alias == null ? "" : alias.asText();
      if (name.isEmpty()) {
        out.add(new Violation("alias", "is required, such as partner-idp"));
        return null;
      }
      AuthorizationServer server = codec.readAuthorizationServer(name, doc, "", out);
      if (server == null || !out.isEmpty()) return null;
      Saved<AuthorizationServer> saved =
          key == null
              ? control.createAuthorizationServer(server)
              : control.putAuthorizationServer(server, expected);
      return stored(name, saved);
    }

    @Override
    public void delete(String key, Precondition expected) {
      control.deleteAuthorizationServer(key, expected);
    }
  }

  // ---------------------------------------------------------------- users

  static final class Users extends Base {
    Users(ControlPlane control, RegistryCodec codec) {
      super(
          control,
          codec,
          "users",
          "Users",
          "user",
          List.of("username"),
          List.of("Username", "Roles"),
          List.of("enabled", "disabled"));
    }

    @Override
    public List<FormField> fields(String variant) {
      return List.of(
          f("username", "Username", TEXT, ""),
          f("password", "New password", PASSWORD, "leave empty to keep the current one"),
          f("enabled", "Enabled", CHECKBOX, ""),
          choice(
              "roles",
              "Roles",
              CHOICES,
              "admin changes everything; viewer only looks; developer uses the portal",
              List.of("admin", "viewer", "developer")));
    }

    @Override
    public ObjectNode template(String variant) {
      return JsonNodeFactory.instance.objectNode().put("enabled", true);
    }

    @Override
    public List<Row> rows(RegistryContent content, String q, String status) {
      List<Row> rows = new ArrayList<>();
      for (UserSpec u : content.users()) {
        boolean enabled = u.enabled() == null || u.enabled();
        if (!matches(q, u.username())) continue;
        if (status != null && !status.isEmpty() && enabled != status.equals("enabled")) continue;
        rows.add(
            new Row(
                "/ui/users/" + enc(u.username()),
                List.of(
                    u.username(), u.roles().stream().sorted().collect(Collectors.joining(", "))),
                enabled ? "enabled" : "disabled",
                enabled));
      }
      return rows;
    }

    @Override
    public Versioned<ObjectNode> read(String key) {
      Versioned<UserSpec> u = control.user(key);
      return new Versioned<>(codec.writeUser(u.value(), false), u.version());
    }

    @Override
    public Stored save(ObjectNode doc, String key, Precondition expected, List<Violation> out) {
      if (key != null) doc.put("username", key);
      UserSpec spec = codec.readUser(doc, "", out);
      if (spec == null || !out.isEmpty()) return null;
      Saved<UserSpec> saved =
          key == null ? control.createUser(spec) : control.putUser(spec, expected);
      return stored(spec.username(), saved);
    }

    @Override
    public void delete(String key, Precondition expected) {
      control.deleteUser(key, expected);
    }
  }

  // ---------------------------------------------------------------- scopes

  static final class Scopes extends Base {
    Scopes(ControlPlane control, RegistryCodec codec) {
      super(
          control,
          codec,
          "scopes",
          "Scopes",
          "scope",
          List.of("name"),
          List.of("Name", "Description"),
          List.of());
    }

    @Override
    public List<FormField> fields(String variant) {
      return List.of(
          f("name", "Name", TEXT, "a word or a URI, such as photos:read"),
          f("description", "Description", TEXT, ""));
    }

    @Override
    public ObjectNode template(String variant) {
      return JsonNodeFactory.instance.objectNode();
    }

    @Override
    public List<Row> rows(RegistryContent content, String q, String status) {
      List<Row> rows = new ArrayList<>();
      for (Scope s : content.scopes()) {
        if (!matches(q, s.name(), s.description())) continue;
        rows.add(
            new Row(
                "/ui/scopes/" + enc(s.name()),
                List.of(s.name(), s.description() == null ? "" : s.description()),
                "",
                true));
      }
      return rows;
    }

    @Override
    public Versioned<ObjectNode> read(String key) {
      Versioned<Scope> s = control.scope(key);
      ObjectNode doc = JsonNodeFactory.instance.objectNode();
      doc.put("name", s.value().name());
      if (s.value().description() != null) doc.put("description", s.value().description());
      return new Versioned<>(doc, s.version());
    }

    @Override
    public Stored save(ObjectNode doc, String key, Precondition expected, List<Violation> out) {
      if (key != null) doc.put("name", key);
      Scope scope = codec.readScope(doc, "", out);
      if (scope == null || !out.isEmpty()) return null;
      return stored(
          scope.name(),
          key == null ? control.createScope(scope) : control.putScope(scope, expected));
    }

    @Override
    public void delete(String key, Precondition expected) {
      control.deleteScope(key, expected);
    }
  }
}
