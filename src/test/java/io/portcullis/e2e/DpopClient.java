package io.portcullis.e2e;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A DPoP client written from RFC 9449 and RFC 7638 with the JDK only (no JOSE library, none of the
 * server's code): an EC P-256 key, ES256 proofs built and signed by hand, and the key's thumbprint.
 * What the server accepts from it, an independent client library would send too.
 */
final class DpopClient {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final KeyPair keys;

  DpopClient() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      keys = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public JWK, members in the lexicographic order RFC 7638 §3 hashes them in. */
  String publicJwk() {
    ECPublicKey key = (ECPublicKey) keys.getPublic();
    return "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\""
        + coordinate(key.getW().getAffineX())
        + "\",\"y\":\""
        + coordinate(key.getW().getAffineY())
        + "\"}";
  }

  /** The JWK with its private part {@code d}: what a client must never send. */
  String privateJwk() {
    BigInteger d = ((ECPrivateKey) keys.getPrivate()).getS();
    return publicJwk().substring(0, publicJwk().length() - 1) + ",\"d\":\"" + coordinate(d) + "\"}";
  }

  /** RFC 7638 thumbprint: base64url(SHA-256(the canonical public JWK)). */
  String thumbprint() {
    return B64.encodeToString(sha256(publicJwk()));
  }

  /** base64url(SHA-256(token)), the {@code ath} of RFC 9449 §4.2. */
  static String ath(String token) {
    return B64.encodeToString(sha256(token));
  }

  /** A fresh proof for this request, issued now. */
  String proof(String method, String uri) {
    return proof(method, uri, null, null, Instant.now());
  }

  /** A fresh proof carrying the access token's hash. */
  String proofFor(String method, String uri, String accessToken) {
    return proof(method, uri, ath(accessToken), null, Instant.now());
  }

  /** A proof with these claims; {@code ath} and {@code nonce} left out when null. */
  String proof(String method, String uri, String ath, String nonce, Instant iat) {
    return signed(header("dpop+jwt", "ES256", publicJwk()), payload(method, uri, ath, nonce, iat));
  }

  /** The protected header as JSON; {@code typ} left out when null. */
  static String header(String typ, String alg, String jwk) {
    return "{"
        + (typ == null ? "" : "\"typ\":\"" + typ + "\",")
        + "\"alg\":\""
        + alg
        + "\",\"jwk\":"
        + jwk
        + "}";
  }

  static String payload(String method, String uri, String ath, String nonce, Instant iat) {
    return "{\"jti\":\""
        + UUID.randomUUID()
        + "\",\"htm\":\""
        + method
        + "\",\"htu\":\""
        + uri
        + "\",\"iat\":"
        + iat.getEpochSecond()
        + (ath == null ? "" : ",\"ath\":\"" + ath + "\"")
        + (nonce == null ? "" : ",\"nonce\":\"" + nonce + "\"")
        + "}";
  }

  /** header.payload signed with ES256 (the JWS form of ECDSA: r and s, 32 bytes each). */
  String signed(String header, String payload) {
    String input = encode(header) + "." + encode(payload);
    try {
      Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
      signature.initSign(keys.getPrivate());
      signature.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + B64.encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** header.payload with an HS256 MAC under this secret: a symmetric proof, always refused. */
  static String hmacSigned(String header, String payload, byte[] secret) {
    String input = encode(header) + "." + encode(payload);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return input
          + "."
          + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String encode(String json) {
    return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String coordinate(BigInteger value) {
    byte[] bytes = value.toByteArray();
    byte[] fixed = new byte[32];
    int copy = Math.min(bytes.length, 32);
    System.arraycopy(bytes, bytes.length - copy, fixed, 32 - copy, copy);
    return B64.encodeToString(fixed);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "DpopClient[jkt=" + thumbprint() + "]";
  }

  static byte[] bytes(int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) 7);
    return b;
  }
}
