package io.portcullis.token.verify;

import com.nimbusds.jose.jwk.JWKSet;
import java.time.Instant;
import java.util.Objects;

/**
 * One issuer's verification keys as last loaded: immutable, so that verification reads it without
 * locks.
 *
 * @param jwkSet public keys that passed the {@link KeySetPolicy}
 * @param generation unique across all issuers of one {@link JwtVerifier}; changes exactly when the
 *     keys change (a refetch of the same keys keeps it)
 * @param loadedAt when these keys were last fetched or confirmed by a fetch
 */
record LoadedKeys(JWKSet jwkSet, long generation, Instant loadedAt) {
  LoadedKeys {
    Objects.requireNonNull(jwkSet, "jwkSet");
    Objects.requireNonNull(loadedAt, "loadedAt");
  }
}
