package io.portcullis.token.issue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.testing.MutableClock;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gateway's keys and the JWTs it signs, checked with the JDK's own {@code Signature} against
 * the published JWKS: an implementation independent of nimbus, so that nimbus is not only
 * round-tripping itself.
 */
class SigningKeysAndIssuerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Decoder B64URL = Base64.getUrlDecoder();
  private final SecureRandom random = new SecureRandom();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final InMemorySigningKeyRepository repository = new InMemorySigningKeyRepository();
  private final KeyEncryptor encryptor = new KeyEncryptor(new byte[32], random, "test");
  private final SigningKeys keys = new SigningKeys(repository, encryptor, clock, random);
  private final JwtIssuer issuer = new JwtIssuer(keys, clock, random);

  private static AuthorizationServer local(String alg, String audience) {
    return AuthorizationServer.builder()
        .alias("local")
        .type(AuthorizationServer.Type.INTERNAL)
        .issuer("http://localhost:8080")
        .jwt(new AuthorizationServer.JwtSettings(alg, 3600, audience))
        .build();
  }

  @ParameterizedTest
  @CsvSource({
    "RS256, SHA256withRSA",
    "RS384, SHA384withRSA",
    "RS512, SHA512withRSA",
    "ES256, SHA256withECDSAinP1363Format",
    "EdDSA, Ed25519"
  })
  void issueWhenSignedThenJdkVerifiesWithPublishedJwk(String alg, String jdkAlgorithm)
      throws Exception {
    keys.load(alg, Duration.ofHours(1));
    IssuedJwt jwt = issuer.issue(local(alg, "portcullis"), "alice", Map.of("department", "eng"));

    String[] parts = jwt.token().split("\\.");
    assertThat(parts).hasSize(3);
    JsonNode header = JSON.readTree(B64URL.decode(parts[0]));
    JsonNode claims = JSON.readTree(B64URL.decode(parts[1]));
    JsonNode jwk = JSON.readTree(keys.publicKeys().toString(true)).get("keys").get(0);

    assertThat(header.get("alg").asText()).isEqualTo(alg);
    assertThat(header.get("typ").asText()).isEqualTo("JWT");
    assertThat(header.get("kid").asText()).isEqualTo(jwk.get("kid").asText()).isEqualTo(jwt.kid());
    assertThat(jwk.get("alg").asText()).isEqualTo(alg);
    assertThat(jwk.has("d")).as("private part published").isFalse();

    Signature signature = Signature.getInstance(jdkAlgorithm);
    signature.initVerify(publicKey(jwk));
    signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(signature.verify(B64URL.decode(parts[2]))).isTrue();

    assertThat(claims.get("iss").asText()).isEqualTo("http://localhost:8080");
    assertThat(claims.get("sub").asText()).isEqualTo("alice");
    assertThat(claims.get("aud").asText()).isEqualTo("portcullis");
    assertThat(claims.get("department").asText()).isEqualTo("eng");
    long iat = claims.get("iat").asLong();
    assertThat(iat).isEqualTo(clock.instant().getEpochSecond());
    assertThat(claims.get("nbf").asLong()).isEqualTo(iat);
    assertThat(claims.get("exp").asLong()).isEqualTo(iat + 3600);
    assertThat(claims.get("jti").asText()).isEqualTo(jwt.jti()).hasSizeGreaterThanOrEqualTo(22);
    assertThat(jwt.expiresIn()).isEqualTo(3600);
  }

  @Test
  void issueWhenTamperedThenJdkRejects() throws Exception {
    keys.load("RS256", Duration.ofHours(1));
    String[] parts = issuer.issue(local("RS256", null), "alice", Map.of()).token().split("\\.");
    String forged =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                new String(B64URL.decode(parts[1]), StandardCharsets.UTF_8)
                    .replace("alice", "admin")
                    .getBytes(StandardCharsets.UTF_8));
    JsonNode jwk = JSON.readTree(keys.publicKeys().toString(true)).get("keys").get(0);
    Signature signature = Signature.getInstance("SHA256withRSA");
    signature.initVerify(publicKey(jwk));
    signature.update((parts[0] + "." + forged).getBytes(StandardCharsets.US_ASCII));
    assertThat(signature.verify(B64URL.decode(parts[2]))).isFalse();
  }

  @Test
  void issueWhenNoAudienceConfiguredThenNoAudClaim() throws Exception {
    keys.load("ES256", Duration.ofHours(1));
    String token = issuer.issue(local("ES256", null), "bob", Map.of()).token();
    assertThat(JSON.readTree(B64URL.decode(token.split("\\.")[1])).has("aud")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"iss", "sub", "aud", "exp", "nbf", "iat", "jti"})
  void issueWhenExtraClaimReservedThenRefusedNamingIt(String claim) {
    keys.load("ES256", Duration.ofHours(1));
    assertThatThrownBy(() -> issuer.issue(local("ES256", null), "bob", Map.of(claim, "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(claim);
  }

  @Test
  void issueWhenTwiceThenJtiDiffers() {
    keys.load("ES256", Duration.ofHours(1));
    assertThat(issuer.issue(local("ES256", null), "a", Map.of()).jti())
        .isNotEqualTo(issuer.issue(local("ES256", null), "a", Map.of()).jti());
  }

  @Test
  void rotateWhenCalledThenPreviousStaysPublishedUntilRetentionThenRetired() {
    keys.load("ES256", Duration.ofMinutes(70));
    String first = keys.active().kid();
    long generation = keys.generation();
    String second = keys.rotate("ES256", Duration.ofMinutes(70));

    assertThat(second).isNotEqualTo(first);
    assertThat(keys.active().kid()).isEqualTo(second);
    assertThat(keys.generation()).isGreaterThan(generation);
    assertThat(keys.publicKeys().getKeys())
        .extracting(k -> k.getKeyID())
        .containsExactlyInAnyOrder(first, second);

    clock.advance(Duration.ofMinutes(69));
    assertThat(keys.retireExpired()).isZero();
    assertThat(keys.publicKeys().getKeys()).hasSize(2);

    clock.advance(Duration.ofMinutes(2));
    assertThat(keys.retireExpired()).isEqualTo(1);
    assertThat(keys.publicKeys().getKeys()).extracting(k -> k.getKeyID()).containsExactly(second);
    assertThat(repository.keys).containsOnlyKeys(second);
  }

  @Test
  void loadWhenKeysStoredThenReusedNotRegenerated() {
    keys.load("RS256", Duration.ofHours(1));
    String kid = keys.active().kid();
    SigningKeys restarted = new SigningKeys(repository, encryptor, clock, random);
    restarted.load("RS256", Duration.ofHours(1));
    assertThat(restarted.active().kid()).isEqualTo(kid);
    assertThat(repository.keys).hasSize(1);
  }

  @Test
  void loadWhenAlgorithmChangedThenNewKeyOfThatAlgorithmAndOldStillPublished() {
    keys.load("RS256", Duration.ofHours(1));
    String rsa = keys.active().kid();
    keys.load("ES256", Duration.ofHours(1));
    assertThat(keys.active().algorithm().getName()).isEqualTo("ES256");
    assertThat(keys.publicKeys().getKeys()).extracting(k -> k.getKeyID()).contains(rsa);
  }

  @Test
  void storedKeyWhenPersistedThenPrivatePartOnlyEncrypted() {
    keys.load("RS256", Duration.ofHours(1));
    StoredSigningKey stored = repository.keys.values().iterator().next();
    assertThat(stored.publicJwk()).doesNotContain("\"d\"").doesNotContain("\"p\"");
    assertThat(new String(stored.encryptedPrivateJwk(), StandardCharsets.ISO_8859_1))
        .doesNotContain("\"d\"");
  }

  @Test
  void loadWhenMasterKeyDiffersThenFailsNamingTheKey() {
    keys.load("ES256", Duration.ofHours(1));
    byte[] other = new byte[32];
    other[0] = 1;
    SigningKeys wrong =
        new SigningKeys(repository, new KeyEncryptor(other, random, "other"), clock, random);
    assertThatThrownBy(() -> wrong.load("ES256", Duration.ofHours(1)))
        .hasMessageContaining(keys.active().kid());
  }

  @Test
  void activeWhenNothingLoadedThenClearError() {
    assertThatThrownBy(keys::active).hasMessageContaining("no active signing key");
  }

  private static PublicKey publicKey(JsonNode jwk) throws Exception {
    switch (jwk.get("kty").asText()) {
      case "RSA":
        return KeyFactory.getInstance("RSA")
            .generatePublic(new RSAPublicKeySpec(uint(jwk, "n"), uint(jwk, "e")));
      case "EC":
        java.security.AlgorithmParameters params =
            java.security.AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
        return KeyFactory.getInstance("EC")
            .generatePublic(new ECPublicKeySpec(new ECPoint(uint(jwk, "x"), uint(jwk, "y")), spec));
      case "OKP":
        byte[] prefix = HexFormat.of().parseHex("302a300506032b6570032100");
        byte[] x = B64URL.decode(jwk.get("x").asText());
        byte[] der = new byte[prefix.length + x.length];
        System.arraycopy(prefix, 0, der, 0, prefix.length);
        System.arraycopy(x, 0, der, prefix.length, x.length);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
      default:
        throw new AssertionError("unexpected kty " + jwk);
    }
  }

  private static BigInteger uint(JsonNode jwk, String field) {
    return new BigInteger(1, B64URL.decode(jwk.get(field).asText()));
  }

  @Test
  void onStoredChangeWhenKeysGeneratedRotatedOrRetiredThenCalledButNotOnRefresh() {
    AtomicInteger announced = new AtomicInteger();
    keys.onStoredChange(announced::incrementAndGet);

    keys.load("ES256", Duration.ofMinutes(10));
    assertThat(announced).hasValue(1);
    keys.rotate("ES256", Duration.ofMinutes(10));
    assertThat(announced).hasValue(2);
    keys.refresh();
    keys.load("ES256", Duration.ofMinutes(10));
    assertThat(announced).hasValue(2);
    clock.advance(Duration.ofMinutes(11));
    assertThat(keys.retireExpired()).isEqualTo(1);
    assertThat(announced).hasValue(3);
  }

  @Test
  void rotateWhenPublicationDelayThenNewKeyPublishedAndAnnouncedBeforeItSigns() {
    SigningKeys shared =
        new SigningKeys(repository, encryptor, clock, random, Duration.ofMillis(100));
    shared.load("ES256", Duration.ofMinutes(10));
    String old = shared.active().kid();
    List<String> seen = new ArrayList<>();
    shared.onStoredChange(
        () ->
            seen.add(
                shared.active().kid()
                    + " signs; published "
                    + shared.publicKeys().getKeys().stream()
                        .map(k -> k.getKeyID())
                        .sorted()
                        .toList()));

    String kid = shared.rotate("ES256", Duration.ofMinutes(10));

    List<String> both = java.util.stream.Stream.of(old, kid).sorted().toList();
    assertThat(seen)
        .containsExactly(old + " signs; published " + both, kid + " signs; published " + both);
  }

  @Test
  void loadWhenARotationStoppedWhilePublishingTheNextKeyThenItIsMadeActive() {
    SigningKeys first =
        new SigningKeys(repository, encryptor, clock, random, Duration.ofMillis(100));
    first.load("ES256", Duration.ofMinutes(10));
    InMemorySigningKeyRepository stopped = new InMemorySigningKeyRepository();
    first.onStoredChange(
        () -> {
          if (stopped.keys.isEmpty()) stopped.keys.putAll(repository.keys);
        });
    String kid = first.rotate("ES256", Duration.ofMinutes(10));
    assertThat(stopped.keys.values()).anyMatch(StoredSigningKey::isNext);

    SigningKeys restarted = new SigningKeys(stopped, encryptor, clock, random);
    restarted.load("ES256", Duration.ofMinutes(10));

    assertThat(restarted.active().kid()).isEqualTo(kid);
    assertThat(stopped.keys.values()).noneMatch(StoredSigningKey::isNext);
  }
}
