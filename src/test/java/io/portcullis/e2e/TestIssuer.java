package io.portcullis.e2e;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A third-party JWT issuer for end-to-end tests: it holds an RSA (RS256) or EC P-256 (ES256) key,
 * signs tokens with it, and publishes its public key as a JWKS on a real HTTP server on 127.0.0.1.
 * It can rotate its key (the new one replaces the old in the JWKS) and be shut down.
 */
final class TestIssuer implements AutoCloseable {
  static final String AUDIENCE = "api://gateway";

  private final String issuer;
  private final JWSAlgorithm algorithm;
  private final AtomicReference<JWK> key = new AtomicReference<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final HttpServer server;
  private volatile boolean closed;

  TestIssuer(Vertx vertx, String issuer, JWSAlgorithm algorithm) {
    this.issuer = issuer;
    this.algorithm = algorithm;
    key.set(newKey());
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                request -> {
                  requests.incrementAndGet();
                  request
                      .response()
                      .putHeader("content-type", "application/json")
                      .end(new JWKSet(key.get()).toString(true));
                });
    try {
      server
          .listen(0, "127.0.0.1")
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the JWKS server did not start", e);
    }
  }

  String issuer() {
    return issuer;
  }

  /** The URL of the JWKS document. */
  String jwksUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/jwks.json";
  }

  String kid() {
    return key.get().getKeyID();
  }

  /** The public part of the current key. */
  JWK publicKey() {
    return key.get().toPublicJWK();
  }

  /** How many requests the JWKS server has answered. */
  int requests() {
    return requests.get();
  }

  /** A new key replaces the current one in the JWKS; the old one is gone. */
  void rotate() {
    key.set(newKey());
  }

  /** Claims of a token this issuer would issue now: iss, sub, aud, iat, exp in 5 minutes, jti. */
  JWTClaimsSet.Builder claims(String subject) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(issuer)
        .subject(subject)
        .audience(AUDIENCE)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(300)))
        .jwtID(UUID.randomUUID().toString());
  }

  /** The header this issuer puts on its tokens: alg, kid, typ JWT. */
  JWSHeader.Builder header() {
    return new JWSHeader.Builder(algorithm).keyID(kid()).type(JOSEObjectType.JWT);
  }

  String sign(JWTClaimsSet claims) {
    return sign(header().build(), claims);
  }

  String sign(JWSHeader header, JWTClaimsSet claims) {
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer(key.get()));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  /**
   * A compact JWS over exactly these header and payload texts, so that a test can sign what nimbus
   * would refuse to build (a payload that is not JSON, duplicate members).
   */
  String signRaw(String headerJson, String payload) {
    String signingInput =
        Base64URL.encode(headerJson.getBytes(StandardCharsets.UTF_8))
            + "."
            + Base64URL.encode(payload.getBytes(StandardCharsets.UTF_8));
    try {
      JWSHeader header = JWSHeader.parse(headerJson);
      Base64URL signature =
          signer(key.get()).sign(header, signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + signature;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private JWK newKey() {
    String kid = UUID.randomUUID().toString();
    try {
      if (JWSAlgorithm.Family.EC.contains(algorithm)) {
        return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
      }
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JWSSigner signer(JWK key) throws JOSEException {
    return key instanceof com.nimbusds.jose.jwk.ECKey ec
        ? new ECDSASigner(ec)
        : new RSASSASigner(key.toRSAKey());
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    try {
      server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the JWKS server did not stop", e);
    }
  }
}
