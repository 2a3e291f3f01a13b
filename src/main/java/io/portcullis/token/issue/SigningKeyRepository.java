package io.portcullis.token.issue;

import java.util.List;

/** Durable storage of the gateway's signing keys. Blocking: call off the event loop. */
public interface SigningKeyRepository {
  /** Every stored key, oldest first; empty when none was generated yet. */
  List<StoredSigningKey> findAll();

  /** Inserts the key, or replaces the one with the same kid. */
  void save(StoredSigningKey key);

  /** Deletes the key with this kid. @return false when there was none */
  boolean delete(String kid);
}
