package io.portcullis.app;

import com.nimbusds.jose.jwk.JWK;
import io.portcullis.control.NotFoundException;
import io.portcullis.manager.KeyOperations;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.Snapshot;
import io.portcullis.token.issue.SigningKeys;
import io.portcullis.token.verify.KeySetCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/** The Manager's key operations over the signing keys and the issuers' key-set cache. */
final class ManagerKeys implements KeyOperations {
  private final Supplier<Snapshot> snapshots;
  private final SigningKeys signingKeys;
  private final KeySetCache keySets;

  ManagerKeys(Supplier<Snapshot> snapshots, SigningKeys signingKeys, KeySetCache keySets) {
    this.snapshots = snapshots;
    this.signingKeys = signingKeys;
    this.keySets = keySets;
  }

  @Override
  public List<SigningKey> signingKeys() {
    String active = signingKeys.active().kid();
    List<SigningKey> keys = new ArrayList<>();
    for (JWK key : signingKeys.publicKeys().getKeys()) {
      String alg = key.getAlgorithm() == null ? "" : key.getAlgorithm().getName();
      keys.add(new SigningKey(key.getKeyID(), alg, key.getKeyID().equals(active)));
    }
    keys.sort(Comparator.comparing(k -> !k.active()));
    return keys;
  }

  @Override
  public String rotate(String alias) {
    AuthorizationServer server =
        snapshots
            .get()
            .authorizationServer(alias)
            .filter(s -> s.type() == AuthorizationServer.Type.INTERNAL)
            .orElseThrow(() -> new NotFoundException("internal authorization server", alias));
    return signingKeys.rotate(
        server.jwt().algorithm(),
        Duration.ofSeconds(server.jwt().expiresIn() + server.clockSkew()));
  }

  @Override
  public boolean flush(String alias) {
    return keySets.flush(alias);
  }
}
