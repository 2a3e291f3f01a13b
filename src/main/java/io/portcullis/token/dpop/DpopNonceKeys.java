package io.portcullis.token.dpop;

/**
 * Where the key of the {@link DpopNonces} is kept, shared by every node that shares the store.
 * Blocking: called once when a node starts.
 */
public interface DpopNonceKeys {
  /**
   * The key: the one stored, or, when none is, a new random one of at least {@link
   * DpopNonces#MIN_KEY_BYTES} bytes stored atomically (of nodes starting at once, all end up with
   * the same key).
   */
  byte[] loadOrCreate();
}
