package io.portcullis.token.verify;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.OutboundPolicy;
import io.portcullis.registry.Snapshot;
import io.portcullis.registry.SnapshotHolder;
import io.portcullis.token.verify.Verification.Reason;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trusted issuers of bearer tokens and their keys (Envoy's {@code jwks_cache}): the
 * authorization servers of the current registry snapshot, each with a key holder that keeps its
 * keys in memory ({@link IssuerKeys}: the gateway's own for {@code local}, a JWKS URI or PEM
 * certificates refreshed in the background, or shared secrets), its allowed algorithms and the
 * {@link JwtCheck} of its tokens.
 *
 * <p>It follows the registry: on every {@link SnapshotHolder#publish} the holders of added issuers
 * are created (and their keys fetched at once), those of removed ones dropped, and those whose key
 * source changed ({@code jwksUri}, {@code certificates}, {@code algorithms}, {@code secrets})
 * replaced. Keys load on a small worker pool of its own; nothing here blocks the caller.
 */
final class TrustedIssuers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TrustedIssuers.class);

  private static final List<String> EXTERNAL_DEFAULT_ALGORITHMS = List.of("RS256");
  private static final List<String> HMAC_DEFAULT_ALGORITHMS = List.of("HS256");
  private static final List<String> INTERNAL_DEFAULT_ALGORITHMS =
      List.of("RS256", "RS384", "RS512", "ES256", "EdDSA");

  /**
   * A trusted issuer.
   *
   * @param server its configuration
   * @param source what decides its keys
   * @param algorithms the algorithms its tokens may use
   * @param keys its key holder
   * @param check the rules of its tokens (clock skew, maximum lifetime)
   */
  record Issuer(
      AuthorizationServer server,
      KeySource source,
      Set<JWSAlgorithm> algorithms,
      IssuerKeys keys,
      JwtCheck check) {
    String alias() {
      return server.alias();
    }
  }

  private final Vertx vertx;
  private final LocalKeys localKeys;
  private final Clock clock;
  private final VerifierSettings settings;
  private final OutboundPolicy outbound;
  private final Function<AuthorizationServer, KeySetLoader> loaders;
  private final WorkerExecutor worker;
  private final AtomicLong generations = new AtomicLong();
  private final ConcurrentMap<String, Issuer> issuers = new ConcurrentHashMap<>();

  private volatile boolean closed;

  /**
   * How a token is parsed before its issuer is known: HMAC algorithms are refused right there
   * unless some issuer of the registry has shared secrets.
   */
  private volatile JwtCheck parseCheck;

  /**
   * @param loaders how an external issuer's keys are loaded; null for JWKS URI or PEM, fetched
   *     where {@code outbound} allows
   */
  TrustedIssuers(
      Vertx vertx,
      SnapshotHolder snapshots,
      LocalKeys localKeys,
      Clock clock,
      VerifierSettings settings,
      OutboundPolicy outbound,
      Function<AuthorizationServer, KeySetLoader> loaders) {
    this.vertx = vertx;
    this.localKeys = localKeys;
    this.clock = clock;
    this.settings = settings;
    this.outbound = outbound;
    this.loaders = loaders != null ? loaders : this::configuredLoader;
    this.worker = vertx.createSharedWorkerExecutor("portcullis-key-loader", 2);
    this.parseCheck = tokenCheck(false, Duration.ZERO, settings.maxLifetime());
    snapshots.onPublish(this::follow);
    follow(snapshots.get());
  }

  /** How tokens are parsed now, before their issuer is known. */
  JwtCheck parseCheck() {
    return parseCheck;
  }

  /**
   * The issuer of a token: {@code iss} present ({@code ISSUER_MISSING}) and exactly the issuer of
   * an authorization server of the snapshot ({@code ISSUER_UNTRUSTED}).
   */
  Issuer trusted(String iss, Snapshot snapshot) throws JwtRejection {
    if (iss == null) {
      throw new JwtRejection(Reason.ISSUER_MISSING, "claim iss is missing");
    }
    AuthorizationServer server = snapshot.authorizationServerByIssuer(iss).orElse(null);
    if (server == null) {
      throw new JwtRejection(
          Reason.ISSUER_UNTRUSTED, "issuer " + JwtChecker.printable(iss) + " is not trusted");
    }
    return issuerFor(server);
  }

  /** The issuer of this alias as last followed, or null. */
  Issuer get(String alias) {
    return issuers.get(alias);
  }

  /** Stops following the registry and every background key refresh. */
  @Override
  public void close() {
    closed = true;
    issuers.values().forEach(issuer -> issuer.keys().close());
    issuers.clear();
    worker.close();
  }

  private void follow(Snapshot snapshot) {
    if (closed) {
      return;
    }
    Set<String> aliases = new HashSet<>();
    boolean secrets = false;
    for (AuthorizationServer server : snapshot.authorizationServers()) {
      aliases.add(server.alias());
      secrets |= server.hasSecrets();
      issuerFor(server);
    }
    parseCheck = tokenCheck(secrets, Duration.ZERO, settings.maxLifetime());
    for (String alias : List.copyOf(issuers.keySet())) {
      if (!aliases.contains(alias)) {
        Issuer removed = issuers.remove(alias);
        if (removed != null) {
          removed.keys().close();
          LOG.info("Issuer {} removed; its keys are no longer used", alias);
        }
      }
    }
  }

  /** The issuer of this server's configuration, creating or replacing its key holder as needed. */
  private Issuer issuerFor(AuthorizationServer server) {
    Issuer known = issuers.get(server.alias());
    if (known != null && (known.server() == server || known.server().equals(server))) {
      return known;
    }
    List<Issuer> replaced = new ArrayList<>(1);
    Issuer current =
        issuers.compute(
            server.alias(),
            (alias, old) -> {
              if (old != null && old.server().equals(server)) {
                return old;
              }
              KeySource source = KeySource.of(server);
              if (old != null && old.source().equals(source)) {
                return new Issuer(server, source, old.algorithms(), old.keys(), checkFor(server));
              }
              if (old != null) {
                replaced.add(old);
              }
              return newIssuer(server, source);
            });
    replaced.forEach(old -> old.keys().close());
    if (current != known && (known == null || current.keys() != known.keys())) {
      // Fetch at once, so that the first token does not wait; refresh() never blocks.
      current.keys().refresh();
    }
    return current;
  }

  private Issuer newIssuer(AuthorizationServer server, KeySource source) {
    Set<JWSAlgorithm> algorithms = allowedAlgorithms(server);
    IssuerKeys keys =
        server.type() == AuthorizationServer.Type.INTERNAL
            ? new LocalIssuerKeys(localKeys, generations, clock, worker)
            : server.hasSecrets()
                ? new SecretIssuerKeys(server.secrets(), generations, clock)
                : new RefreshingIssuerKeys(
                    server.alias(),
                    loaders.apply(server),
                    new KeySetPolicy(algorithms),
                    settings,
                    clock,
                    vertx,
                    worker,
                    generations);
    return new Issuer(server, source, algorithms, keys, checkFor(server));
  }

  private JwtCheck checkFor(AuthorizationServer server) {
    Duration skew = Duration.ofSeconds(Math.max(0, server.clockSkew()));
    return tokenCheck(server.hasSecrets(), skew, maxLifetime(server));
  }

  private JwtCheck tokenCheck(boolean hmac, Duration skew, Duration maxLifetime) {
    return JwtCheck.accessToken(settings.maxTokenLength(), hmac, skew, maxLifetime);
  }

  /**
   * {@link VerifierSettings#maxLifetime()}, or the internal issuer's own {@code jwt.expiresIn} when
   * that is longer.
   */
  private Duration maxLifetime(AuthorizationServer server) {
    if (server.type() == AuthorizationServer.Type.INTERNAL) {
      Duration own = Duration.ofSeconds(Math.max(0, server.jwt().expiresIn()));
      return own.compareTo(settings.maxLifetime()) > 0 ? own : settings.maxLifetime();
    }
    return settings.maxLifetime();
  }

  private static Set<JWSAlgorithm> allowedAlgorithms(AuthorizationServer server) {
    List<String> names =
        !server.algorithms().isEmpty()
            ? server.algorithms()
            : server.type() == AuthorizationServer.Type.INTERNAL
                ? INTERNAL_DEFAULT_ALGORITHMS
                : server.hasSecrets() ? HMAC_DEFAULT_ALGORITHMS : EXTERNAL_DEFAULT_ALGORITHMS;
    // An issuer has one kind of key: HMAC algorithms with secrets, signatures with public keys.
    Set<JWSAlgorithm> kind =
        server.hasSecrets() ? JWSAlgorithm.Family.HMAC_SHA : JwtCheck.SIGNATURE_ALGORITHMS;
    Set<JWSAlgorithm> allowed = new LinkedHashSet<>();
    for (String name : names) {
      JWSAlgorithm algorithm = JWSAlgorithm.parse(name.strip());
      if (kind.contains(algorithm)) {
        allowed.add(algorithm);
      } else {
        LOG.warn(
            "Authorization server {}: algorithm {} is never accepted (only HMAC with secrets,"
                + " only RSA, ECDSA and EdDSA signatures with public keys); ignoring it",
            server.alias(),
            JwtChecker.printable(name));
      }
    }
    return Set.copyOf(allowed);
  }

  private KeySetLoader configuredLoader(AuthorizationServer server) {
    if (server.jwksUri() != null && !server.jwksUri().isBlank()) {
      try {
        return new RemoteJwks(server.jwksUri().strip(), settings, outbound);
      } catch (IllegalArgumentException e) {
        return new Unloadable(e.getMessage());
      }
    }
    if (!server.certificates().isEmpty()) {
      return new PemKeys(server.certificates(), outbound);
    }
    return new Unloadable("neither jwksUri nor certificates is configured");
  }

  /** The key source of an issuer whose configuration names none that can be used. */
  private record Unloadable(String why) implements KeySetLoader {
    @Override
    public JWKSet load() throws IOException {
      throw new IOException(why);
    }

    @Override
    public String toString() {
      return "(no usable key source)";
    }
  }

  /** The parts of a server's configuration that decide its keys; a change means new keys. */
  record KeySource(
      AuthorizationServer.Type type,
      String jwksUri,
      List<String> certificates,
      List<String> algorithms,
      List<String> secrets) {
    static KeySource of(AuthorizationServer server) {
      return new KeySource(
          server.type(),
          server.jwksUri(),
          server.certificates(),
          server.algorithms(),
          server.secrets());
    }

    @Override
    public String toString() {
      return "KeySource[" + type + ", jwksUri=" + jwksUri + ", certificates=" + certificates + "]";
    }
  }
}
