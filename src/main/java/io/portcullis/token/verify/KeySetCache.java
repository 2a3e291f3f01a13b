package io.portcullis.token.verify;

/** Lets an administrator drop the keys cached for an issuer, e.g. after an emergency rotation. */
public interface KeySetCache {

  /**
   * Drops the keys held for the issuer and starts loading them again from its JWKS URI or PEM
   * certificates; tokens of the issuer wait for that load. Cached verifications of its tokens are
   * redone. Does not block.
   *
   * @param alias the authorization server's alias
   * @return false when no authorization server of that alias is known
   */
  boolean flush(String alias);
}
