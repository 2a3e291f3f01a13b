package io.portcullis.gateway;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request ids ({@code X-Request-Id}): a well-formed incoming one is kept, so that a caller's id
 * follows the call through the gateway; any other is replaced by a new one.
 *
 * <p>Well-formed: 1 to {@value #MAX_LENGTH} characters of {@code A-Z a-z 0-9 . _ -} (a UUID fits;
 * nothing that could split a log line, a CSV cell or a header). New ids are a prefix of 64 random
 * bits drawn once per process, in base 32, then {@code -} and a counter in base 32: unique across
 * nodes and restarts without drawing random bits per request.
 */
public final class RequestIds {
  /** The header that carries the id to the upstream and back to the client. */
  public static final String HEADER = "X-Request-Id";

  /** The longest incoming id kept. */
  public static final int MAX_LENGTH = 64;

  private static final boolean[] ALLOWED = new boolean[128];

  static {
    for (char c = 'A'; c <= 'Z'; c++) ALLOWED[c] = true;
    for (char c = 'a'; c <= 'z'; c++) ALLOWED[c] = true;
    for (char c = '0'; c <= '9'; c++) ALLOWED[c] = true;
    ALLOWED['.'] = true;
    ALLOWED['_'] = true;
    ALLOWED['-'] = true;
  }

  private final String prefix;
  private final AtomicLong counter = new AtomicLong();

  public RequestIds() {
    this(Long.toUnsignedString(new SecureRandom().nextLong(), 32));
  }

  RequestIds(String prefix) {
    this.prefix = prefix + "-";
  }

  /** The incoming id when it is well-formed, else a new one. */
  public String choose(String incoming) {
    return wellFormed(incoming) ? incoming : next();
  }

  /** A new id. */
  public String next() {
    return prefix.concat(Long.toString(counter.incrementAndGet(), 32));
  }

  /** Whether an incoming id is kept: 1 to 64 characters of {@code A-Z a-z 0-9 . _ -}. */
  public static boolean wellFormed(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) return false;
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c >= 128 || !ALLOWED[c]) return false;
    }
    return true;
  }
}
