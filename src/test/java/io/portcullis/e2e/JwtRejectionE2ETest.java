package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import io.portcullis.gateway.EchoUpstream;
import io.portcullis.gateway.RawHttpConnection;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Every kind of bad bearer token, sent through a whole node to an API that enforces JWT: the answer
 * is the status, the RFC 6750 challenge with the exact {@code error} code and an {@code
 * error_description} that echoes nothing of the token, and a problem+json body (a SOAP Fault for a
 * SOAP API), and the upstream never sees the request.
 */
class JwtRejectionE2ETest {
  static final String REALM = "neg";

  @TempDir static Path dir;
  static Vertx vertx;
  static EchoUpstream upstream;
  static TestIssuer corp;
  static TestIssuer ec;
  static TestIssuer attacker;
  static RunningNode node;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = new EchoUpstream(vertx);
    corp = new TestIssuer(vertx, "https://idp.e2e.example", JWSAlgorithm.RS256);
    ec = new TestIssuer(vertx, "https://ec.e2e.example", JWSAlgorithm.ES256);
    attacker = new TestIssuer(vertx, "https://idp.e2e.example", JWSAlgorithm.RS256);
    node =
        RunningNode.start(
            RunningNode.configFile("jwt-rejections.yaml", dir),
            dir.resolve("data"),
            null,
            Map.of(
                "UPSTREAM", "http://127.0.0.1:" + upstream.port(),
                "CORP_JWKS", corp.jwksUrl(),
                "EC_JWKS", ec.jwksUrl()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
    for (TestIssuer issuer : new TestIssuer[] {corp, ec, attacker}) {
      if (issuer != null) issuer.close();
    }
    if (upstream != null) upstream.close();
    if (vertx != null) vertx.close().await();
  }

  @Test
  void tokenWhenValidForEitherIssuerThenAccepted() {
    // The control: the tokens below fail for the one defect each has, not for a setup mistake.
    assertThat(
            node.getWithBearer("/neg/v1/x", corp.sign(corp.claims("neg-x").build())).statusCode())
        .isEqualTo(200);
    assertThat(node.getWithBearer("/neg/v1/x", ec.sign(ec.claims("ec-x").build())).statusCode())
        .isEqualTo(200);
  }

  static Stream<Arguments> badTokens() {
    return Stream.of(
        bad("alg none", () -> unsigned("none"), "algorithm none is never accepted"),
        bad("alg None", () -> unsigned("None"), "algorithm none is never accepted"),
        bad("alg NONE", () -> unsigned("NONE"), "algorithm none is never accepted"),
        bad(
            "HS256 keyed with the gateway's own RSA public key",
            () -> hs256WithPublicKey(gatewayPublicKey(), "https://gateway.e2e.example"),
            "algorithm HS256 is never accepted"),
        bad(
            "HS256 keyed with the external issuer's RSA public key",
            () -> hs256WithPublicKey(rsaPublicKey(corp), corp.issuer()),
            "algorithm HS256 is never accepted"),
        bad(
            "RS256 for an issuer that allows only ES256",
            () -> corp.sign(corp.claims("ec-x").issuer(ec.issuer()).build()),
            "algorithm RS256 is not allowed for issuer ec-idp"),
        bad(
            "embedded jwk header with the attacker's key and the issuer's kid",
            () ->
                attacker.sign(
                    attacker.header().keyID(corp.kid()).jwk(attacker.publicKey()).build(),
                    attacker.claims("neg-x").build()),
            "signature invalid"),
        bad(
            "jku header pointing at the attacker's JWKS",
            () ->
                attacker.sign(
                    attacker.header().jwkURL(URI.create(attacker.jwksUrl())).build(),
                    attacker.claims("neg-x").build()),
            "no key of issuer corp-idp matches"),
        bad(
            "x5u header pointing at the attacker's server",
            () ->
                attacker.sign(
                    attacker.header().x509CertURL(URI.create(attacker.jwksUrl())).build(),
                    attacker.claims("neg-x").build()),
            "no key of issuer corp-idp matches"),
        bad(
            "kid with a path",
            () -> corp.sign(corp.header().keyID("../../../../etc/passwd").build(), neg()),
            "no key of issuer corp-idp matches"),
        bad(
            "kid with SQL",
            () -> corp.sign(corp.header().keyID("' OR '1'='1' --").build(), neg()),
            "no key of issuer corp-idp matches"),
        bad(
            "kid with a SQL statement",
            () -> corp.sign(corp.header().keyID("x'; DROP TABLE apis; --").build(), neg()),
            "no key of issuer corp-idp matches"),
        bad(
            "exp missing",
            () -> corp.sign(claims().expirationTime(null).build()),
            "claim exp is missing"),
        bad(
            "exp past",
            () -> corp.sign(claims().issueTime(at(-3600)).expirationTime(at(-600)).build()),
            "token expired"),
        bad(
            "nbf in the future",
            () -> corp.sign(claims().notBeforeTime(at(600)).expirationTime(at(1200)).build()),
            "token is not valid yet"),
        bad(
            "iat in the future",
            () -> corp.sign(claims().issueTime(at(600)).expirationTime(at(1200)).build()),
            "claim iat is in the future"),
        bad(
            "lifetime of 30 days",
            () -> corp.sign(claims().expirationTime(at(30 * 24 * 3600)).build()),
            "token lifetime exceeds the maximum"),
        bad(
            "iss of an untrusted issuer",
            () -> corp.sign(claims().issuer("https://evil.e2e.example").build()),
            "issuer https://evil.e2e.example is not trusted"),
        bad("iss missing", () -> corp.sign(claims().issuer(null).build()), "claim iss is missing"),
        bad(
            "aud of another API",
            () -> corp.sign(claims().audience("api://elsewhere").build()),
            "claim aud names none of the audiences that issuer corp-idp expects"),
        bad(
            "aud missing",
            () -> corp.sign(claims().audience((String) null).build()),
            "claim aud is missing"),
        bad(
            "typ dpop+jwt",
            () -> corp.sign(corp.header().type(new JOSEObjectType("dpop+jwt")).build(), neg()),
            "header typ dpop+jwt is not accepted"),
        bad(
            "an OpenID Connect ID token",
            () -> corp.sign(claims().claim("nonce", "n-0S6_WzA2Mj").build()),
            "an OpenID Connect ID token"),
        bad(
            "truncated to 2 segments",
            () -> segments(valid(), 2),
            "the bearer token is not accepted by API neg/v1"),
        bad("4 segments", () -> valid() + ".c2lnbmF0dXJl", "token has 4 segments"),
        bad(
            "base64 '+' and '/' instead of base64url",
            () -> valid().replaceFirst("\\.ey", ".+/ey"),
            "token contains a character that is neither base64url nor '.'"),
        bad("base64 padding", () -> valid() + "==", "neither base64url nor '.'"),
        bad(
            "a segment of impossible base64 length",
            JwtRejectionE2ETest::impossibleLength,
            "is not valid base64url"),
        bad(
            "payload that is not JSON",
            () -> corp.signRaw(rs256Header(), "this is not JSON"),
            "token payload is not a JSON object"),
        bad(
            "payload with a duplicate member",
            () ->
                corp.signRaw(
                    rs256Header(), neg().toString().replaceFirst("\\{", "{\"sub\":\"admin\",")),
            "token payload is not a JSON object"),
        bad(
            "payload nested 3000 deep",
            () ->
                corp.signRaw(
                    rs256Header(),
                    neg()
                        .toString()
                        .replaceFirst(
                            "\\{", "{\"deep\":" + "[".repeat(3000) + "]".repeat(3000) + ",")),
            "token payload is not a JSON object"),
        bad(
            "20 KiB token",
            () -> corp.sign(claims().claim("pad", "p".repeat(20 * 1024)).build()),
            "token is longer than 16384 characters"),
        bad(
            "ES256 signature with r = s = 0",
            () ->
                segments(ec.sign(ec.claims("ec-x").build()), 2)
                    + "."
                    + Base64URL.encode(new byte[64]),
            "signature invalid"),
        bad("tampered payload", JwtRejectionE2ETest::tampered, "signature invalid"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTokens")
  void callWhenBearerTokenIsBadThen401InvalidTokenWithoutEchoingIt(
      String name, Supplier<String> badToken, String because) {
    String token = badToken.get();
    int attackerRequests = attacker.requests();
    int upstreamRequests = upstream.requests.get();

    HttpResponse<String> response = node.getWithBearer("/neg/v1/orders", token);

    assertRefused(response, 401, "invalid_token", token);
    assertThat(Challenge.parse(wwwAuthenticate(response)).param("error_description"))
        .contains(because);
    assertThat(attacker.requests())
        .as("requests to the URLs in jku/x5u")
        .isEqualTo(attackerRequests);
    assertThat(upstream.requests.get()).isEqualTo(upstreamRequests);
  }

  @Test
  void callWhenApplicationDisabledThroughAdminApiThenItsValidTokenIsRefused() {
    String token = corp.sign(corp.claims("doomed-x").build());
    assertThat(node.getWithBearer("/neg/v1/orders", token).statusCode()).isEqualTo(200);

    HttpResponse<String> disabled =
        node.admin(
            "PUT",
            "/applications/doomed-app",
            "{\"authorizationServer\":\"corp-idp\",\"identifiers\":[{\"claims\":{\"sub\":"
                + "\"doomed-x\"}}],\"apis\":[\"neg/v1\"],\"enabled\":false}");
    assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);

    HttpResponse<String> response = node.getWithBearer("/neg/v1/orders", token);

    assertRefused(response, 401, "invalid_token", token);
    assertThat(Challenge.parse(wwwAuthenticate(response)).param("error_description"))
        .isEqualTo("the application doomed-app is disabled");
  }

  @Test
  void callWhenTwoAuthorizationHeadersThen400InvalidRequest() throws Exception {
    String token = valid();
    try (RawHttpConnection connection = new RawHttpConnection(node.node().gatewayPort())) {
      RawHttpConnection.Response response =
          connection
              .send(
                  "GET /neg/v1/orders HTTP/1.1\r\nHost: gateway.e2e.example\r\n"
                      + "Authorization: Bearer "
                      + token
                      + "\r\nAuthorization: Bearer "
                      + token
                      + "\r\n\r\n")
              .read();

      assertThat(response.status()).isEqualTo(400);
      Challenge challenge = Challenge.parse(response.header("www-authenticate"));
      assertThat(challenge.scheme()).isEqualTo("Bearer");
      assertThat(challenge.param("realm")).isEqualTo(REALM);
      assertThat(challenge.param("error")).isEqualTo("invalid_request");
      assertDescription(challenge.param("error_description"), token);
      assertThat(response.header("content-type")).isEqualTo("application/problem+json");
      JsonObject problem = new JsonObject(response.body());
      assertThat(problem.getInteger("status")).isEqualTo(400);
      assertThat(problem.getString("error")).isEqualTo("invalid_request");
      assertThat(problem.getString("detail")).isEqualTo(challenge.param("error_description"));
    }
  }

  @Test
  void callWhenBearerHasNoTokenThen400InvalidRequest() {
    HttpResponse<String> response = node.get("/neg/v1/orders", "Authorization", "Bearer");

    assertRefused(response, 400, "invalid_request", "Bearer");
  }

  @Test
  void callWhenNoCredentialsThen401WithBareChallenge() {
    HttpResponse<String> response = node.get("/neg/v1/orders");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(wwwAuthenticate(response)).isEqualTo("Bearer realm=\"" + REALM + "\"");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonObject problem = new JsonObject(response.body());
    assertThat(problem.getInteger("status")).isEqualTo(401);
    assertThat(problem.getString("title")).isEqualTo("Unauthorized");
    assertThat(problem.containsKey("error")).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"text/xml; charset=utf-8", "application/soap+xml; charset=utf-8"})
  void soapCallWhenBearerTokenIsBadThen401SoapFaultOfTheRequestsVersion(String contentType)
      throws Exception {
    boolean soap12 = contentType.startsWith("application/soap+xml");
    String envelopeNs =
        soap12
            ? "http://www.w3.org/2003/05/soap-envelope"
            : "http://schemas.xmlsoap.org/soap/envelope/";
    String token = unsigned("none");
    HttpResponse<String> response =
        RunningNode.send(
            node.gateway("/soap/v1/OrderService")
                .header("Content-Type", contentType)
                .header("SOAPAction", "\"urn:getOrder\"")
                .header("Authorization", "Bearer " + token)
                .POST(
                    BodyPublishers.ofString(
                        "<e:Envelope xmlns:e=\""
                            + envelopeNs
                            + "\"><e:Body><getOrder/></e:Body></e:Envelope>"))
                .build());

    assertThat(response.statusCode()).isEqualTo(401);
    Challenge challenge = Challenge.parse(wwwAuthenticate(response));
    assertThat(challenge.param("realm")).isEqualTo("soap");
    assertThat(challenge.param("error")).isEqualTo("invalid_token");
    assertDescription(challenge.param("error_description"), token);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue(soap12 ? "application/soap+xml; charset=utf-8" : "text/xml; charset=utf-8");
    Document fault = xml(response.body());
    Element envelope = fault.getDocumentElement();
    assertThat(envelope.getNamespaceURI()).isEqualTo(envelopeNs);
    assertThat(envelope.getLocalName()).isEqualTo("Envelope");
    assertThat(fault.getElementsByTagNameNS(envelopeNs, "Fault").getLength()).isEqualTo(1);
    if (soap12) {
      assertThat(text(fault, envelopeNs, "Value")).isEqualTo("env:Sender");
      assertThat(text(fault, envelopeNs, "Text")).contains("algorithm none is never accepted");
    } else {
      assertThat(text(fault, "", "faultcode")).isEqualTo("soap:Client");
      assertThat(text(fault, "", "faultstring")).contains("algorithm none is never accepted");
    }
    assertThat(text(fault, "urn:portcullis:fault", "error")).isEqualTo("invalid_token");
    assertThat(text(fault, "urn:portcullis:fault", "status")).isEqualTo("401");
  }

  // ---- assertions ----

  private static void assertRefused(
      HttpResponse<String> response, int status, String error, String token) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    Challenge challenge = Challenge.parse(wwwAuthenticate(response));
    assertThat(challenge.scheme()).isEqualTo("Bearer");
    assertThat(challenge.param("realm")).isEqualTo(REALM);
    assertThat(challenge.param("error")).isEqualTo(error);
    assertDescription(challenge.param("error_description"), token);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonObject problem = new JsonObject(response.body());
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("error")).isEqualTo(error);
    assertThat(problem.getString("detail")).isEqualTo(challenge.param("error_description"));
  }

  /** Present, and no run of 12 characters of the token appears in it. */
  private static void assertDescription(String description, String token) {
    assertThat(description).as("error_description").isNotBlank();
    String echoed = null;
    for (int i = 0; i + 12 <= token.length() && echoed == null; i++) {
      String run = token.substring(i, i + 12);
      if (description.contains(run)) echoed = run;
    }
    assertThat(echoed).as("part of the token in: " + description).isNull();
  }

  private static String wwwAuthenticate(HttpResponse<String> response) {
    return response.headers().firstValue("WWW-Authenticate").orElse(null);
  }

  // ---- tokens ----

  private static Arguments bad(String name, Supplier<String> token, String because) {
    return arguments(name, token, because);
  }

  /** Claims that identify neg-app, for corp-idp. */
  private static JWTClaimsSet.Builder claims() {
    return corp.claims("neg-x");
  }

  private static JWTClaimsSet neg() {
    return claims().build();
  }

  private static String valid() {
    return corp.sign(neg());
  }

  private static Date at(long secondsFromNow) {
    return Date.from(Instant.now().plusSeconds(secondsFromNow));
  }

  private static String rs256Header() {
    return new JsonObject().put("alg", "RS256").put("kid", corp.kid()).put("typ", "JWT").encode();
  }

  private static String segments(String token, int count) {
    String[] parts = token.split("\\.");
    return String.join(".", java.util.Arrays.copyOf(parts, count));
  }

  /** An unsecured JWT with this spelling of {@code none} and claims that would identify neg-app. */
  private static String unsigned(String alg) {
    return b64(new JsonObject().put("alg", alg).put("typ", "JWT").encode())
        + "."
        + b64(neg().toString())
        + ".";
  }

  /** The classic key confusion: HS256 with the issuer's RSA public key (PEM text) as secret. */
  private static String hs256WithPublicKey(PublicKey key, String issuer) {
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    String signingInput =
        b64(new JsonObject().put("alg", "HS256").put("typ", "JWT").encode())
            + "."
            + b64(claims().issuer(issuer).build().toString());
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(pem.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
      return signingInput
          + "."
          + Base64URL.encode(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static PublicKey rsaPublicKey(TestIssuer issuer) {
    try {
      return issuer.publicKey().toRSAKey().toPublicKey();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The gateway's active RSA public key, as anyone can fetch it from /oauth2/jwks. */
  private static PublicKey gatewayPublicKey() {
    JsonObject jwk =
        new JsonObject(node.get("/oauth2/jwks").body()).getJsonArray("keys").getJsonObject(0);
    try {
      return KeyFactory.getInstance("RSA")
          .generatePublic(
              new RSAPublicKeySpec(
                  new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("n"))),
                  new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("e")))));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A valid token whose header segment is cut to 4n+1 characters, which no base64 text has. */
  private static String impossibleLength() {
    String token = valid();
    String header = token.substring(0, token.indexOf('.'));
    while (header.length() % 4 != 1) header = header.substring(0, header.length() - 1);
    return header + token.substring(token.indexOf('.'));
  }

  /** A valid token whose payload was changed afterwards to claim another subject. */
  private static String tampered() {
    String[] parts = valid().split("\\.");
    String payload =
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
            .replace("\"neg-x\"", "\"doomed-x\"");
    return parts[0] + "." + b64(payload) + "." + parts[2];
  }

  private static String b64(String text) {
    return Base64URL.encode(text.getBytes(StandardCharsets.UTF_8)).toString();
  }

  // ---- XML ----

  private static Document xml(String text) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static String text(Document document, String namespace, String localName) {
    var nodes =
        namespace.isEmpty()
            ? document.getElementsByTagName(localName)
            : document.getElementsByTagNameNS(namespace, localName);
    assertThat(nodes.getLength()).as(localName).isEqualTo(1);
    return nodes.item(0).getTextContent();
  }
}
