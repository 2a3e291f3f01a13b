package io.portcullis.token.issue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.factories.DefaultJWSSignerFactory;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.JWKGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own signing keys: one active key that signs, superseded keys that stay published
 * for verification until every token they signed has expired, and during a rotation the next key,
 * published before it signs.
 *
 * <p>Every node sharing the store holds the same keys: a node that changes them announces it
 * ({@link #onStoredChange}), and the others {@link #refresh()} at once.
 *
 * <p>Reads ({@link #active()}, {@link #publicKeys()}) never block: they return the in-memory state.
 * Writes ({@link #load}, {@link #rotate}, {@link #retireExpired}) touch the repository and generate
 * keys: call them off the event loop.
 */
public final class SigningKeys {
  private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);

  /** The key that signs now. */
  public record ActiveKey(String kid, JWSAlgorithm algorithm, JWSSigner signer) {}

  private record State(ActiveKey active, JWKSet published, long generation) {}

  private final SigningKeyRepository repository;
  private final KeyEncryptor encryptor;
  private final Clock clock;
  private final SecureRandom random;
  private final AtomicReference<State> state =
      new AtomicReference<>(new State(null, new JWKSet(), 0));
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> storedChangeListeners = new CopyOnWriteArrayList<>();
  private final Object writeLock = new Object();

  /**
   * How long a new key is published as the next key before it signs, when other nodes may share the
   * store: long enough for every node to hear of it (milliseconds) and re-read it.
   */
  public static final Duration PUBLICATION_DELAY = Duration.ofSeconds(1);

  private final Duration publicationDelay;

  /** Keys that only this process uses: a new key signs at once. */
  public SigningKeys(
      SigningKeyRepository repository, KeyEncryptor encryptor, Clock clock, SecureRandom random) {
    this(repository, encryptor, clock, random, Duration.ZERO);
  }

  /**
   * @param publicationDelay how long {@link #rotate} publishes the new key before it signs (real
   *     time, not the clock's); zero when no other node shares the store
   */
  public SigningKeys(
      SigningKeyRepository repository,
      KeyEncryptor encryptor,
      Clock clock,
      SecureRandom random,
      Duration publicationDelay) {
    this.repository = repository;
    this.encryptor = encryptor;
    this.clock = clock;
    this.random = random;
    this.publicationDelay = publicationDelay;
  }

  /**
   * Loads the stored keys; generates an active key when there is none, or when the active one is of
   * another algorithm than asked (the old one is then superseded as in a rotation). A next key left
   * by a rotation that did not finish (the process stopped while publishing it) is made active.
   *
   * @param algorithm the algorithm issued tokens must use
   * @param retention how long a superseded key stays published: the longest token lifetime plus
   *     clock skew
   */
  public void load(String algorithm, Duration retention) {
    synchronized (writeLock) {
      StoredSigningKey next =
          repository.findAll().stream()
              .filter(StoredSigningKey::isNext)
              .filter(k -> k.algorithm().equals(algorithm))
              .reduce((a, b) -> b)
              .orElse(null);
      StoredSigningKey active = activeStored();
      if (next != null) {
        activate(next, retention);
      } else if (active == null || !active.algorithm().equals(algorithm)) {
        rotate(algorithm, retention);
      } else {
        refresh();
      }
    }
  }

  /**
   * Makes a new key of the algorithm the active one; the previous active key stays published for
   * {@code retention}. When there is an active key and a publication delay, the new key is first
   * stored and announced as the <em>next</em> key (published, not signing) for that delay, so that
   * every node sharing the store publishes and accepts it before the first token it signs. Blocking
   * for the delay.
   *
   * @return the new key's kid
   */
  public String rotate(String algorithm, Duration retention) {
    synchronized (writeLock) {
      JWK jwk = generate(JWSAlgorithm.parse(algorithm));
      StoredSigningKey next =
          new StoredSigningKey(
              jwk.getKeyID(),
              algorithm,
              jwk.toPublicJWK().toJSONString(),
              encryptor.encrypt(jwk.toJSONString(), jwk.getKeyID()),
              clock.instant(),
              null,
              null,
              null);
      if (activeStored() != null && !publicationDelay.isZero()) {
        repository.save(next);
        LOG.atInfo()
            .addKeyValue("kid", next.kid())
            .addKeyValue("alg", algorithm)
            .addKeyValue("activatesInMillis", publicationDelay.toMillis())
            .log("signing key published as next");
        refresh();
        storedChanged();
        pause(publicationDelay);
      }
      activate(next, retention);
      return next.kid();
    }
  }

  /** Supersedes the active key, activates {@code next}, drops other next keys. Lock held. */
  private void activate(StoredSigningKey next, Duration retention) {
    Instant now = clock.instant();
    StoredSigningKey previous = activeStored();
    if (previous != null) repository.save(previous.supersede(now, now.plus(retention)));
    repository.save(next.activate(now));
    for (StoredSigningKey key : repository.findAll()) {
      // Left by a rotation that did not finish: never signed anything.
      if (key.isNext() && !key.kid().equals(next.kid())) repository.delete(key.kid());
    }
    LOG.atInfo()
        .addKeyValue("kid", next.kid())
        .addKeyValue("alg", next.algorithm())
        .addKeyValue("previousKid", previous == null ? null : previous.kid())
        .log("signing key activated");
    refresh();
    storedChanged();
  }

  private static void pause(Duration delay) {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      // Stopping: activate at once rather than leave the rotation half done.
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Deletes superseded keys whose publication period has ended.
   *
   * @return how many were retired
   */
  public int retireExpired() {
    synchronized (writeLock) {
      Instant now = clock.instant();
      int retired = 0;
      for (StoredSigningKey key : repository.findAll()) {
        if (key.supersededAt() != null && !key.publishedUntil().isAfter(now)) {
          repository.delete(key.kid());
          LOG.atInfo().addKeyValue("kid", key.kid()).log("signing key retired");
          retired++;
        }
      }
      if (retired > 0) {
        refresh();
        storedChanged();
      }
      return retired;
    }
  }

  /** Re-reads the repository (after another node changed the keys). */
  public void refresh() {
    synchronized (writeLock) {
      Instant now = clock.instant();
      ActiveKey active = null;
      List<JWK> published = new ArrayList<>();
      for (StoredSigningKey key : repository.findAll()) {
        if (key.isActive()) {
          active = decrypt(key);
          published.add(parse(key.publicJwk(), key.kid()));
        } else if (key.isNext() || key.publishedUntil().isAfter(now)) {
          published.add(parse(key.publicJwk(), key.kid()));
        }
      }
      State before = state.get();
      state.set(new State(active, new JWKSet(published), before.generation() + 1));
      listeners.forEach(Runnable::run);
    }
  }

  /**
   * The key that signs now.
   *
   * @throws IllegalStateException before {@link #load} created or found one
   */
  public ActiveKey active() {
    ActiveKey active = state.get().active();
    if (active == null) throw new IllegalStateException("no active signing key: load() first");
    return active;
  }

  /** The public keys to publish and verify with: the active key and those still published. */
  public JWKSet publicKeys() {
    return state.get().published();
  }

  /** Changes every time the set of keys changes. */
  public long generation() {
    return state.get().generation();
  }

  /** Runs the listener after every change of the key set, on the changing thread. */
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  /**
   * Runs the listener after every change this instance writes to the repository (a key generated,
   * rotated or retired; not after a {@link #refresh}), once the change is committed: to tell the
   * other nodes sharing the store to re-read their keys. A listener that throws is logged; the
   * change stands.
   */
  public void onStoredChange(Runnable listener) {
    storedChangeListeners.add(listener);
  }

  private void storedChanged() {
    for (Runnable listener : storedChangeListeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        LOG.atWarn()
            .addKeyValue("error", e.toString())
            .log("announcing a signing key change failed; other nodes re-read keys later");
      }
    }
  }

  private StoredSigningKey activeStored() {
    return repository.findAll().stream()
        .filter(StoredSigningKey::isActive)
        .reduce((a, b) -> b)
        .orElse(null);
  }

  private ActiveKey decrypt(StoredSigningKey key) {
    JWK jwk = parse(encryptor.decrypt(key.encryptedPrivateJwk(), key.kid()), key.kid());
    try {
      JWSAlgorithm alg = JWSAlgorithm.parse(key.algorithm());
      return new ActiveKey(key.kid(), alg, new DefaultJWSSignerFactory().createJWSSigner(jwk, alg));
    } catch (JOSEException e) {
      throw new IllegalStateException(
          "signing key " + key.kid() + " cannot sign " + key.algorithm() + ": " + e.getMessage(),
          e);
    }
  }

  private static JWK parse(String json, String kid) {
    try {
      return JWK.parse(json);
    } catch (ParseException e) {
      throw new IllegalStateException("stored signing key " + kid + " is not a valid JWK", e);
    }
  }

  private JWK generate(JWSAlgorithm alg) {
    JWKGenerator<? extends JWK> generator;
    if (JWSAlgorithm.Family.RSA.contains(alg)) {
      generator = new RSAKeyGenerator(alg.equals(JWSAlgorithm.RS256) ? 2048 : 3072);
    } else if (alg.equals(JWSAlgorithm.ES256)) {
      generator = new ECKeyGenerator(Curve.P_256);
    } else if (alg.equals(JWSAlgorithm.EdDSA) || alg.equals(JWSAlgorithm.Ed25519)) {
      generator = new OctetKeyPairGenerator(Curve.Ed25519);
    } else {
      throw new IllegalArgumentException(
          "cannot generate a signing key for "
              + alg
              + "; expected RS256, RS384, RS512, ES256 or EdDSA");
    }
    try {
      // RFC 7638 thumbprint as kid: unique per key, and says nothing about when it was made.
      return generator
          .keyUse(KeyUse.SIGNATURE)
          .algorithm(alg)
          .keyIDFromThumbprint(true)
          .secureRandom(random)
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate a " + alg + " key: " + e.getMessage(), e);
    }
  }
}
