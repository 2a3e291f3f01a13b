package io.portcullis.token.verify;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and JWKS cache policy of the {@link JwtVerifier}. {@link #DEFAULTS} suits production;
 * tests shorten the timeouts.
 *
 * @param maxTokenLength longest compact token accepted, in characters (16 KiB by default)
 * @param maxLifetime longest accepted {@code exp - iat} (or {@code exp - now} when there is no
 *     {@code iat}); for the internal issuer its own configured lifetime is accepted when larger
 * @param jwksTtl how long a fetched key set is fresh
 * @param refreshAhead how long before {@code jwksTtl} ends the set is refetched in the background
 * @param minRefreshInterval at most one fetch per issuer starts within this interval, whatever
 *     triggers it (unknown {@code kid}, missing keys); a failed fetch is retried after it
 * @param staleIfError how long after {@code jwksTtl} ended the last good set still serves while
 *     fetches fail; after that the issuer's tokens are refused until a fetch succeeds
 * @param connectTimeout JWKS fetch connect timeout
 * @param readTimeout JWKS fetch read timeout
 * @param maxJwksBytes largest JWKS document accepted (512 KiB by default)
 */
public record VerifierSettings(
    int maxTokenLength,
    Duration maxLifetime,
    Duration jwksTtl,
    Duration refreshAhead,
    Duration minRefreshInterval,
    Duration staleIfError,
    Duration connectTimeout,
    Duration readTimeout,
    int maxJwksBytes) {

  public static final VerifierSettings DEFAULTS =
      new VerifierSettings(
          16 * 1024,
          Duration.ofHours(24),
          Duration.ofMinutes(15),
          Duration.ofMinutes(1),
          // Keycloak's default too: a rotated key is picked up within 10 s, and an unknown-kid
          // flood still causes at most six fetches a minute.
          Duration.ofSeconds(10),
          Duration.ofHours(24),
          Duration.ofSeconds(2),
          Duration.ofSeconds(5),
          512 * 1024);

  public VerifierSettings {
    Objects.requireNonNull(maxLifetime, "maxLifetime");
    Objects.requireNonNull(jwksTtl, "jwksTtl");
    Objects.requireNonNull(refreshAhead, "refreshAhead");
    Objects.requireNonNull(minRefreshInterval, "minRefreshInterval");
    Objects.requireNonNull(staleIfError, "staleIfError");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
    if (maxTokenLength <= 0) {
      throw new IllegalArgumentException("maxTokenLength must be positive, was " + maxTokenLength);
    }
    if (maxJwksBytes <= 0) {
      throw new IllegalArgumentException("maxJwksBytes must be positive, was " + maxJwksBytes);
    }
    if (jwksTtl.isNegative() || jwksTtl.isZero()) {
      throw new IllegalArgumentException("jwksTtl must be positive, was " + jwksTtl);
    }
    if (refreshAhead.isNegative() || refreshAhead.compareTo(jwksTtl) >= 0) {
      throw new IllegalArgumentException(
          "refreshAhead must be at least 0 and shorter than jwksTtl, was " + refreshAhead);
    }
    if (minRefreshInterval.isNegative() || staleIfError.isNegative()) {
      throw new IllegalArgumentException(
          "minRefreshInterval and staleIfError must not be negative");
    }
    if (connectTimeout.isNegative()
        || connectTimeout.isZero()
        || readTimeout.isNegative()
        || readTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout and readTimeout must be positive");
    }
  }

  /** These settings with other JWKS fetch timeouts. */
  public VerifierSettings withTimeouts(Duration connect, Duration read) {
    return new VerifierSettings(
        maxTokenLength,
        maxLifetime,
        jwksTtl,
        refreshAhead,
        minRefreshInterval,
        staleIfError,
        connect,
        read,
        maxJwksBytes);
  }
}
