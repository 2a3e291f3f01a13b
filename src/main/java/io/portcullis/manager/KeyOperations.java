package io.portcullis.manager;

import java.util.List;

/**
 * The key operations the authorization-server screen offers, provided by the composition root (so
 * that the Manager needs no token classes). Blocking; called on worker threads.
 */
public interface KeyOperations {
  /** The internal server's published signing keys, the active one first. */
  List<SigningKey> signingKeys();

  /**
   * Makes a new signing key of the internal server {@code alias} active; the previous one stays
   * published until its tokens expire.
   *
   * @return the new key's id
   * @throws io.portcullis.control.NotFoundException when {@code alias} is not an internal server
   */
  String rotate(String alias);

  /**
   * Drops the cached key set of issuer {@code alias}, so that the next token fetches it again.
   *
   * @return whether a cached key set was dropped
   */
  boolean flush(String alias);

  /** A published signing key. */
  record SigningKey(String kid, String algorithm, boolean active) {}
}
