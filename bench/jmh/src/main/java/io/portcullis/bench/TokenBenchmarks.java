package io.portcullis.bench;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.Snapshot;
import io.portcullis.registry.SnapshotHolder;
import io.portcullis.token.store.CachingTokenStore;
import io.portcullis.token.store.InMemoryTokenStore;
import io.portcullis.token.store.OpaqueTokenGenerator;
import io.portcullis.token.store.TokenHasher;
import io.portcullis.token.store.TokenRecord;
import io.portcullis.token.verify.JwtVerifier;
import io.portcullis.token.verify.Verification;
import io.portcullis.token.verify.VerifierSettings;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The token hot path, one operation per call, in operations per second:
 *
 * <ul>
 *   <li>{@code verify*}: Portcullis's {@link JwtVerifier} on a distinct token each call (parse,
 *       strict JSON check, issuer, key selection, signature, time, audience, type, scopes), no
 *       verified-token cache;
 *   <li>{@code jca*}: the signature check alone with the JCA provider in use, the floor under
 *       {@code verify*};
 *   <li>{@code sign*}: nimbus signing a fresh claims set (what {@code /oauth2/jwt} does per call);
 *   <li>{@code opaqueLookup}: {@link CachingTokenStore#lookup} of a known opaque token (a cache
 *       hit, as for every call after the first).
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TokenBenchmarks {
  private static final int POOL = 1024;
  private static final String ISSUER = "http://localhost:8080";
  private static final String AUDIENCE = "bench";

  private Vertx vertx;
  private JwtVerifier verifier;
  private final String[] rs256 = new String[POOL];
  private final String[] es256 = new String[POOL];
  private final String[] ed25519 = new String[POOL];
  private final String[] opaque = new String[POOL];
  private JWSSigner rsaSigner;
  private JWSSigner ecSigner;
  private JWSSigner edSigner;
  private CachingTokenStore tokenStore;
  private Signature rsaJca;
  private Signature ecJca;
  private Signature edJca;
  private byte[] signedData;
  private byte[] rsaSignature;
  private byte[] ecSignature;
  private byte[] edSignature;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa").generate();
    ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec").generate();
    OctetKeyPair ed = new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed").generate();
    JWKSet publicKeys = new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK(), ed.toPublicJWK()));
    AuthorizationServer local =
        new AuthorizationServer(
            AuthorizationServer.LOCAL,
            AuthorizationServer.Type.INTERNAL,
            ISSUER,
            60,
            new AuthorizationServer.JwtSettings("RS256", 3600, AUDIENCE),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    SnapshotHolder snapshots = new SnapshotHolder();
    snapshots.publish(new Snapshot(1, List.of(), List.of(), List.of(), List.of(), List.of(local)));
    vertx = Vertx.vertx();
    verifier =
        new JwtVerifier(
            vertx, snapshots, () -> publicKeys, Clock.systemUTC(), VerifierSettings.DEFAULTS);

    rsaSigner = new RSASSASigner(rsa);
    ecSigner = new ECDSASigner(ec);
    edSigner = new Ed25519Signer(ed);
    for (int i = 0; i < POOL; i++) {
      rs256[i] = sign(rsaSigner, JWSAlgorithm.RS256, "rsa");
      es256[i] = sign(ecSigner, JWSAlgorithm.ES256, "ec");
      ed25519[i] = sign(edSigner, JWSAlgorithm.EdDSA, "ed");
    }
    for (String[] tokens : List.of(rs256, es256, ed25519)) {
      Verification answer = verifier.verify(tokens[0]).result();
      if (!(answer instanceof Verification.Verified)) {
        throw new IllegalStateException("benchmark token not verified: " + answer);
      }
    }

    signedData = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJiZW5jaCJ9".getBytes(StandardCharsets.US_ASCII);
    rsaJca = Signature.getInstance("SHA256withRSA");
    rsaJca.initSign(rsa.toPrivateKey());
    rsaJca.update(signedData);
    rsaSignature = rsaJca.sign();
    rsaJca.initVerify(rsa.toPublicKey());
    ecJca = Signature.getInstance("SHA256withECDSA");
    ecJca.initSign(ec.toPrivateKey());
    ecJca.update(signedData);
    ecSignature = ecJca.sign();
    ecJca.initVerify(ec.toPublicKey());
    java.security.KeyPair edPair = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    edJca = Signature.getInstance("Ed25519");
    edJca.initSign(edPair.getPrivate());
    edJca.update(signedData);
    edSignature = edJca.sign();
    edJca.initVerify(edPair.getPublic());

    InMemoryTokenStore store = new InMemoryTokenStore();
    OpaqueTokenGenerator generator = new OpaqueTokenGenerator(new SecureRandom());
    Instant now = Instant.now();
    for (int i = 0; i < POOL; i++) {
      opaque[i] = generator.generate(54);
      store.save(
          new TokenRecord(
              TokenHasher.hash(opaque[i]),
              TokenRecord.Kind.ACCESS,
              AuthorizationServer.LOCAL,
              "bench-client",
              "bench-app",
              null,
              List.of("bench.read"),
              Map.of(),
              now,
              now.plusSeconds(3600),
              UUID.randomUUID().toString(),
              null,
              null,
              null));
    }
    tokenStore = new CachingTokenStore(store, Clock.systemUTC(), CachingTokenStore.Settings.DEFAULT);
    for (String token : opaque) {
      if (tokenStore.lookup(token).toCompletionStage().toCompletableFuture().get().isEmpty()) {
        throw new IllegalStateException("opaque token not found");
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    verifier.close();
    tokenStore.close();
    vertx.close();
  }

  private static String sign(JWSSigner signer, JWSAlgorithm alg, String kid) throws Exception {
    Instant now = Instant.now();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .audience(AUDIENCE)
            .subject("bench-client")
            .claim("scope", "bench.read")
            .jwtID(UUID.randomUUID().toString())
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(3600)))
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).keyID(kid).build(), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  private int next() {
    return next++ & (POOL - 1);
  }

  @Benchmark
  public Object verifyRs256() {
    return verifier.verify(rs256[next()]).result();
  }

  @Benchmark
  public Object verifyEs256() {
    return verifier.verify(es256[next()]).result();
  }

  @Benchmark
  public Object verifyEdDsa() {
    return verifier.verify(ed25519[next()]).result();
  }

  @Benchmark
  public boolean jcaVerifyRs256() throws Exception {
    rsaJca.update(signedData);
    return rsaJca.verify(rsaSignature);
  }

  @Benchmark
  public boolean jcaVerifyEs256() throws Exception {
    ecJca.update(signedData);
    return ecJca.verify(ecSignature);
  }

  @Benchmark
  public boolean jcaVerifyEdDsa() throws Exception {
    edJca.update(signedData);
    return edJca.verify(edSignature);
  }

  @Benchmark
  public String signRs256() throws Exception {
    return sign(rsaSigner, JWSAlgorithm.RS256, "rsa");
  }

  @Benchmark
  public String signEs256() throws Exception {
    return sign(ecSigner, JWSAlgorithm.ES256, "ec");
  }

  @Benchmark
  public String signEdDsa() throws Exception {
    return sign(edSigner, JWSAlgorithm.EdDSA, "ed");
  }

  @Benchmark
  public Object opaqueLookup() {
    return tokenStore.lookup(opaque[next()]).result();
  }
}
