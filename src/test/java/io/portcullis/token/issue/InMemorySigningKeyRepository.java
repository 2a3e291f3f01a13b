package io.portcullis.token.issue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The repository contract kept in a map, for tests of the key logic without a database. */
public final class InMemorySigningKeyRepository implements SigningKeyRepository {
  public final Map<String, StoredSigningKey> keys = new LinkedHashMap<>();

  @Override
  public synchronized List<StoredSigningKey> findAll() {
    return new ArrayList<>(keys.values());
  }

  @Override
  public synchronized void save(StoredSigningKey key) {
    keys.put(key.kid(), key);
  }

  @Override
  public synchronized boolean delete(String kid) {
    return keys.remove(kid) != null;
  }
}
