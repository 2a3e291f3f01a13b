package io.portcullis.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts failed sign-ins per username and per client address; after {@code limit} failures within
 * {@code window} further attempts for that username or from that address are refused without
 * checking the password until the window has passed. Bounded in memory.
 */
public final class LoginThrottle {
  private final int limit;
  private final Duration window;
  private final Cache<String, AtomicInteger> failures;

  /**
   * @param limit failures allowed in a window
   * @param window how long failures are remembered (from the first one)
   */
  public LoginThrottle(int limit, Duration window) {
    this.limit = limit;
    this.window = window;
    this.failures = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(window).build();
  }

  /** Whether an attempt for this user from this address must be refused now. */
  public boolean blocked(String username, String address) {
    return count("user:" + username) >= limit || count("addr:" + address) >= limit * 4;
  }

  /** Records a failed attempt. */
  public void failed(String username, String address) {
    failures.get("user:" + username, k -> new AtomicInteger()).incrementAndGet();
    failures.get("addr:" + address, k -> new AtomicInteger()).incrementAndGet();
  }

  /** Forgets the user's failures after a successful sign-in. */
  public void succeeded(String username) {
    failures.invalidate("user:" + username);
  }

  /** How long a blocked caller waits at most, for the message. */
  public Duration window() {
    return window;
  }

  private int count(String key) {
    AtomicInteger n = failures.getIfPresent(key);
    return n == null ? 0 : n.get();
  }
}
