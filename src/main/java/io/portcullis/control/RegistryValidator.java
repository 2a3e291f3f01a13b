package io.portcullis.control;

import io.portcullis.registry.Api;
import io.portcullis.registry.ApiPortal;
import io.portcullis.registry.Application;
import io.portcullis.registry.Application.ClaimSet;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.IdentificationMethod;
import io.portcullis.registry.OutboundPolicy;
import io.portcullis.registry.ReservedClaims;
import io.portcullis.registry.Scope;
import io.portcullis.registry.TlsClientAuth;
import io.portcullis.registry.UpstreamTls;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;

/**
 * The rules every registry entity must satisfy, alone ({@code check*}) and together with the rest
 * of the registry ({@link #checkReferences}). Paths in the violations are relative to the entity.
 */
public final class RegistryValidator {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._~-]{0,127}");
  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}");
  // RFC 6749 §3.3 scope-token: %x21 / %x23-5B / %x5D-7E
  private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,512}");
  private static final Pattern BASE_PATH = Pattern.compile("/|(/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+");
  public static final Set<String> SIGNING_ALGORITHMS =
      Set.of("RS256", "RS384", "RS512", "ES256", "EdDSA");
  public static final Set<String> VERIFYING_ALGORITHMS =
      Set.of(
          "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");

  /** The HMAC algorithms an external issuer with secrets may use, and their minimum key bytes. */
  public static final Map<String, Integer> HMAC_ALGORITHMS =
      Map.of("HS256", 32, "HS384", 48, "HS512", 64);

  /** The developer portal's path on the gateway port; no API may have it as base path. */
  public static final String PORTAL_PATH = "/portal";

  /** The longest inline API document (characters) an API's {@code portal} section may hold. */
  public static final int MAX_PORTAL_DOCUMENT = 1024 * 1024;

  public static final Set<String> TOKEN_STORE_TYPES = Set.of("cache", "database");

  /**
   * The identification methods a gateway has an identifier for. An API that names another would
   * refuse every call (503), so validation refuses it instead.
   */
  public static final Set<IdentificationMethod> AVAILABLE_METHODS =
      java.util.EnumSet.of(IdentificationMethod.JWT, IdentificationMethod.OAUTH2_TOKEN);

  static final int MIN_PASSWORD_LENGTH = 8;
  static final int MIN_TOKEN_LENGTH = 22;

  private RegistryValidator() {}

  /** The API's own rules and its upstreams against where the gateway may connect. */
  public static List<Violation> checkApi(Api api, OutboundPolicy outbound) {
    List<Violation> v = checkApi(api);
    v.addAll(checkOutbound(api, outbound));
    return v;
  }

  /** The API's own rules; {@link #checkOutbound} judges where its upstreams point. */
  public static List<Violation> checkApi(Api api) {
    List<Violation> v = new ArrayList<>();
    UpstreamTls tls = api.upstreamTls();
    if (tls != null && (tls.certificate() == null) != (tls.key() == null)) {
      v.add(
          new Violation(
              tls.key() == null ? "upstreamTls.key" : "upstreamTls.certificate",
              "give the client certificate and its key together, or neither"));
    }
    if (tls != null && !tls.verifyHostname() && tls.ca() == null) {
      v.add(
          new Violation(
              "upstreamTls.verifyHostname",
              "false only with a ca: hostname verification may be switched off for an upstream"
                  + " whose private CA is given, never for certificates of the public CAs"));
    }
    name(v, "name", api.name());
    name(v, "version", api.version());
    if (api.basePath() == null || !BASE_PATH.matcher(api.basePath()).matches()) {
      v.add(
          new Violation(
              "basePath",
              "expected a path such as /petstore/v1: starts with /, no trailing /, no empty, '.' or '..' segments, no query; was "
                  + quote(api.basePath())));
    } else if (api.basePath().contains("/./")
        || api.basePath().endsWith("/.")
        || api.basePath().contains("/..")) {
      v.add(
          new Violation(
              "basePath", "must not contain '.' or '..' segments; was " + quote(api.basePath())));
    }
    if (api.basePath() != null
        && (api.basePath().equals(PORTAL_PATH) || api.basePath().startsWith(PORTAL_PATH + "/"))) {
      v.add(
          new Violation(
              "basePath",
              PORTAL_PATH
                  + " is reserved for the developer portal, which the gateway serves ahead of"
                  + " every API; was "
                  + quote(api.basePath())));
    }
    checkPortal(v, api.portal());
    if (api.upstreams().isEmpty()) {
      v.add(
          new Violation(
              "upstream", "at least one upstream URL is required, e.g. http://127.0.0.1:9000"));
    }
    for (int i = 0; i < api.upstreams().size(); i++) {
      URI u = api.upstreams().get(i);
      String path = api.upstreams().size() == 1 ? "upstream" : "upstream[" + i + "]";
      if (u == null
          || u.getScheme() == null
          || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
          || u.getHost() == null) {
        v.add(
            new Violation(
                path,
                "expected an absolute http or https URL with a host; was "
                    + quote(String.valueOf(u))));
      } else if (u.getRawQuery() != null
          || u.getRawFragment() != null
          || u.getRawUserInfo() != null) {
        v.add(
            new Violation(
                path, "must not have a query, fragment or user info; was " + quote(u.toString())));
      }
    }
    for (IdentificationMethod method : api.identifyAndAuthorize().methods()) {
      if (!AVAILABLE_METHODS.contains(method)) {
        v.add(
            new Violation(
                "identifyAndAuthorize.methods",
                method
                    + " is not available: this gateway has no identifier for it, so every call"
                    + " would be refused; expected "
                    + AVAILABLE_METHODS.stream().map(Enum::name).sorted().toList()));
      }
    }
    for (int i = 0; i < api.identifyAndAuthorize().scopes().size(); i++) {
      scope(
          v, "identifyAndAuthorize.scopes[" + i + "]", api.identifyAndAuthorize().scopes().get(i));
    }
    return v;
  }

  /** Rules of an API's {@code portal} section: lengths, and one document at most. */
  private static void checkPortal(List<Violation> v, ApiPortal p) {
    if (p.openapi() != null && p.wsdl() != null) {
      v.add(new Violation("portal.wsdl", "give an openapi or a wsdl document, not both"));
    }
    maxLength(v, "portal.summary", p.summary(), 300);
    maxLength(v, "portal.description", p.description(), 20_000);
    for (String[] doc : new String[][] {{"openapi", p.openapi()}, {"wsdl", p.wsdl()}}) {
      if (doc[1] == null) continue;
      if (doc[1].isBlank()) {
        v.add(new Violation("portal." + doc[0], "expected the document or a file path; was empty"));
      }
      maxLength(v, "portal." + doc[0], doc[1], MAX_PORTAL_DOCUMENT);
    }
  }

  private static void maxLength(List<Violation> v, String path, String value, int max) {
    if (value != null && value.length() > max) {
      v.add(new Violation(path, "expected at most " + max + " characters; was " + value.length()));
    }
  }

  public static List<Violation> checkUser(UserSpec user, boolean exists) {
    List<Violation> v = new ArrayList<>();
    if (user.username() == null || !USERNAME.matcher(user.username()).matches()) {
      v.add(
          new Violation(
              "username",
              "expected 1-128 letters, digits or . _ @ + - ; was " + quote(user.username())));
    }
    if (user.password() != null && user.passwordHash() != null) {
      v.add(new Violation("password", "give password or passwordHash, not both"));
    } else if (user.password() != null && user.password().length() < MIN_PASSWORD_LENGTH) {
      v.add(new Violation("password", "must be at least " + MIN_PASSWORD_LENGTH + " characters"));
    } else if (user.passwordHash() != null
        && !io.portcullis.credential.PasswordHasher.isHash(user.passwordHash())) {
      v.add(new Violation("passwordHash", "expected a hash as export writes it (pbkdf2-sha256$…)"));
    } else if (user.password() == null && user.passwordHash() == null && !exists) {
      v.add(new Violation("password", "is required for a new user"));
    }
    for (String role : user.roles()) {
      if (role == null || !NAME.matcher(role).matches())
        v.add(new Violation("roles", "expected role names such as admin; was " + quote(role)));
    }
    return v;
  }

  public static List<Violation> checkScope(Scope scope) {
    List<Violation> v = new ArrayList<>();
    scope(v, "name", scope.name());
    return v;
  }

  /**
   * The server's own rules, and its {@code jwksUri} and certificate files against what the gateway
   * may reach. Nothing is fetched or read here: the keys are loaded after the change is saved, on a
   * worker, and checked again then.
   */
  public static List<Violation> checkAuthorizationServer(
      AuthorizationServer s, OutboundPolicy outbound) {
    List<Violation> v = checkAuthorizationServer(s);
    v.addAll(checkOutbound(s, outbound));
    return v;
  }

  /** The server's own rules; {@link #checkOutbound} judges where its keys come from. */
  public static List<Violation> checkAuthorizationServer(AuthorizationServer s) {
    List<Violation> v = new ArrayList<>();
    name(v, "alias", s.alias());
    if (s.type() == null) {
      v.add(new Violation("type", "expected internal or external"));
      return v;
    }
    if (s.clockSkew() < 0 || s.clockSkew() > 600)
      v.add(new Violation("clockSkew", "expected 0 to 600 seconds; was " + s.clockSkew()));
    if (s.type() == AuthorizationServer.Type.INTERNAL) {
      if (!AuthorizationServer.LOCAL.equals(s.alias())) {
        v.add(
            new Violation(
                "alias",
                "the internal authorization server is always named local; was "
                    + quote(s.alias())));
      }
      absoluteUrl(v, "issuer", s.issuer(), true);
      if (!SIGNING_ALGORITHMS.contains(s.jwt().algorithm())) {
        v.add(
            new Violation(
                "jwt.algorithm",
                "expected one of "
                    + sorted(SIGNING_ALGORITHMS)
                    + "; was "
                    + quote(s.jwt().algorithm())));
      }
      positive(v, "jwt.expiresIn", s.jwt().expiresIn());
      absoluteUrl(v, "assertionAudience", s.assertionAudience(), false);
      if (s.assertionMaxLifetime().isNegative() || s.assertionMaxLifetime().isZero())
        v.add(
            new Violation(
                "assertionMaxLifetime",
                "expected a positive number of seconds; was "
                    + s.assertionMaxLifetime().toSeconds()));
      positive(v, "accessToken.expiresIn", s.accessToken().expiresIn());
      if (s.accessToken().length() < MIN_TOKEN_LENGTH || s.accessToken().length() > 512) {
        v.add(
            new Violation(
                "accessToken.length",
                "expected "
                    + MIN_TOKEN_LENGTH
                    + " to 512 characters; was "
                    + s.accessToken().length()));
      }
      if (s.accessToken().type() == null || s.accessToken().type().isBlank())
        v.add(new Violation("accessToken.type", "expected a token type such as Bearer"));
      positive(v, "refreshToken.expiresIn", s.refreshToken().expiresIn());
      if (s.refreshToken().length() < MIN_TOKEN_LENGTH || s.refreshToken().length() > 512) {
        v.add(
            new Violation(
                "refreshToken.length",
                "expected "
                    + MIN_TOKEN_LENGTH
                    + " to 512 characters; was "
                    + s.refreshToken().length()));
      }
      if (!TOKEN_STORE_TYPES.contains(s.tokenStore().type()))
        v.add(
            new Violation(
                "tokenStore.type",
                "expected cache or database; was " + quote(s.tokenStore().type())));
      positive(v, "tokenStore.purgeInterval", s.tokenStore().purgeInterval());
      positive(v, "dpop.proofMaxAge", s.dpop().proofMaxAge());
      if (s.dpop().proofFutureSkew() < 0) {
        v.add(
            new Violation(
                "dpop.proofFutureSkew",
                "expected zero or more seconds; was " + s.dpop().proofFutureSkew()));
      }
    } else {
      if (AuthorizationServer.LOCAL.equals(s.alias()))
        v.add(new Violation("alias", "local is reserved for the internal authorization server"));
      if (s.issuer() == null || s.issuer().isBlank())
        v.add(
            new Violation("issuer", "is required: the exact iss of the tokens this server issues"));
      boolean hasUri = s.jwksUri() != null && !s.jwksUri().isBlank();
      boolean hasCerts = !s.certificates().isEmpty();
      if (s.hasSecrets()) {
        if (hasUri || hasCerts)
          v.add(
              new Violation(
                  hasUri ? "jwksUri" : "certificates",
                  "an issuer has either secrets (HMAC) or public keys (jwksUri, certificates),"
                      + " never both, so that no algorithm can cross from one key kind to the"
                      + " other"));
        checkSecrets(v, s);
        return v;
      }
      if (hasUri == hasCerts)
        v.add(new Violation("jwksUri", "give exactly one of jwksUri or certificates"));
      if (hasUri) absoluteUrl(v, "jwksUri", s.jwksUri(), true);
      if (s.algorithms().isEmpty())
        v.add(new Violation("algorithms", "list the allowed algorithms, e.g. [RS256]"));
      for (int i = 0; i < s.algorithms().size(); i++) {
        if (!VERIFYING_ALGORITHMS.contains(s.algorithms().get(i))) {
          v.add(
              new Violation(
                  "algorithms[" + i + "]",
                  "expected an asymmetric algorithm, one of "
                      + sorted(VERIFYING_ALGORITHMS)
                      + "; was "
                      + quote(s.algorithms().get(i))));
        }
      }
    }
    return v;
  }

  /**
   * An HMAC issuer: its algorithms are HMAC ones only, and every secret is at least as long as the
   * longest hash among them (RFC 7518 §3.2). A secret is described by its length, never shown.
   */
  private static void checkSecrets(List<Violation> v, AuthorizationServer s) {
    if (s.algorithms().isEmpty())
      v.add(new Violation("algorithms", "list the allowed algorithms, e.g. [HS256]"));
    int needed = 0;
    String longest = null;
    for (int i = 0; i < s.algorithms().size(); i++) {
      String algorithm = s.algorithms().get(i);
      Integer bytes = HMAC_ALGORITHMS.get(algorithm);
      if (bytes == null) {
        v.add(
            new Violation(
                "algorithms[" + i + "]",
                "expected an HMAC algorithm, one of "
                    + sorted(HMAC_ALGORITHMS.keySet())
                    + ", since the issuer has secrets; was "
                    + quote(algorithm)));
      } else if (bytes > needed) {
        needed = bytes;
        longest = algorithm;
      }
    }
    for (int i = 0; i < s.secrets().size(); i++) {
      int length = s.secrets().get(i).getBytes(StandardCharsets.UTF_8).length;
      if (longest != null && length < needed) {
        v.add(
            new Violation(
                "secrets[" + i + "]",
                "the secret is "
                    + length
                    + " bytes; "
                    + longest
                    + " needs at least "
                    + needed
                    + " bytes (as long as its hash)"));
      }
    }
  }

  /** The application's own rules and its key sources against what the gateway may reach. */
  public static List<Violation> checkApplication(
      ApplicationSpec app, boolean exists, OutboundPolicy outbound) {
    List<Violation> v = checkApplication(app, exists);
    v.addAll(checkOutbound(app, outbound));
    return v;
  }

  /** An IPv4 address in dotted decimal, or something shaped like an IPv6 address. */
  private static final Pattern IP_LITERAL =
      Pattern.compile(
          "((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])"
              + "|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");

  /** The application's own rules; {@link #checkOutbound} judges where its keys come from. */
  public static List<Violation> checkApplication(ApplicationSpec app, boolean exists) {
    List<Violation> v = new ArrayList<>();
    name(v, "name", app.name());
    if (app.clientId() != null && !USERNAME.matcher(app.clientId()).matches()) {
      v.add(
          new Violation(
              "clientId",
              "expected 1-128 letters, digits or . _ @ + - ; was " + quote(app.clientId())));
    }
    if (app.clientSecret() != null && app.clientSecretHash() != null) {
      v.add(new Violation("clientSecret", "give clientSecret or clientSecretHash, not both"));
    } else if (app.clientSecret() != null && app.clientSecret().length() < MIN_PASSWORD_LENGTH) {
      v.add(
          new Violation("clientSecret", "must be at least " + MIN_PASSWORD_LENGTH + " characters"));
    } else if (app.clientSecretHash() != null
        && !io.portcullis.credential.PasswordHasher.isHash(app.clientSecretHash())) {
      v.add(
          new Violation(
              "clientSecretHash", "expected a hash as export writes it (pbkdf2-sha256$…)"));
    }
    List<ClaimSet> ids = app.identifiers() == null ? List.of() : app.identifiers();
    for (int i = 0; i < ids.size(); i++) {
      ClaimSet set = ids.get(i);
      if (set == null || set.claims().isEmpty())
        v.add(
            new Violation(
                "identifiers[" + i + "].claims",
                "an identifier needs at least one claim, e.g. { sub: photo-app }"));
    }
    List<String> scopes = app.scopes() == null ? List.of() : app.scopes();
    for (int i = 0; i < scopes.size(); i++) scope(v, "scopes[" + i + "]", scopes.get(i));
    if (app.jwksUri() != null) absoluteUrl(v, "jwksUri", app.jwksUri(), true);
    List<String> claims = app.claims() == null ? List.of() : app.claims();
    for (int i = 0; i < claims.size(); i++) {
      if (ReservedClaims.ALWAYS.contains(claims.get(i))) {
        v.add(
            new Violation(
                "claims[" + i + "]",
                "claim "
                    + quote(claims.get(i))
                    + " is reserved: the gateway sets it and reads it to identify the caller or"
                    + " authorise the call, so an application may not choose it; reserved: "
                    + sorted(ReservedClaims.ALWAYS)
                    + " and every claim an application's identifiers test"));
      }
    }
    if (app.tlsClientAuth() != null) tlsClientAuth(v, app);
    return v;
  }

  /** The certificate an application authenticates with names something that can be compared. */
  private static void tlsClientAuth(List<Violation> v, ApplicationSpec app) {
    TlsClientAuth tls = app.tlsClientAuth();
    String field = "tlsClientAuth." + tls.match().field();
    switch (tls.match()) {
      case SUBJECT_DN -> {
        try {
          new X500Principal(tls.value());
        } catch (IllegalArgumentException e) {
          v.add(
              new Violation(
                  field,
                  "expected a distinguished name (RFC 4514) such as CN=photo-app,O=Example; was "
                      + quote(tls.value())));
        }
      }
      case SAN_IP -> {
        if (!IP_LITERAL.matcher(tls.value()).matches()) {
          v.add(
              new Violation(
                  field,
                  "expected an IPv4 or IPv6 address such as 192.0.2.10; was "
                      + quote(tls.value())));
        }
      }
      case SELF_SIGNED -> {
        if (app.jwks() == null
            && app.jwksUri() == null
            && (app.certificates() == null || app.certificates().isEmpty())) {
          v.add(
              new Violation(
                  field,
                  "self_signed_tls_client_auth matches the certificate's public key against the"
                      + " application's keys: give jwks, jwksUri or certificates"));
        }
      }
      default -> {
        if (tls.value().isBlank()) v.add(new Violation(field, "must not be empty"));
      }
    }
  }

  /**
   * Checks the references between entities of a whole registry: the application's authorization
   * server, scopes, APIs and users exist; base paths are unique; no two applications of one issuer
   * have overlapping identifiers; client ids are unique.
   *
   * @return violations with paths such as {@code applications[photo-app].apis[0]}
   */
  public static List<Violation> checkReferences(
      Collection<Api> apis,
      Collection<Application> applications,
      Collection<Scope> scopes,
      Collection<AuthorizationServer> servers,
      Collection<String> usernames) {
    List<Violation> v = new ArrayList<>();
    Set<String> userNames = Set.copyOf(usernames);
    Set<String> scopeNames = new java.util.HashSet<>();
    scopes.forEach(s -> scopeNames.add(s.name()));
    Set<String> apiKeys = new java.util.HashSet<>();
    Map<String, String> basePaths = new HashMap<>();
    for (Api api : apis) {
      apiKeys.add(api.key());
      String other = basePaths.putIfAbsent(api.basePath(), api.key());
      if (other != null) {
        v.add(
            new Violation(
                "apis[" + api.key() + "].basePath",
                "base path " + api.basePath() + " is already used by API " + other));
      }
      List<String> required = api.identifyAndAuthorize().scopes();
      for (int i = 0; i < required.size(); i++) {
        if (!scopeNames.contains(required.get(i))) {
          v.add(
              new Violation(
                  "apis[" + api.key() + "].identifyAndAuthorize.scopes[" + i + "]",
                  "scope " + quote(required.get(i)) + " is not registered"));
        }
      }
    }
    Map<String, AuthorizationServer> serversByAlias = new HashMap<>();
    servers.forEach(s -> serversByAlias.put(s.alias(), s));
    Map<String, String> issuers = new HashMap<>();
    for (AuthorizationServer s : servers) {
      if (s.issuer() == null) continue;
      String other = issuers.putIfAbsent(s.issuer(), s.alias());
      if (other != null)
        v.add(
            new Violation(
                "authorizationServers." + s.alias() + ".issuer",
                "issuer " + s.issuer() + " is already that of authorization server " + other));
    }
    Map<String, String> clientIds = new HashMap<>();
    List<Application> list = new ArrayList<>(applications);
    for (Application app : list) {
      String at = "applications[" + app.name() + "]";
      if (app.clientId() != null) {
        String other = clientIds.putIfAbsent(app.clientId(), app.name());
        if (other != null)
          v.add(
              new Violation(
                  at + ".clientId",
                  "client id "
                      + quote(app.clientId())
                      + " is already used by application "
                      + other));
      }
      if (app.authorizationServer() != null
          && !serversByAlias.containsKey(app.authorizationServer())) {
        v.add(
            new Violation(
                at + ".authorizationServer",
                "authorization server " + quote(app.authorizationServer()) + " does not exist"));
      }
      for (int i = 0; i < app.scopes().size(); i++) {
        if (!scopeNames.contains(app.scopes().get(i)))
          v.add(
              new Violation(
                  at + ".scopes[" + i + "]",
                  "scope " + quote(app.scopes().get(i)) + " is not registered"));
      }
      for (int i = 0; i < app.apis().size(); i++) {
        if (!apiKeys.contains(app.apis().get(i)))
          v.add(
              new Violation(
                  at + ".apis[" + i + "]",
                  "API " + quote(app.apis().get(i)) + " does not exist (expected name/version)"));
      }
      for (int i = 0; i < app.users().size(); i++) {
        if (!userNames.contains(app.users().get(i)))
          v.add(
              new Violation(
                  at + ".users[" + i + "]",
                  "user " + quote(app.users().get(i)) + " does not exist"));
      }
    }
    v.addAll(selfMintedIdentities(list, userNames));
    for (int a = 0; a < list.size(); a++) {
      for (int b = a + 1; b < list.size(); b++) {
        Application x = list.get(a);
        Application y = list.get(b);
        if (!Objects.equals(x.authorizationServer(), y.authorizationServer())) continue;
        for (ClaimSet cx : x.identifiers()) {
          for (ClaimSet cy : y.identifiers()) {
            if (overlap(cx, cy)) {
              v.add(
                  new Violation(
                      "applications[" + y.name() + "].identifiers",
                      "claims "
                          + cy.claims()
                          + " overlap those of application "
                          + x.name()
                          + " ("
                          + cx.claims()
                          + ") for the same authorization server: one token could identify both"));
            }
          }
        }
      }
    }
    return v;
  }

  /**
   * Ways a token minted at {@code /oauth2/jwt} could identify an application it was not issued for:
   * an application allowed to choose a claim that some application's identifier tests, and a user
   * whose name is the {@code sub} that identifies an application of the internal issuer (the user's
   * own JWT carries {@code sub} = username).
   */
  private static List<Violation> selfMintedIdentities(
      List<Application> applications, Set<String> usernames) {
    List<Violation> v = new ArrayList<>();
    Map<String, String> identifierClaims = new HashMap<>();
    for (Application app : applications) {
      for (ClaimSet set : app.identifiers()) {
        set.claims().keySet().forEach(claim -> identifierClaims.putIfAbsent(claim, app.name()));
      }
    }
    for (Application app : applications) {
      for (int i = 0; i < app.claims().size(); i++) {
        String owner = identifierClaims.get(app.claims().get(i));
        if (owner != null) {
          v.add(
              new Violation(
                  "applications[" + app.name() + "].claims[" + i + "]",
                  "claim "
                      + quote(app.claims().get(i))
                      + " is reserved: the identifiers of application "
                      + owner
                      + " test it, so a token in which application "
                      + app.name()
                      + " chose it could identify as another application"));
        }
      }
      if (!AuthorizationServer.LOCAL.equals(app.authorizationServer())) continue;
      for (ClaimSet set : app.identifiers()) {
        String sub = set.claims().get("sub");
        if (sub != null && usernames.contains(sub)) {
          v.add(
              new Violation(
                  "users[" + sub + "].username",
                  "user "
                      + quote(sub)
                      + " has the name that identifies application "
                      + app.name()
                      + " (identifier "
                      + set.claims()
                      + "): a JWT the user retrieves would identify as application "
                      + app.name()
                      + "; rename the user or change the application's identifier"));
        }
      }
    }
    return v;
  }

  /** Two claim sets overlap when one token could satisfy both: no claim they share differs. */
  static boolean overlap(ClaimSet a, ClaimSet b) {
    for (Map.Entry<String, String> e : a.claims().entrySet()) {
      String other = b.claims().get(e.getKey());
      if (other != null && !other.equals(e.getValue())) return false;
    }
    return true;
  }

  private static void name(List<Violation> v, String path, String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      v.add(
          new Violation(
              path,
              "expected 1-128 letters, digits or . _ ~ - starting with a letter or digit; was "
                  + quote(value)));
    }
  }

  private static void scope(List<Violation> v, String path, String value) {
    if (value == null || !SCOPE.matcher(value).matches()) {
      v.add(
          new Violation(
              path,
              "expected a scope token (printable ASCII, no spaces, quotes or backslashes); was "
                  + quote(value)));
    }
  }

  private static void positive(List<Violation> v, String path, long value) {
    if (value <= 0)
      v.add(new Violation(path, "expected a positive number of seconds; was " + value));
  }

  /**
   * Where an entity makes the gateway connect or read, judged by the outbound policy: an API's
   * upstreams, an application's or external server's {@code jwksUri} and {@code certificates}
   * files. Values that the entity's own rules refuse as malformed are left to those rules.
   *
   * @param entity an {@link Api}, {@link AuthorizationServer} or {@link ApplicationSpec}; anything
   *     else has no outbound targets
   * @return violations with paths relative to the entity
   */
  public static List<Violation> checkOutbound(Object entity, OutboundPolicy outbound) {
    List<Violation> v = new ArrayList<>();
    if (entity instanceof Api api) {
      for (int i = 0; i < api.upstreams().size(); i++) {
        String path = api.upstreams().size() == 1 ? "upstream" : "upstream[" + i + "]";
        URI u = api.upstreams().get(i);
        if (u != null && u.getHost() != null) {
          outbound.checkUrl(u).ifPresent(why -> v.add(new Violation(path, why)));
        }
      }
      for (String[] doc :
          new String[][] {{"openapi", api.portal().openapi()}, {"wsdl", api.portal().wsdl()}}) {
        if (doc[1] == null || doc[1].isBlank() || ApiPortal.isInline(doc[1])) continue;
        outbound.checkFile(doc[1]).ifPresent(why -> v.add(new Violation("portal." + doc[0], why)));
      }
      UpstreamTls tls = api.upstreamTls();
      if (tls != null) {
        String[][] files = {
          {"ca", tls.ca()}, {"certificate", tls.certificate()}, {"key", tls.key()}
        };
        for (String[] file : files) {
          if (file[1] == null) continue;
          outbound
              .checkFile(file[1])
              .ifPresent(why -> v.add(new Violation("upstreamTls." + file[0], why)));
        }
      }
    } else if (entity instanceof AuthorizationServer s) {
      outboundUrl(v, "jwksUri", s.jwksUri(), outbound);
      certificateFiles(v, s.certificates(), outbound);
    } else if (entity instanceof ApplicationSpec app) {
      outboundUrl(v, "jwksUri", app.jwksUri(), outbound);
      if (app.certificates() != null) certificateFiles(v, app.certificates(), outbound);
    }
    return v;
  }

  private static void outboundUrl(
      List<Violation> v, String path, String value, OutboundPolicy outbound) {
    if (value == null || value.isBlank()) return;
    URI u;
    try {
      u = new URI(value.strip());
    } catch (java.net.URISyntaxException e) {
      return;
    }
    if (u.getHost() != null) outbound.checkUrl(u).ifPresent(why -> v.add(new Violation(path, why)));
  }

  /** Entries that name files (not PEM text) must lie where certificates may be read from. */
  private static void certificateFiles(
      List<Violation> v, List<String> certificates, OutboundPolicy outbound) {
    for (int i = 0; i < certificates.size(); i++) {
      String entry = certificates.get(i);
      if (entry == null || entry.contains("-----BEGIN ")) continue;
      String path = "certificates[" + i + "]";
      outbound.checkFile(entry).ifPresent(why -> v.add(new Violation(path, why)));
    }
  }

  private static void absoluteUrl(List<Violation> v, String path, String value, boolean required) {
    if (value == null) {
      if (required) v.add(new Violation(path, "is required: an absolute http or https URL"));
      return;
    }
    try {
      URI u = new URI(value);
      if (u.getScheme() == null
          || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
          || u.getHost() == null) {
        v.add(new Violation(path, "expected an absolute http or https URL; was " + quote(value)));
      }
    } catch (java.net.URISyntaxException e) {
      v.add(new Violation(path, "expected an absolute http or https URL; was " + quote(value)));
    }
  }

  private static String quote(String s) {
    return s == null ? "nothing" : "'" + s + "'";
  }

  private static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }
}
