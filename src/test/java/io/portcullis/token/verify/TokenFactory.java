package io.portcullis.token.verify;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.opts.AllowWeakRSAKey;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/** Makes signed test tokens, well-formed or deliberately broken. */
final class TokenFactory {
  static final String ISSUER = "https://idp.example.test";
  static final String AUDIENCE = "api://gateway";

  private final Clock clock;

  TokenFactory(Clock clock) {
    this.clock = clock;
  }

  /** Claims that pass every check of an external issuer built by {@link Issuers#external}. */
  JWTClaimsSet.Builder claims() {
    Date now = Date.from(clock.instant());
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .subject("photo-app")
        .audience(AUDIENCE)
        .issueTime(now)
        .notBeforeTime(now)
        .expirationTime(Date.from(clock.instant().plus(Duration.ofMinutes(10))))
        .jwtID("jti-1")
        .claim("scope", "read write");
  }

  /** A valid token of the default issuer, signed with RS256 and {@link TestKeys#RSA}. */
  String valid() {
    return sign(TestKeys.RSA, JWSAlgorithm.RS256, claims().build());
  }

  String sign(JWK key, JWSAlgorithm algorithm, JWTClaimsSet claims) {
    return sign(key, algorithm, claims, header -> header);
  }

  String sign(
      JWK key,
      JWSAlgorithm algorithm,
      JWTClaimsSet claims,
      UnaryOperator<JWSHeader.Builder> header) {
    return signPayload(
        key,
        header.apply(new JWSHeader.Builder(algorithm).keyID(key.getKeyID())).build(),
        claims.toString());
  }

  /** Signs any payload text, e.g. JSON that a claims builder could not produce. */
  static String signPayload(JWK key, JWSHeader header, String payload) {
    try {
      JWSObject jws = new JWSObject(header, new Payload(payload));
      jws.sign(signer(key));
      return jws.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Signs any header and payload text with an RSA key, RS256. */
  static String signRaw(RSAKey key, String headerJson, String payloadJson) {
    String signingInput = b64(headerJson) + "." + b64(payloadJson);
    try {
      Base64URL signature =
          new RSASSASigner(key)
              .sign(
                  new JWSHeader(JWSAlgorithm.RS256),
                  signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + signature;
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static String b64(String text) {
    return Base64URL.encode(text.getBytes(StandardCharsets.UTF_8)).toString();
  }

  static String b64(byte[] bytes) {
    return Base64URL.encode(bytes).toString();
  }

  static JWSSigner signer(JWK key) throws JOSEException {
    if (key instanceof RSAKey rsa) {
      // Weak keys too: tests must be able to send what a broken issuer would.
      return new RSASSASigner(rsa.toPrivateKey(), Set.of(AllowWeakRSAKey.getInstance()));
    }
    if (key instanceof ECKey ec) {
      return new ECDSASigner(ec);
    }
    if (key instanceof OctetKeyPair okp) {
      return new Ed25519Signer(okp);
    }
    throw new IllegalArgumentException("no signer for " + key.getKeyType());
  }

  static List<String> segments(String token) {
    return List.of(token.split("\\.", -1));
  }
}
