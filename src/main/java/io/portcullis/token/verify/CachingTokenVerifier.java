package io.portcullis.token.verify;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.portcullis.token.verify.Verification.Verified;
import io.vertx.core.Future;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Remembers verified tokens so that a token presented again skips parsing and signature checks.
 * Changes the speed of verification, never its answer:
 *
 * <ul>
 *   <li>entries are keyed by the SHA-256 of the whole compact token, so nothing of the token is
 *       kept as a key and a token that differs in any character is verified afresh;
 *   <li>only {@link Verified} answers are kept (refusals are cheap, and caching them would let
 *       anyone fill the cache);
 *   <li>on every hit the delegate's {@link VerificationRecheck} decides again, against the clock,
 *       whatever can change without the token: {@code exp}, {@code nbf}, {@code iat} and lifetime;
 *       the issuer's configuration; the generation of its key set. A changed issuer or key set
 *       drops the entry and the token is verified again;
 *   <li>an entry lives no longer than the token's {@code exp} plus the issuer's clock skew (on the
 *       injected clock), and the cache holds at most {@code maximumSize} entries (Caffeine, least
 *       recently and frequently used go first).
 * </ul>
 */
public final class CachingTokenVerifier implements TokenVerifier {
  private final TokenVerifier delegate;
  private final VerificationRecheck recheck;
  private final Cache<TokenDigest, Verified> verified;

  /**
   * @param delegate the verifier whose answers are cached and rechecked, normally a {@link
   *     JwtVerifier}
   * @param clock the clock of the delegate, for entry expiry
   * @param maximumSize most entries kept
   */
  public <V extends TokenVerifier & VerificationRecheck> CachingTokenVerifier(
      V delegate, Clock clock, long maximumSize) {
    this.delegate = delegate;
    this.recheck = delegate;
    this.verified =
        Caffeine.newBuilder()
            .maximumSize(maximumSize)
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            // Maintenance on the calling thread: the common pool would cost a thread wake-up on
            // (nearly) every request, on an event loop.
            .executor(Runnable::run)
            .expireAfter(
                Expiry.<TokenDigest, Verified>creating(
                    (digest, entry) ->
                        Duration.between(
                            clock.instant(),
                            entry
                                .expiresAt()
                                .plusSeconds(Math.max(0, entry.issuer().clockSkew())))))
            .build();
  }

  @Override
  public Future<Verification> verify(String compactJwt) {
    if (compactJwt == null) {
      return delegate.verify(null);
    }
    TokenDigest digest = TokenDigest.of(compactJwt);
    Verified earlier = verified.getIfPresent(digest);
    if (earlier != null) {
      Optional<Verification> now = recheck.recheck(earlier);
      if (now.isPresent()) {
        if (!(now.get() instanceof Verified)) {
          verified.invalidate(digest);
        }
        return Future.succeededFuture(now.get());
      }
      verified.invalidate(digest);
    }
    return delegate
        .verify(compactJwt)
        .onSuccess(
            answer -> {
              if (answer instanceof Verified fresh) {
                verified.put(digest, fresh);
              }
            });
  }

  /** How many tokens are cached now; for metrics and tests. */
  public long size() {
    verified.cleanUp();
    return verified.estimatedSize();
  }

  /**
   * The SHA-256 of a compact token, as four longs: a cache key that holds nothing of the token,
   * compares without an array and needs no hex string. The digest object is reused per thread
   * ({@link MessageDigest#getInstance} costs a provider lookup per call).
   */
  record TokenDigest(long a, long b, long c, long d) {
    private static final ThreadLocal<MessageDigest> SHA_256 =
        ThreadLocal.withInitial(
            () -> {
              try {
                return MessageDigest.getInstance("SHA-256");
              } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
              }
            });
    private static final VarHandle LONGS =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    static TokenDigest of(String token) {
      // digest() resets the object, so a failure half-way cannot leave state for the next call.
      byte[] hash = SHA_256.get().digest(token.getBytes(StandardCharsets.UTF_8));
      return new TokenDigest(
          (long) LONGS.get(hash, 0),
          (long) LONGS.get(hash, 8),
          (long) LONGS.get(hash, 16),
          (long) LONGS.get(hash, 24));
    }
  }
}
