package io.portcullis.token.verify;

import com.nimbusds.jose.jwk.JWKSet;

/**
 * The public keys of the gateway's own (internal) authorization server, {@code local}: what its
 * JWTs are verified with. Supplied by the component that signs them, so that verification does not
 * depend on being the issuer.
 */
@FunctionalInterface
public interface LocalKeys {

  /**
   * The keys that verify tokens the gateway signed: the current signing key and every previous one
   * whose tokens may still be valid.
   *
   * <p>Called on every verification of a local token, possibly on an event loop: it must answer
   * from memory, without blocking. Return the same instance while the keys do not change; a new
   * instance with different keys makes cached verifications of local tokens be redone.
   *
   * @return public keys only (private parts are ignored); an empty set when there are none yet,
   *     never null
   */
  JWKSet publicKeys();

  /**
   * Re-reads the keys from where they are kept, because a token of the internal issuer names a
   * {@code kid} that {@link #publicKeys()} lacks: another node sharing the store may have rotated
   * and its notice not have arrived yet. Blocking (a store read): the verifier calls it on a worker
   * thread, never an event loop, one call at a time and at most once per {@link
   * LocalIssuerKeys#REREAD_INTERVAL} however many tokens ask; {@link #publicKeys()} then answers
   * with what was read. The default has nothing to re-read.
   */
  default void reread() {}
}
