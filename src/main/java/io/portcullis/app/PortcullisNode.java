package io.portcullis.app;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.portcullis.admin.AdminMetrics;
import io.portcullis.admin.AdminServer;
import io.portcullis.admin.AdminSettings;
import io.portcullis.admin.KeyRoutes;
import io.portcullis.admin.Readiness;
import io.portcullis.admin.TokenRoutes;
import io.portcullis.config.ConfigLoader;
import io.portcullis.config.ConfigWriter;
import io.portcullis.config.LoadedConfig;
import io.portcullis.config.PortcullisConfig;
import io.portcullis.config.RegistryCodec;
import io.portcullis.control.Actor;
import io.portcullis.control.ControlPlane;
import io.portcullis.control.RegistryContent;
import io.portcullis.control.ValidationException;
import io.portcullis.credential.Authenticator;
import io.portcullis.credential.PasswordHasher;
import io.portcullis.demo.EchoUpstream;
import io.portcullis.gateway.GatewayServer;
import io.portcullis.gateway.GatewaySettings;
import io.portcullis.gateway.LocalRoutes;
import io.portcullis.gateway.authorize.PolicyAuthorizer;
import io.portcullis.gateway.identify.Identifiers;
import io.portcullis.gateway.identify.JwtIdentifier;
import io.portcullis.gateway.identify.OpaqueTokenIdentifier;
import io.portcullis.http.Problem;
import io.portcullis.manager.ManagerPages;
import io.portcullis.monitor.MicrometerTransactionRecorder;
import io.portcullis.oauth.AuthorizationServerEndpoints;
import io.portcullis.oauth.TokenServices;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.SnapshotHolder;
import io.portcullis.store.ChangeNotifier;
import io.portcullis.store.Database;
import io.portcullis.store.JdbcJtiReplayCache;
import io.portcullis.store.JdbcRegistryStore;
import io.portcullis.store.JdbcRevokedJwtRepository;
import io.portcullis.store.JdbcSigningKeyRepository;
import io.portcullis.store.JdbcTokenStore;
import io.portcullis.store.JdbcTransactions;
import io.portcullis.store.StoreConflictException;
import io.portcullis.store.StoreException;
import io.portcullis.store.StoreJson;
import io.portcullis.store.TokenRevocationRelay;
import io.portcullis.token.issue.JwtIssuer;
import io.portcullis.token.issue.KeyEncryptor;
import io.portcullis.token.issue.SigningKeys;
import io.portcullis.token.store.CachingTokenStore;
import io.portcullis.token.store.InMemoryTokenStore;
import io.portcullis.token.store.RevokedJwtStore;
import io.portcullis.token.store.TokenPurger;
import io.portcullis.token.store.TokenStores;
import io.portcullis.token.verify.ApplicationKeys;
import io.portcullis.token.verify.CachingTokenVerifier;
import io.portcullis.token.verify.JwtVerifier;
import io.portcullis.token.verify.TokenVerifier;
import io.portcullis.token.verify.VerifierSettings;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds one Portcullis node from its options with plain constructors, starts
 * it, and closes it in reverse order. Nothing else wires components together.
 */
public final class PortcullisNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PortcullisNode.class);
  private static final Duration KEY_REFRESH = Duration.ofMinutes(1);

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private Vertx vertx;
  private Database database;
  private GatewayServer gateway;
  private AdminServer admin;
  private EchoUpstream echo;
  private ControlPlane control;
  private SnapshotHolder snapshots;
  private SigningKeys signingKeys;
  private TokenStores tokenStores;
  private PortcullisConfig config;
  private int gatewayPort;
  private int adminPort;
  private final List<String> banner = new ArrayList<>();

  private PortcullisNode() {}

  /**
   * Loads the configuration, opens the store, applies the configuration, and starts listening.
   * Blocking; on any failure everything started so far is closed again.
   *
   * @throws io.portcullis.config.ConfigException when the configuration is invalid (nothing of it
   *     was applied)
   */
  public static PortcullisNode start(NodeOptions options) {
    return start(options, Clock.systemUTC());
  }

  /**
   * As {@link #start(NodeOptions)}, with the clock every token, key and purge decision reads: tests
   * move it to see tokens expire without sleeping.
   */
  public static PortcullisNode start(NodeOptions options, Clock clock) {
    PortcullisNode node = new PortcullisNode();
    try {
      node.boot(options, clock);
      return node;
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
  }

  private void boot(NodeOptions options, Clock clock) {
    SecureRandom random = new SecureRandom();
    LoadedConfig loaded =
        options.config() == null ? null : new ConfigLoader().load(options.config(), options.env());
    config = loaded == null ? PortcullisConfig.defaults() : loaded.config();

    Path dataDir = options.dataDir().toAbsolutePath();
    createDataDir(dataDir);
    String url = options.dbUrl() != null ? options.dbUrl() : config.store().url();
    if (url == null) url = StoreOptions.defaultUrl(dataDir);
    database = Database.open(url, config.store().username(), config.store().password());
    closeables.add(database);
    banner.add("store: " + database.describe());

    snapshots = new SnapshotHolder();
    PasswordHasher hasher = new PasswordHasher();
    control =
        new ControlPlane(
            new JdbcRegistryStore(database.dataSource(), StoreJson.mapper()),
            snapshots,
            hasher,
            StoreJson.mapper());
    control.reload();
    RegistryContent content = withoutDefaultedLocal(config.content());
    try {
      Actor.as(
          Actor.CONFIG_FILE,
          () -> {
            control.apply(content);
            return null;
          });
    } catch (ValidationException e) {
      if (loaded != null) throw loaded.describe(e);
      throw e;
    }
    if (snapshots.get().authorizationServer(AuthorizationServer.LOCAL).isEmpty()) {
      control.saveAuthorizationServer(PortcullisConfig.defaultLocalServer(config.gateway()));
    }
    banner.add(
        new AdminBootstrap(control, random)
            .ensureAdmin(options.env().get(AdminBootstrap.ENV), dataDir));

    KeyEncryptor encryptor =
        KeyEncryptor.fromEnvironmentOrFile(options.env().get(KeyEncryptor.ENV), dataDir, random);
    banner.add("signing keys: sealed with the master key from " + encryptor.origin());
    signingKeys =
        new SigningKeys(
            new JdbcSigningKeyRepository(new JdbcTransactions(database.dataSource())),
            encryptor,
            clock,
            random);
    AuthorizationServer local =
        snapshots.get().authorizationServer(AuthorizationServer.LOCAL).orElseThrow();
    signingKeys.load(local.jwt().algorithm(), retention(local));

    ChangeNotifier notifier = ChangeNotifier.open(database);
    closeables.add(notifier);
    JdbcRevokedJwtRepository revokedJwtRows =
        new JdbcRevokedJwtRepository(database.dataSource(), clock, notifier);
    RevokedJwtStore revokedJwts = new RevokedJwtStore(revokedJwtRows, clock);
    revokedJwts.load();
    TokenRevocationRelay relay = new TokenRevocationRelay(notifier);
    closeables.add(relay);
    relay.follow(revokedJwts);
    // Opaque tokens: the local server's tokenStore setting picks the store, now and at run time.
    JdbcTokenStore databaseTokens =
        new JdbcTokenStore(database.dataSource(), StoreJson.mapper(), notifier);
    tokenStores =
        new TokenStores(
            databaseTokens,
            databaseTokens::revokeAll,
            InMemoryTokenStore::new,
            Map.of(
                "used_jtis",
                new JdbcJtiReplayCache(database.dataSource(), clock),
                "revoked_jwts",
                revokedJwtRows),
            clock,
            CachingTokenStore.Settings.DEFAULT,
            TokenPurger.DEFAULT_BATCH_SIZE,
            local.tokenStore());
    closeables.add(tokenStores);
    relay.follow(tokenStores.dataPlane());
    tokenStores.follow(snapshots);

    vertx = Vertx.vertx();
    followRegistryChanges(notifier);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    if (database.dataSource() instanceof HikariDataSource pool) {
      pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
    }
    Authenticator authenticator = new Authenticator(hasher, Duration.ofMinutes(5));

    if (config.demo() != null) {
      echo = new EchoUpstream(vertx);
      int port =
          echo.start(config.demo().echoUpstream().host(), config.demo().echoUpstream().port())
              .await();
      banner.add(
          "demo echo upstream: http://" + config.demo().echoUpstream().urlHost() + ":" + port);
    }

    JwtVerifier jwtVerifier =
        new JwtVerifier(
            vertx, snapshots, signingKeys::publicKeys, clock, VerifierSettings.DEFAULTS);
    closeables.add(jwtVerifier);
    long cacheSize = config.gateway().verifiedTokenCache();
    TokenVerifier verifier =
        cacheSize == 0 ? jwtVerifier : new CachingTokenVerifier(jwtVerifier, clock, cacheSize);

    AuthorizationServerEndpoints endpoints =
        new AuthorizationServerEndpoints(
            vertx,
            config.gateway().publicUrl(),
            snapshots,
            authenticator,
            signingKeys,
            new JwtIssuer(signingKeys, clock, random),
            tokenServices(clock, random, revokedJwts, verifier));
    gateway =
        new GatewayServer(
            vertx,
            gatewaySettings(config),
            snapshots,
            Identifiers.of(
                List.of(
                    new JwtIdentifier(verifier, revokedJwts::isRevoked),
                    new OpaqueTokenIdentifier(tokenStores.dataPlane()::lookup, clock))),
            new PolicyAuthorizer(),
            new MicrometerTransactionRecorder(registry),
            new LocalRoutes(AuthorizationServerEndpoints.PATH_PREFIXES, endpoints.handler()),
            clock);
    gatewayPort = gateway.start().await();

    AdminMetrics metrics = new AdminMetrics(registry, List.of());
    closeables.add(metrics);
    admin =
        new AdminServer(
            vertx,
            new AdminSettings(config.admin().listen().host(), config.admin().listen().port()),
            control,
            authenticator,
            new RegistryCodec(),
            new ConfigWriter(),
            metrics,
            Readiness.of(control, snapshots),
            PortcullisNode::translateStoreFailure,
            List.of(
                new KeyRoutes(vertx, snapshots, signingKeys, jwtVerifier),
                new TokenRoutes(vertx, snapshots, tokenStores, clock)),
            List.of(
                new ManagerPages(
                    vertx,
                    control,
                    authenticator,
                    ManagerPages.defaultSessions(),
                    ManagerPages.defaultThrottle(),
                    new ManagerKeys(snapshots, signingKeys, jwtVerifier),
                    ManagerPages.describeStore(url))));
    admin.start().await();
    adminPort = admin.port();

    // Keys change on another node (or by `portcullis keys rotate`): re-read them now and then, and
    // retire those whose tokens have all expired.
    vertx.setPeriodic(
        KEY_REFRESH.toMillis(),
        id ->
            vertx
                .executeBlocking(
                    () -> {
                      signingKeys.retireExpired();
                      signingKeys.refresh();
                      revokedJwts.load();
                      return null;
                    },
                    false)
                .onFailure(e -> LOG.atWarn().setCause(e).log("refreshing keys failed")));
  }

  /**
   * The token endpoints' services for the {@code local} server: the token store that {@link
   * TokenStores} keeps as {@code tokenStore.type} says (through the data plane's cache, so a
   * revocation here is seen by the very next request), and the JDBC replay cache of assertion
   * {@code jti}s, which every node sharing the database shares and which survives a restart, so
   * that no assertion can be replayed after one.
   */
  private TokenServices tokenServices(
      Clock clock, SecureRandom random, RevokedJwtStore revokedJwts, TokenVerifier verifier) {
    return new TokenServices(
        tokenStores.current(),
        new JdbcJtiReplayCache(database.dataSource(), clock),
        revokedJwts,
        verifier,
        new ApplicationKeys(VerifierSettings.DEFAULTS, clock),
        clock,
        random);
  }

  /**
   * Nodes sharing a PostgreSQL tell each other about registry writes: each write here is announced,
   * and each notice (or a lost connection, after which notices may be missing) reloads the
   * snapshot. With H2 there is one node and nothing to tell.
   */
  private void followRegistryChanges(ChangeNotifier notifier) {
    if (database.dialect() != Database.Dialect.POSTGRESQL) return;
    Runnable reload =
        () ->
            vertx
                .executeBlocking(control::reload, false)
                .onFailure(e -> LOG.atWarn().setCause(e).log("reloading the registry failed"));
    closeables.add(
        notifier.subscribe(
            ChangeNotifier.Channel.REGISTRY_CHANGED,
            new ChangeNotifier.Listener() {
              @Override
              public void changed(String payload) {
                reload.run();
              }

              @Override
              public void missed() {
                reload.run();
              }
            }));
    control.onChange(() -> notifier.publish(ChangeNotifier.Channel.REGISTRY_CHANGED, ""));
  }

  /** Store failures the admin API answers with their own status rather than 500. */
  private static Optional<Problem> translateStoreFailure(Throwable failure) {
    if (failure instanceof StoreConflictException conflict) {
      return Optional.of(Problem.of(409, conflict.getMessage()));
    }
    if (failure instanceof StoreException) {
      return Optional.of(Problem.of(503, "the store is not available right now; try again"));
    }
    return Optional.empty();
  }

  private static Duration retention(AuthorizationServer local) {
    return Duration.ofSeconds(local.jwt().expiresIn() + local.clockSkew());
  }

  /**
   * The loader adds a default {@code local} server to a file that declares none; when the store
   * already has one (perhaps changed through the admin API), that default must not overwrite it.
   */
  private RegistryContent withoutDefaultedLocal(RegistryContent content) {
    AuthorizationServer defaulted = PortcullisConfig.defaultLocalServer(config.gateway());
    boolean stored = snapshots.get().authorizationServer(AuthorizationServer.LOCAL).isPresent();
    if (!stored || !content.authorizationServers().contains(defaulted)) return content;
    List<AuthorizationServer> servers = new ArrayList<>(content.authorizationServers());
    servers.remove(defaulted);
    return new RegistryContent(
        content.users(), servers, content.scopes(), content.apis(), content.applications());
  }

  private static GatewaySettings gatewaySettings(PortcullisConfig config) {
    var g = config.gateway();
    return new GatewaySettings(
        g.listen().host(),
        g.listen().port(),
        g.publicUrl(),
        g.maxHeaderSize(),
        g.maxUriLength(),
        g.maxBodySize() == 0 ? Long.MAX_VALUE : g.maxBodySize(),
        g.drainTimeout(),
        GatewaySettings.DEFAULT_UPSTREAM_POOL_SIZE,
        GatewaySettings.DEFAULT_UPSTREAM_KEEP_ALIVE_TIMEOUT,
        false,
        Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  private static void createDataDir(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dataDir, e);
    }
  }

  /** Lines for the start banner: where things listen and where secrets came from. */
  public void printBanner(PrintStream out) {
    out.println("Portcullis is running.");
    out.println(
        "  gateway:  http://"
            + config.gateway().listen().urlHost()
            + ":"
            + gatewayPort
            + "  (public URL "
            + config.gateway().publicUrl()
            + ")");
    out.println(
        "  admin:    http://"
            + config.admin().listen().urlHost()
            + ":"
            + adminPort
            + "  (/health, /metrics, /apis …)");
    out.println("  JWKS:     " + config.gateway().publicUrl() + "/oauth2/jwks");
    for (String line : banner) out.println("  " + line);
    out.flush();
  }

  public int gatewayPort() {
    return gatewayPort;
  }

  public int adminPort() {
    return adminPort;
  }

  public ControlPlane control() {
    return control;
  }

  public SnapshotHolder snapshots() {
    return snapshots;
  }

  public SigningKeys signingKeys() {
    return signingKeys;
  }

  /**
   * The node's opaque-token store, as the {@code local} server's {@code tokenStore} setting picks
   * it: {@link TokenStores#current()} is the store to issue, introspect and revoke through.
   */
  public TokenStores tokenStores() {
    return tokenStores;
  }

  /**
   * Stops accepting, lets in-flight gateway requests finish within the drain timeout, then closes
   * everything in reverse order of start. Safe to call twice.
   */
  @Override
  public synchronized void close() {
    if (gateway != null) {
      try {
        gateway.close().await();
      } catch (RuntimeException e) {
        LOG.atWarn().setCause(e).log("closing the gateway failed");
      }
      gateway = null;
    }
    if (admin != null) {
      admin.close().await();
      admin = null;
    }
    if (echo != null) {
      echo.close().await();
      echo = null;
    }
    if (vertx != null) {
      vertx.close().await();
      vertx = null;
    }
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        LOG.atWarn().setCause(e).log("closing failed");
      }
    }
    closeables.clear();
  }
}
