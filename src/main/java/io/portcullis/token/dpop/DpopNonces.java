package io.portcullis.token.dpop;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server's DPoP nonces (RFC 9449 §8 and §9): base64url(HMAC-SHA256(key, time window)), so that
 * every node that holds the key (one row of the store, shared by the nodes) makes and accepts the
 * same nonces without sharing any other state. A nonce is current during its window of {@link
 * #PERIOD} and the next one: one to two periods after it was handed out. Thread-safe; cheap enough
 * for an event loop (one HMAC).
 */
public final class DpopNonces {
  /** The length of a nonce's time window. */
  public static final Duration PERIOD = Duration.ofMinutes(1);

  /** The shortest key accepted, in bytes. */
  public static final int MIN_KEY_BYTES = 32;

  private final SecretKeySpec key;

  /**
   * @param key the HMAC key, at least {@value #MIN_KEY_BYTES} random bytes
   */
  public DpopNonces(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "a DPoP nonce key must have at least " + MIN_KEY_BYTES + " bytes; had " + key.length);
    }
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
  }

  /** The nonce to hand out at {@code now}. */
  public String current(Instant now) {
    return nonce(window(now));
  }

  /** Whether {@code nonce} was made in the window of {@code now} or the one before. */
  public boolean isCurrent(String nonce, Instant now) {
    if (nonce == null || nonce.length() > 64) return false;
    byte[] sent = nonce.getBytes(StandardCharsets.US_ASCII);
    long window = window(now);
    boolean current = MessageDigest.isEqual(sent, ascii(nonce(window)));
    boolean previous = MessageDigest.isEqual(sent, ascii(nonce(window - 1)));
    return current | previous;
  }

  private static long window(Instant now) {
    return Math.floorDiv(now.getEpochSecond(), PERIOD.toSeconds());
  }

  private String nonce(long window) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] digest =
          mac.doFinal(("portcullis-dpop-nonce:" + window).getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
