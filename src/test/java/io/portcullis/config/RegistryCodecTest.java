package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.control.ApplicationSpec;
import io.portcullis.control.RegistryContent;
import io.portcullis.control.UserSpec;
import io.portcullis.control.Violation;
import io.portcullis.registry.Api;
import io.portcullis.registry.ApiType;
import io.portcullis.registry.Application.ClaimSet;
import io.portcullis.registry.ApplicationLookup;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.IdentificationMethod;
import io.portcullis.registry.IdentifyAndAuthorize;
import io.portcullis.registry.Scope;
import io.portcullis.registry.Timeouts;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The codec as the admin API uses it: JSON bodies, paths relative to the body. */
class RegistryCodecTest {
  private final ObjectMapper json = new ObjectMapper();
  private final RegistryCodec codec = new RegistryCodec(json);
  private final List<Violation> out = new ArrayList<>();

  private JsonNode tree(String text) {
    try {
      return json.readTree(text.replace('\'', '"'));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static final Api SOAP_API =
      Api.builder()
          .name("billing")
          .version("2")
          .type(ApiType.SOAP)
          .basePath("/billing")
          .upstreams(List.of(URI.create("http://a:1"), URI.create("https://b:2/x")))
          .active(false)
          .timeouts(new Timeouts(100, 200))
          .identifyAndAuthorize(
              IdentifyAndAuthorize.builder()
                  .methods(Set.of(IdentificationMethod.OAUTH2_TOKEN, IdentificationMethod.JWT))
                  .applicationLookup(ApplicationLookup.GLOBAL)
                  .allowAnonymous(true)
                  .scopes(List.of("read"))
                  .forwardAuthorization(true)
                  .claimHeaders(Map.of("X-Dept", "department"))
                  .build())
          .build();

  @Test
  void readApiWhenWrittenThenTheSameApiComesBack() {
    ObjectNode written = codec.writeApi(SOAP_API);
    assertThat(written.get("type").textValue()).isEqualTo("SOAP");
    assertThat(written.get("upstream").isArray()).isTrue();
    assertThat(codec.readApi(written, "", out)).isEqualTo(SOAP_API);
    assertThat(out).isEmpty();
  }

  @Test
  void readApiWhenOneUpstreamAndLowerCaseEnumsThenAccepted() {
    Api api =
        codec.readApi(
            tree(
                "{'name':'p','version':'v1','type':'soap','basePath':'/p','upstream':'http://h:1',"
                    + "'identifyAndAuthorize':{'methods':['jwt'],'applicationLookup':'global'}}"),
            "",
            out);
    assertThat(out).isEmpty();
    assertThat(api.type()).isEqualTo(ApiType.SOAP);
    assertThat(api.upstreams()).containsExactly(URI.create("http://h:1"));
    assertThat(api.identifyAndAuthorize().applicationLookup()).isEqualTo(ApplicationLookup.GLOBAL);
    assertThat(codec.writeApi(api).get("upstream").textValue()).isEqualTo("http://h:1");
  }

  @Test
  void readApiWhenBodyIsBadThenPathsAreRelativeToTheBody() {
    Api api =
        codec.readApi(
            tree(
                "{'name':'p','version':'v1','basePath':'/p','upstream':['http://h', 'http://bad"
                    + " host', 7],'timeouts':{'connect':'2s','read':1},'extra':true}"),
            "",
            out);
    assertThat(api).isNull();
    assertThat(out)
        .containsExactly(
            new Violation(
                "extra",
                "unknown field; expected one of name, version, type, basePath, upstream, active,"
                    + " timeouts, identifyAndAuthorize, monitoring, upstreamTls, portal"),
            new Violation(
                "upstream[1]",
                "expected an absolute http or https URL; was \"http://bad host\" (Illegal character"
                    + " in authority)"),
            new Violation(
                "timeouts.read", "unknown field; expected one of connect, response, idle"),
            new Violation(
                "timeouts.connect",
                "expected a positive whole number of milliseconds; was \"2s\""));
  }

  @Test
  void readApiWhenNotAnObjectThenNullWithTheExpectedFields() {
    assertThat(codec.readApi(tree("['petstore']"), "apis[3]", out)).isNull();
    assertThat(out)
        .containsExactly(
            new Violation(
                "apis[3]",
                "expected an API as an object with the fields name, version, type, basePath,"
                    + " upstream, active, timeouts, identifyAndAuthorize, monitoring, upstreamTls, portal; was a list"));
  }

  @Test
  void readApiWhenPolicyIsNotAnObjectThenNoApiRatherThanAnOpenOne() {
    assertThat(
            codec.readApi(
                tree(
                    "{'name':'p','version':'v1','basePath':'/p','upstream':'http://h',"
                        + "'identifyAndAuthorize':'JWT'}"),
                "",
                out))
        .isNull();
    assertThat(out).extracting(Violation::path).containsExactly("identifyAndAuthorize");
  }

  @Test
  void readApiWhenVersionIsANumberThenItsTextIsUsed() {
    Api api =
        codec.readApi(
            tree("{'name':'p','version':2,'basePath':'/p','upstream':'http://h'}"), "", out);
    assertThat(api.version()).isEqualTo("2");
  }

  @Test
  void writeUserWhenSecretsAreAskedThenOnlyTheHashIsWritten() {
    UserSpec user =
        new UserSpec("bob", "clear-password", "pbkdf2-sha256$x", true, Set.of("b", "a"));
    ObjectNode withSecrets = codec.writeUser(user, true);
    assertThat(withSecrets.toString())
        .isEqualTo(
            "{\"username\":\"bob\",\"passwordHash\":\"pbkdf2-sha256$x\",\"enabled\":true,"
                + "\"roles\":[\"a\",\"b\"]}");
    assertThat(codec.writeUser(user, false).toString())
        .isEqualTo("{\"username\":\"bob\",\"enabled\":true,\"roles\":[\"a\",\"b\"]}");
  }

  @Test
  void readUserWhenFieldsAreWrongThenEachIsNamed() {
    assertThat(codec.readUser(tree("{'password':'x','roles':'admin'}"), "users[0]", out)).isNull();
    assertThat(out)
        .containsExactly(
            new Violation("users[0].username", "is required: the user's name, such as alice"),
            new Violation("users[0].roles", "expected a list of strings; was \"admin\""));
  }

  @Test
  void readApplicationWhenClaimValuesAreNumbersOrBooleansThenTheyBecomeText() {
    ApplicationSpec app =
        codec.readApplication(
            tree(
                "{'name':'a','identifiers':[{'claims':{'sub':'a','level':3,'admin':true}}],"
                    + "'tokenParameters':{'n':1.50},'certificates':'PEM'}"),
            "",
            out);
    assertThat(out).isEmpty();
    assertThat(app.identifiers())
        .containsExactly(new ClaimSet(Map.of("sub", "a", "level", "3", "admin", "true")));
    assertThat(app.tokenParameters()).isEqualTo(Map.of("n", "1.5"));
    assertThat(app.certificates()).containsExactly("PEM");
  }

  @Test
  void readApplicationWhenShapesAreWrongThenEachIsNamed() {
    assertThat(
            codec.readApplication(
                tree(
                    "{'name':'a','jwks':'[]','identifiers':[{'claims':{'sub':['x']}},{'sub':'y'}],"
                        + "'enabled':'yes'}"),
                "applications[0]",
                out))
        .isNotNull();
    assertThat(out)
        .containsExactly(
            new Violation(
                "applications[0].identifiers[0].claims.sub", "expected a string; was a list"),
            new Violation(
                "applications[0].identifiers[1].sub", "unknown field; expected one of claims"),
            new Violation(
                "applications[0].jwks",
                "expected a JWK set as an object, such as { keys: [ … ] }; was \"[]\""),
            new Violation("applications[0].enabled", "expected true or false; was \"yes\""));
  }

  @Test
  void writeApplicationWhenJwksIsAMapOrTextThenItIsWrittenAsAnObjectAndNoClearSecret() {
    ApplicationSpec fromStore =
        ApplicationSpec.builder()
            .name("a")
            .clientId("a")
            .clientSecret("clear-secret")
            .clientSecretHash("pbkdf2-sha256$h")
            .authorizationServer("local")
            .identifiers(List.of())
            .jwks(Map.of("keys", List.of()))
            .certificates(List.of())
            .scopes(List.of())
            .apis(List.of())
            .claims(List.of())
            .tokenParameters(Map.of())
            .users(List.of())
            .enabled(true)
            .build();
    ObjectNode admin = codec.writeApplication(fromStore, false);
    assertThat(admin.toString())
        .isEqualTo(
            "{\"name\":\"a\",\"clientId\":\"a\",\"authorizationServer\":\"local\","
                + "\"jwks\":{\"keys\":[]},\"enabled\":true}");
    ObjectNode export =
        codec.writeApplication(
            ApplicationSpec.builder()
                .name("a")
                .clientSecretHash("pbkdf2-sha256$h")
                .jwks("{\"keys\":[]}")
                .users(List.of())
                .build(),
            true);
    assertThat(export.toString())
        .isEqualTo(
            "{\"name\":\"a\",\"clientSecretHash\":\"pbkdf2-sha256$h\",\"jwks\":{\"keys\":[]}}");
  }

  @Test
  void readScopeWhenStringOrObjectThenBothAreScopes() {
    assertThat(codec.readScope(tree("'read'"), "", out)).isEqualTo(new Scope("read", null));
    assertThat(codec.readScope(tree("{'name':'read','description':'Read it'}"), "", out))
        .isEqualTo(new Scope("read", "Read it"));
    assertThat(codec.writeScope(new Scope("read", null)).textValue()).isEqualTo("read");
    assertThat(codec.writeScope(new Scope("read", "Read it")).toString())
        .isEqualTo("{\"name\":\"read\",\"description\":\"Read it\"}");
    assertThat(out).isEmpty();
  }

  @Test
  void readScopeWhenNeitherThenNullAndNamed() {
    assertThat(codec.readScope(tree("['read']"), "scopes[1]", out)).isNull();
    assertThat(codec.readScope(tree("{'description':'x'}"), "scopes[2]", out)).isNull();
    assertThat(out)
        .containsExactly(
            new Violation(
                "scopes[1]", "expected a scope name or { name, description }; was a list"),
            new Violation(
                "scopes[2].name",
                "is required: the scope, such as https://example.com/auth/photos"));
  }

  @Test
  void readAuthorizationServerWhenExternalWithOneAudienceThenItIsAList() {
    AuthorizationServer s =
        codec.readAuthorizationServer(
            "idp",
            tree(
                "{'type':'EXTERNAL','issuer':'https://idp','audience':'api://gw',"
                    + "'certificates':['PEM1','/etc/idp.pem'],'algorithms':['ES256']}"),
            "",
            out);
    assertThat(out).isEmpty();
    assertThat(s.audience()).containsExactly("api://gw");
    assertThat(s.certificates()).containsExactly("PEM1", "/etc/idp.pem");
    assertThat(s.clockSkew()).isEqualTo(60);
    ObjectNode written = codec.writeAuthorizationServer(s);
    assertThat(written.get("type").textValue()).isEqualTo("external");
    assertThat(codec.readAuthorizationServer("idp", written, "", out)).isEqualTo(s);
  }

  @Test
  void readAuthorizationServerWhenFieldsOfTheOtherTypeThenTheyAreUnknown() {
    codec.readAuthorizationServer(
        "local", tree("{'jwksUri':'https://x','jwt':{'alg':'RS256'}}"), "servers.local", out);
    assertThat(out)
        .containsExactly(
            new Violation(
                "servers.local.jwksUri",
                "unknown field; expected one of type, issuer, clockSkew, jwt, assertionAudience,"
                    + " assertionMaxLifetime, scopeMatching, accessToken, refreshToken,"
                    + " tokenStore, httpsOnly, dpop"),
            new Violation(
                "servers.local.jwt.alg",
                "unknown field; expected one of algorithm, expiresIn, audience"));
  }

  @Test
  void readAuthorizationServerWhenSecretOrSecretsThenReadAndNeverWritten() {
    AuthorizationServer one =
        codec.readAuthorizationServer(
            "partner",
            tree("{'type':'external','issuer':'https://p','secret':'s1','algorithms':['HS256']}"),
            "authorizationServers.partner",
            out);
    AuthorizationServer two =
        codec.readAuthorizationServer(
            "partner",
            tree("{'type':'external','issuer':'https://p','secrets':['s1','s2']}"),
            "authorizationServers.partner",
            out);

    assertThat(out).isEmpty();
    assertThat(one.secrets()).containsExactly("s1");
    assertThat(two.secrets()).containsExactly("s1", "s2");
    assertThat(codec.writeAuthorizationServer(two).toString()).doesNotContain("s1", "s2");
    assertThat(two.toString()).contains("secrets=[***, ***]").doesNotContain("s1");
  }

  @Test
  void readAuthorizationServerWhenSecretAndSecretsThenViolation() {
    codec.readAuthorizationServer(
        "partner",
        tree("{'type':'external','issuer':'https://p','secret':'s1','secrets':['s2']}"),
        "authorizationServers.partner",
        out);

    assertThat(out)
        .containsExactly(
            new Violation(
                "authorizationServers.partner.secrets", "give either secret or secrets, not both"));
  }

  @Test
  void readApiWhenUpstreamTlsGivenThenItRoundTripsWithHostnameVerifiedByDefault() {
    io.portcullis.registry.Api api =
        codec.readApi(
            tree(
                "{'name':'p','version':'v1','basePath':'/p','upstream':'https://p.internal',"
                    + "'upstreamTls':{'ca':'/etc/ca.pem','certificate':'/etc/c.crt','key':'/etc/c.key'}}"),
            "apis[0]",
            out);

    assertThat(out).isEmpty();
    assertThat(api.upstreamTls())
        .isEqualTo(
            new io.portcullis.registry.UpstreamTls(
                "/etc/ca.pem", "/etc/c.crt", "/etc/c.key", true));
    assertThat(codec.writeApi(api).get("upstreamTls").get("verifyHostname").asBoolean()).isTrue();
  }

  @Test
  void readAuthorizationServerWhenHttpsOnlyThenItRoundTrips() {
    AuthorizationServer s =
        codec.readAuthorizationServer(
            "local", tree("{'httpsOnly':true}"), "authorizationServers.local", out);

    assertThat(out).isEmpty();
    assertThat(s.httpsOnly()).isTrue();
    assertThat(codec.writeAuthorizationServer(s).get("httpsOnly").asBoolean()).isTrue();
  }

  @Test
  void readApiWhenSenderConstraintRequiredThenItRoundTripsAndAnUnknownValueIsRefused() {
    Api api =
        codec.readApi(
            tree(
                "{'name':'p','version':'v1','basePath':'/p','upstream':'http://h:1',"
                    + "'identifyAndAuthorize':{'methods':['JWT'],'senderConstraint':'required'}}"),
            "",
            out);
    assertThat(out).isEmpty();
    assertThat(api.identifyAndAuthorize().senderConstraint())
        .isEqualTo(io.portcullis.registry.SenderConstraint.REQUIRED);
    assertThat(codec.readApi(codec.writeApi(api), "", out)).isEqualTo(api);

    codec.readApi(
        tree(
            "{'name':'p','version':'v1','basePath':'/p','upstream':'http://h:1',"
                + "'identifyAndAuthorize':{'methods':['JWT'],'senderConstraint':'maybe'}}"),
        "",
        out);
    assertThat(out)
        .containsExactly(
            new Violation(
                "identifyAndAuthorize.senderConstraint",
                "expected one of ALLOWED, REQUIRED; was \"maybe\""));
  }

  @Test
  void readAuthorizationServerWhenDpopSettingsThenTheyRoundTripAndBadOnesAreRefused() {
    AuthorizationServer s =
        codec.readAuthorizationServer(
            "local",
            tree("{'dpop':{'nonce':true,'proofMaxAge':30}}"),
            "authorizationServers.local",
            out);

    assertThat(out).isEmpty();
    assertThat(s.dpop()).isEqualTo(new AuthorizationServer.DpopSettings(true, 30, 5));
    assertThat(codec.readAuthorizationServer("local", codec.writeAuthorizationServer(s), "", out))
        .isEqualTo(s);
    AuthorizationServer bad =
        codec.readAuthorizationServer(
            "local",
            tree("{'dpop':{'proofMaxAge':0,'proofFutureSkew':-1}}"),
            "authorizationServers.local",
            out);
    assertThat(io.portcullis.control.RegistryValidator.checkAuthorizationServer(bad))
        .contains(
            new Violation("dpop.proofMaxAge", "expected a positive number of seconds; was 0"),
            new Violation("dpop.proofFutureSkew", "expected zero or more seconds; was -1"));
  }

  @Test
  void readAuthorizationServerWhenAssertionSettingsGivenThenTheyRoundTrip() {
    AuthorizationServer s =
        codec.readAuthorizationServer(
            "local",
            tree("{'assertionMaxLifetime':120,'scopeMatching':'any'}"),
            "authorizationServers.local",
            out);
    assertThat(out).isEmpty();
    assertThat(s.assertionMaxLifetime()).isEqualTo(java.time.Duration.ofSeconds(120));
    assertThat(s.scopeMatching()).isEqualTo(AuthorizationServer.ScopeMatching.ANY);
    JsonNode written = codec.writeAuthorizationServer(s);
    assertThat(written.get("assertionMaxLifetime").asLong()).isEqualTo(120);
    assertThat(written.get("scopeMatching").textValue()).isEqualTo("ANY");
    assertThat(codec.readAuthorizationServer("local", written, "", out)).isEqualTo(s);
    assertThat(out).isEmpty();
  }

  @Test
  void readAuthorizationServerWhenAssertionSettingsLeftOutThenDefaults() {
    AuthorizationServer s = codec.readAuthorizationServer("local", tree("{}"), "", out);
    assertThat(s.assertionMaxLifetime()).isEqualTo(java.time.Duration.ofSeconds(300));
    assertThat(s.scopeMatching()).isEqualTo(AuthorizationServer.ScopeMatching.ALL);
  }

  @Test
  void readAuthorizationServerWhenScopeMatchingUnknownThenNamed() {
    codec.readAuthorizationServer(
        "local", tree("{'scopeMatching':'SOME','assertionMaxLifetime':'5m'}"), "s", out);
    assertThat(out)
        .containsExactlyInAnyOrder(
            new Violation("s.scopeMatching", "expected ALL or ANY; was 'SOME'"),
            new Violation(
                "s.assertionMaxLifetime", "expected a whole number of seconds; was \"5m\""));
  }

  @Test
  void readAuthorizationServerWhenTypeIsMissingOrWrongThenNull() {
    assertThat(codec.readAuthorizationServer("idp", tree("{'issuer':'x'}"), "a.idp", out)).isNull();
    assertThat(codec.readAuthorizationServer("idp", tree("{'type':'saml'}"), "a.idp2", out))
        .isNull();
    assertThat(out)
        .containsExactly(
            new Violation("a.idp.type", "is required: internal or external"),
            new Violation("a.idp2.type", "expected one of internal, external; was \"saml\""));
  }

  @Test
  void readAuthorizationServerWhenNumbersAreWrongThenTheUnitIsNamed() {
    codec.readAuthorizationServer(
        "local",
        tree(
            "{'clockSkew':'1m','accessToken':{'length':1e40},'tokenStore':{'purgeInterval':true}}"),
        "",
        out);
    assertThat(out)
        .containsExactly(
            new Violation("clockSkew", "expected a whole number of seconds; was \"1m\""),
            new Violation(
                "accessToken.length", "expected a whole number of characters; was 1.0E40"),
            new Violation(
                "tokenStore.purgeInterval", "expected a whole number of seconds; was true"));
  }

  @Test
  void readContentWhenSectionsHaveTheWrongShapeThenEachIsNamed() {
    RegistryContent content =
        codec.readContent(
            tree("{'apis':{},'authorizationServers':[],'scopes':'read','users':null}"), out);
    assertThat(content).isEqualTo(RegistryContent.EMPTY);
    assertThat(out)
        .containsExactly(
            new Violation(
                "authorizationServers",
                "expected an object of aliases to authorization servers, such as { local: { type:"
                    + " internal } }; was a list"),
            new Violation("scopes", "expected a list; was \"read\""),
            new Violation("apis", "expected a list; was an object"));
  }

  @Test
  void writeContentWhenReadBackThenEqual() {
    RegistryContent content =
        new RegistryContent(
            List.of(new UserSpec("bob", null, "pbkdf2-sha256$h", false, Set.of("admin"))),
            List.of(
                AuthorizationServer.builder()
                    .alias("local")
                    .type(AuthorizationServer.Type.INTERNAL)
                    .issuer("https://gw")
                    .clockSkew(5)
                    .jwt(new AuthorizationServer.JwtSettings("ES256", 60, "aud"))
                    .assertionAudience("https://gw/oauth2/token")
                    .accessToken(new AuthorizationServer.AccessTokenSettings(10, 30, "Bearer"))
                    .refreshToken(new AuthorizationServer.RefreshTokenSettings(true, 20, 40))
                    .tokenStore(new AuthorizationServer.TokenStoreSettings("database", 7))
                    .build()),
            List.of(new Scope("read", null), new Scope("write", "Write things")),
            List.of(SOAP_API),
            List.of(
                ApplicationSpec.builder()
                    .name("a")
                    .description("d")
                    .clientId("cid")
                    .clientSecretHash("pbkdf2-sha256$h2")
                    .authorizationServer("local")
                    .identifiers(List.of(new ClaimSet(Map.of("sub", "a"))))
                    .jwksUri("https://a/jwks")
                    .certificates(List.of())
                    .scopes(List.of("read"))
                    .apis(List.of("billing/2"))
                    .claims(List.of("dept"))
                    .tokenParameters(Map.of("k", "v"))
                    .users(List.of("bob"))
                    .enabled(false)
                    .build()));
    ObjectNode written = codec.writeContent(content, true);
    assertThat(codec.readContent(written, out)).isEqualTo(content);
    assertThat(out).isEmpty();
    assertThat(codec.writeContent(content, false).toString()).doesNotContain("pbkdf2");
  }
}
