package io.portcullis.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The public keys an application registers for its signed assertions (the JWT bearer grant), as a
 * developer gives them: a JWK set or PEM public keys and certificates. Both become one JWK set of
 * public RSA, EC or OKP keys; anything with private material or a symmetric key is refused, so a
 * secret can never be stored as if it were a public key. Pure functions; safe from any thread.
 */
public final class PublicKeys {
  /** The longest text accepted in one field, in characters. */
  public static final int MAX_CHARS = 8000;

  /** The most keys one application registers. */
  public static final int MAX_KEYS = 16;

  /** Members that only private or symmetric JWKs have (RFC 7518 section 6). */
  private static final List<String> PRIVATE_MEMBERS =
      List.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");

  private static final ObjectMapper json = new ObjectMapper();
  private static final Set<String> PUBLIC_TYPES = Set.of("RSA", "EC", "OKP");
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

  /** One key as the pages show it. */
  public record Summary(String kid, String kty, String alg) {}

  private PublicKeys() {}

  /**
   * Checks a JWK set given as JSON text.
   *
   * @return the set, with only public keys
   * @throws ValidationException naming {@code jwks} (and the key's index) when it is not JSON, not
   *     a set of 1 to {@value #MAX_KEYS} keys, or a key is symmetric or has private members
   */
  public static Map<String, Object> fromJwks(String text) {
    checkSize("jwks", text);
    JsonNode tree;
    try {
      tree = json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ValidationException(
          "jwks", "expected a JWK set as JSON ({\"keys\": [...]}): " + e.getOriginalMessage());
    }
    if (tree == null || !tree.path("keys").isArray()) {
      throw new ValidationException("jwks", "expected a JWK set: an object with a keys array");
    }
    JsonNode keys = tree.get("keys");
    if (keys.isEmpty() || keys.size() > MAX_KEYS) {
      throw new ValidationException(
          "jwks", "expected 1 to " + MAX_KEYS + " keys; got " + keys.size());
    }
    for (int i = 0; i < keys.size(); i++) {
      JsonNode key = keys.get(i);
      String field = "jwks.keys[" + i + "]";
      if (!key.isObject()) throw new ValidationException(field, "expected a JWK object");
      String kty = key.path("kty").asText("");
      if ("oct".equals(kty)) {
        throw new ValidationException(
            field + ".kty",
            "a symmetric (oct) key is a shared secret, not a public key; register RSA, EC or OKP"
                + " public keys");
      }
      if (!PUBLIC_TYPES.contains(kty)) {
        throw new ValidationException(
            field + ".kty", "expected RSA, EC or OKP; was \"" + kty + "\"");
      }
      for (String member : PRIVATE_MEMBERS) {
        if (key.has(member)) {
          throw new ValidationException(
              field + "." + member,
              "the key holds private key material; register the public key only (never send a"
                  + " private key anywhere)");
        }
      }
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> set = json.convertValue(tree, Map.class);
    return set;
  }

  /**
   * Reads PEM public keys ({@code BEGIN PUBLIC KEY}) and certificates ({@code BEGIN CERTIFICATE})
   * into a JWK set; each key's kid is its RFC 7638 thumbprint.
   *
   * @throws ValidationException naming {@code pem} when there is no block, a block is a private
   *     key, or a key is not an RSA or EC (P-256, P-384, P-521) key
   */
  public static Map<String, Object> fromPem(String text) {
    checkSize("pem", text);
    if (text.contains("PRIVATE KEY-----")) {
      throw new ValidationException(
          "pem",
          "this is a private key; register the public key only (BEGIN PUBLIC KEY or BEGIN"
              + " CERTIFICATE)");
    }
    Matcher m = PEM.matcher(text);
    List<Object> keys = new ArrayList<>();
    while (m.find()) {
      String label = m.group(1);
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2));
      } catch (IllegalArgumentException e) {
        throw new ValidationException("pem", "block " + (keys.size() + 1) + " is not base64");
      }
      keys.add(jwk(label, der, keys.size() + 1));
      if (keys.size() > MAX_KEYS) {
        throw new ValidationException("pem", "expected at most " + MAX_KEYS + " keys");
      }
    }
    if (keys.isEmpty()) {
      throw new ValidationException(
          "pem", "holds no PEM block (expected BEGIN PUBLIC KEY or BEGIN CERTIFICATE)");
    }
    return Map.of("keys", keys);
  }

  /** The keys of a stored JWK set, for listing; never private members. */
  public static List<Summary> summaries(Object jwks) {
    if (jwks == null) return List.of();
    JsonNode tree;
    try {
      tree = jwks instanceof String s ? json.readTree(s) : json.valueToTree(jwks);
    } catch (JsonProcessingException e) {
      return List.of();
    }
    List<Summary> out = new ArrayList<>();
    for (JsonNode key : tree.path("keys")) {
      out.add(
          new Summary(
              key.path("kid").asText("—"),
              key.path("kty").asText("—"),
              key.path("alg").asText("—")));
    }
    return out;
  }

  private static void checkSize(String field, String text) {
    if (text == null || text.isBlank()) {
      throw new ValidationException(field, "must not be empty");
    }
    if (text.length() > MAX_CHARS) {
      throw new ValidationException(
          field, "is " + text.length() + " characters; at most " + MAX_CHARS + " are accepted");
    }
  }

  private static Map<String, Object> jwk(String label, byte[] der, int n) {
    PublicKey key;
    try {
      key =
          switch (label) {
            case "CERTIFICATE" ->
                CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der))
                    .getPublicKey();
            case "PUBLIC KEY" -> publicKey(der);
            default ->
                throw new ValidationException(
                    "pem",
                    "block "
                        + n
                        + " is "
                        + label
                        + "; expected BEGIN PUBLIC KEY or BEGIN CERTIFICATE");
          };
    } catch (GeneralSecurityException e) {
      throw new ValidationException("pem", "block " + n + " could not be read: " + e.getMessage());
    }
    Map<String, Object> jwk = new LinkedHashMap<>();
    if (key instanceof RSAPublicKey rsa) {
      jwk.put("kty", "RSA");
      jwk.put("n", b64(unsigned(rsa.getModulus())));
      jwk.put("e", b64(unsigned(rsa.getPublicExponent())));
      jwk.put("kid", thumbprint("{\"e\":\"%s\",\"kty\":\"RSA\",\"n\":\"%s\"}", jwk, "e", "n"));
    } else if (key instanceof ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      String crv =
          switch (bits) {
            case 256 -> "P-256";
            case 384 -> "P-384";
            case 521 -> "P-521";
            default ->
                throw new ValidationException(
                    "pem", "block " + n + " is an EC key on a " + bits + "-bit curve");
          };
      int size = (bits + 7) / 8;
      jwk.put("kty", "EC");
      jwk.put("crv", crv);
      jwk.put("x", b64(fixed(ec.getW().getAffineX(), size)));
      jwk.put("y", b64(fixed(ec.getW().getAffineY(), size)));
      jwk.put(
          "kid",
          thumbprint(
              "{\"crv\":\"%s\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}", jwk, "crv", "x", "y"));
    } else {
      throw new ValidationException(
          "pem", "block " + n + " is a " + key.getAlgorithm() + " key; expected RSA or EC");
    }
    jwk.put("use", "sig");
    return jwk;
  }

  private static PublicKey publicKey(byte[] der) throws GeneralSecurityException {
    GeneralSecurityException last = null;
    for (String algorithm : List.of("RSA", "EC")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  private static String thumbprint(String template, Map<String, Object> jwk, String... members) {
    Object[] values = Arrays.stream(members).map(jwk::get).toArray();
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(String.format(template, values).getBytes(StandardCharsets.UTF_8));
      return b64(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] b = value.toByteArray();
    return b.length > 1 && b[0] == 0 ? Arrays.copyOfRange(b, 1, b.length) : b;
  }

  private static byte[] fixed(BigInteger value, int size) {
    byte[] b = unsigned(value);
    byte[] out = new byte[size];
    System.arraycopy(b, 0, out, size - b.length, b.length);
    return out;
  }

  private static String b64(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
