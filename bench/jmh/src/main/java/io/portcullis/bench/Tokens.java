package io.portcullis.bench;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Writes the keys and tokens every benchmark target receives: {@code rsa-public.pem}, {@code
 * ec-public.pem}, {@code tokens-rs256.txt} and {@code tokens-es256.txt} (one distinct valid token a
 * line: its own {@code jti}, same {@code sub}, {@code iss}, {@code aud}, valid for two hours), and
 * {@code negative-rs256.txt} / {@code negative-es256.txt} ({@code name token} a line: tampered,
 * expired, wrong-aud, alg-none; "missing" is the absence of the header).
 *
 * <p>Usage: {@code Tokens DIR COUNT ISSUER AUDIENCE SUBJECT}
 */
public final class Tokens {
  private Tokens() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    String issuer = args[2];
    String audience = args[3];
    String subject = args[4];
    Files.createDirectories(dir);

    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair rsaKeys = rsa.generateKeyPair();
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair ecKeys = ec.generateKeyPair();
    writePem(dir.resolve("rsa-public.pem"), rsaKeys.getPublic());
    writePem(dir.resolve("ec-public.pem"), ecKeys.getPublic());

    JWSSigner rsaSigner = new RSASSASigner(rsaKeys.getPrivate());
    JWSSigner ecSigner = new ECDSASigner((ECPrivateKey) ecKeys.getPrivate());
    Instant now = Instant.now();
    write(dir, "rs256", rsaSigner, JWSAlgorithm.RS256, count, now, issuer, audience, subject);
    write(dir, "es256", ecSigner, JWSAlgorithm.ES256, count, now, issuer, audience, subject);
  }

  private static void write(
      Path dir,
      String name,
      JWSSigner signer,
      JWSAlgorithm alg,
      int count,
      Instant now,
      String issuer,
      String audience,
      String subject)
      throws Exception {
    List<String> tokens = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      tokens.add(sign(signer, alg, claims(issuer, audience, subject, now, 7200).build()));
    }
    Files.write(dir.resolve("tokens-" + name + ".txt"), tokens, StandardCharsets.US_ASCII);

    String valid = tokens.get(0);
    String[] parts = valid.split("\\.");
    char[] signature = parts[2].toCharArray();
    int middle = signature.length / 2;
    signature[middle] = signature[middle] == 'A' ? 'B' : 'A';
    String tampered = parts[0] + "." + parts[1] + "." + new String(signature);
    JWTClaimsSet expiredClaims =
        claims(issuer, audience, subject, now.minusSeconds(7200), 3600).build();
    String expired = sign(signer, alg, expiredClaims);
    String wrongAud =
        sign(signer, alg, claims(issuer, "https://elsewhere.example", subject, now, 7200).build());
    String noneHeader =
        Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
            .toString();
    String algNone = noneHeader + "." + parts[1] + ".";
    Files.write(
        dir.resolve("negative-" + name + ".txt"),
        List.of(
            "tampered " + tampered,
            "expired " + expired,
            "wrong-aud " + wrongAud,
            "alg-none " + algNone),
        StandardCharsets.US_ASCII);
  }

  private static JWTClaimsSet.Builder claims(
      String issuer, String audience, String subject, Instant issuedAt, long lifetimeSeconds) {
    return new JWTClaimsSet.Builder()
        .issuer(issuer)
        .audience(audience)
        .subject(subject)
        .claim("scope", "bench.read")
        .jwtID(UUID.randomUUID().toString())
        .issueTime(Date.from(issuedAt))
        .expirationTime(Date.from(issuedAt.plusSeconds(lifetimeSeconds)));
  }

  private static String sign(JWSSigner signer, JWSAlgorithm alg, JWTClaimsSet claims)
      throws Exception {
    SignedJWT jwt =
        new SignedJWT(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).build(), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  private static void writePem(Path file, PublicKey key) throws IOException {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(key.getEncoded());
    Files.writeString(
        file, "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n");
  }
}
