package io.portcullis.credential;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Counts failed authentications per name (username or client id) and per source address, so that
 * guessing costs the guesser and not the gateway's CPU: once a name or an address has {@link
 * Settings#failuresPerName} or {@link Settings#failuresPerAddress} failures within {@link
 * Settings#window} (counted from its first failure), every attempt for that name or from that
 * address is refused until the window ends, <em>without</em> the slow hash, even with the right
 * secret (a temporary lock, as Keycloak's brute-force detection does: checking the right secret
 * would need the hash the lock is there to spare).
 *
 * <p>Callers ask {@link #attempt} before checking a secret, which counts the attempt as a failure
 * up front (so that concurrent guesses cannot all slip in before the first is counted), and tell
 * {@link #succeeded} when the secret was right, which takes that count back and forgets the name's
 * failures (not the address's earlier ones: one known account must not let an address reset its
 * count). Memory is bounded: at most {@link Settings#maxTracked} names and as many addresses are
 * tracked (least recently used dropped first), whatever an attacker sends. Time comes from the
 * injected {@link Clock}. Thread-safe; never blocks.
 */
public final class FailureThrottle {
  /**
   * @param failuresPerName failures of one name that lock it; 0 for no limit per name
   * @param failuresPerAddress failures from one address that lock it; 0 for no limit per address
   * @param window how long failures are counted from the first, and so the longest lock
   * @param maxTracked the most names (and the most addresses) remembered at once
   */
  public record Settings(
      int failuresPerName, int failuresPerAddress, Duration window, long maxTracked) {
    public static final int DEFAULT_FAILURES_PER_NAME = 10;
    public static final int DEFAULT_FAILURES_PER_ADDRESS = 50;
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
    public static final long DEFAULT_MAX_TRACKED = 100_000;

    public static final Settings DEFAULTS =
        new Settings(
            DEFAULT_FAILURES_PER_NAME,
            DEFAULT_FAILURES_PER_ADDRESS,
            DEFAULT_WINDOW,
            DEFAULT_MAX_TRACKED);

    /** No throttling at all. */
    public static final Settings OFF = new Settings(0, 0, DEFAULT_WINDOW, 1);

    public Settings {
      if (failuresPerName < 0 || failuresPerAddress < 0) {
        throw new IllegalArgumentException("failure limits must be 0 (off) or positive");
      }
      Objects.requireNonNull(window, "window");
      if (window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("window must be positive");
      }
      if (maxTracked < 1) throw new IllegalArgumentException("maxTracked must be positive");
    }
  }

  /** Failures of one key since {@code start}. */
  private record Count(Instant start, int failures) {}

  private final Settings settings;
  private final Clock clock;
  private final Cache<String, Count> names;
  private final Cache<String, Count> addresses;

  public FailureThrottle(Settings settings, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.names = cache(settings, clock);
    this.addresses = cache(settings, clock);
  }

  private static Cache<String, Count> cache(Settings settings, Clock clock) {
    return Caffeine.newBuilder()
        .maximumSize(settings.maxTracked())
        .expireAfterWrite(settings.window())
        .ticker(() -> clock.millis() * 1_000_000L)
        .build();
  }

  public Settings settings() {
    return settings;
  }

  /**
   * How long the caller must wait when the name or the address is locked; empty when it may try.
   *
   * @param name the username or client id as sent; null for none
   * @param address the client's IP address; null when unknown
   */
  public Optional<Duration> locked(String name, String address) {
    Instant now = clock.instant();
    Duration byName = wait(names, key(name), settings.failuresPerName(), now);
    Duration byAddress = wait(addresses, address, settings.failuresPerAddress(), now);
    Duration longest = byName.compareTo(byAddress) >= 0 ? byName : byAddress;
    return longest.isZero() ? Optional.empty() : Optional.of(longest);
  }

  /**
   * Before checking a secret: how long the caller must wait when the name or the address is locked
   * (then nothing is counted and the secret must not be checked); otherwise empty, and the attempt
   * is counted as a failure until {@link #succeeded} takes it back.
   */
  public Optional<Duration> attempt(String name, String address) {
    Optional<Duration> locked = locked(name, address);
    if (locked.isEmpty()) failed(name, address);
    return locked;
  }

  /** Counts a failed authentication of {@code name} from {@code address}. */
  void failed(String name, String address) {
    Instant now = clock.instant();
    count(names, key(name), settings.failuresPerName(), now);
    count(addresses, address, settings.failuresPerAddress(), now);
  }

  /**
   * After an {@link #attempt} whose secret was right: the name's failures are forgotten, and the
   * address's count loses the attempt.
   */
  public void succeeded(String name, String address) {
    String key = key(name);
    if (key != null) names.invalidate(key);
    if (address != null && settings.failuresPerAddress() > 0) {
      addresses
          .asMap()
          .computeIfPresent(
              address,
              (k, count) ->
                  count.failures() <= 1 ? null : new Count(count.start(), count.failures() - 1));
    }
  }

  /** How many names and addresses are tracked now (after pending evictions). */
  long tracked() {
    names.cleanUp();
    addresses.cleanUp();
    return names.estimatedSize() + addresses.estimatedSize();
  }

  /** Whole seconds, rounded up, at least 1: the value of a {@code Retry-After} header. */
  public static long retryAfterSeconds(Duration wait) {
    return Math.max(1, wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0));
  }

  /** Names compare without regard to case: guessing Admin and admin counts as one name. */
  private static String key(String name) {
    return name == null ? null : name.toLowerCase(Locale.ROOT);
  }

  private Duration wait(Cache<String, Count> counts, String key, int limit, Instant now) {
    if (limit == 0 || key == null) return Duration.ZERO;
    Count count = counts.getIfPresent(key);
    if (count == null || count.failures() < limit) return Duration.ZERO;
    Duration left = Duration.between(now, count.start().plus(settings.window()));
    return left.isNegative() || left.isZero() ? Duration.ZERO : left;
  }

  private void count(Cache<String, Count> counts, String key, int limit, Instant now) {
    if (limit == 0 || key == null) return;
    counts
        .asMap()
        .compute(
            key,
            (k, count) ->
                count == null || !now.isBefore(count.start().plus(settings.window()))
                    ? new Count(now, 1)
                    : new Count(count.start(), count.failures() + 1));
  }
}
