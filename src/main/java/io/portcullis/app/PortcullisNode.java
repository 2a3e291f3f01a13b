package io.portcullis.app;

import com.nimbusds.jose.jwk.JWKSet;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.portcullis.admin.AccessRequestRoutes;
import io.portcullis.admin.AdminMetrics;
import io.portcullis.admin.AdminServer;
import io.portcullis.admin.AdminSettings;
import io.portcullis.admin.AnalyticsRoutes;
import io.portcullis.admin.KeyRoutes;
import io.portcullis.admin.Readiness;
import io.portcullis.admin.TokenRoutes;
import io.portcullis.config.ConfigLoader;
import io.portcullis.config.ConfigWriter;
import io.portcullis.config.LoadedConfig;
import io.portcullis.config.MonitoringConfig;
import io.portcullis.config.PortcullisConfig;
import io.portcullis.config.RegistryCodec;
import io.portcullis.control.Actor;
import io.portcullis.control.ControlPlane;
import io.portcullis.control.DeveloperPortal;
import io.portcullis.control.RegistryContent;
import io.portcullis.control.ValidationException;
import io.portcullis.credential.Authenticator;
import io.portcullis.credential.FailureThrottle;
import io.portcullis.credential.PasswordHasher;
import io.portcullis.demo.EchoUpstream;
import io.portcullis.gateway.ClientTimeouts;
import io.portcullis.gateway.GatewayHealth;
import io.portcullis.gateway.GatewayServer;
import io.portcullis.gateway.GatewaySettings;
import io.portcullis.gateway.LocalRoutes;
import io.portcullis.gateway.authorize.PolicyAuthorizer;
import io.portcullis.gateway.identify.DpopBinding;
import io.portcullis.gateway.identify.Identifiers;
import io.portcullis.gateway.identify.JwtIdentifier;
import io.portcullis.gateway.identify.OpaqueTokenIdentifier;
import io.portcullis.http.Problem;
import io.portcullis.http.TlsListener;
import io.portcullis.manager.ManagerPages;
import io.portcullis.manager.TrafficScreens;
import io.portcullis.monitor.MicrometerTransactionRecorder;
import io.portcullis.monitor.TransactionRecorder;
import io.portcullis.monitor.TransactionRecorders;
import io.portcullis.monitor.TransactionRecords;
import io.portcullis.oauth.AuthorizationServerEndpoints;
import io.portcullis.oauth.TokenServices;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.ServerTls;
import io.portcullis.registry.SnapshotHolder;
import io.portcullis.store.ChangeNotifier;
import io.portcullis.store.Database;
import io.portcullis.store.JdbcAppliedConfiguration;
import io.portcullis.store.JdbcDpopNonceKeys;
import io.portcullis.store.JdbcJtiReplayCache;
import io.portcullis.store.JdbcRegistryStore;
import io.portcullis.store.JdbcRevokedJwtRepository;
import io.portcullis.store.JdbcSigningKeyRepository;
import io.portcullis.store.JdbcTokenStore;
import io.portcullis.store.JdbcTransactionRepository;
import io.portcullis.store.JdbcTransactions;
import io.portcullis.store.StoreConflictException;
import io.portcullis.store.StoreException;
import io.portcullis.store.StoreJson;
import io.portcullis.store.TokenRevocationRelay;
import io.portcullis.token.dpop.DpopNonces;
import io.portcullis.token.dpop.DpopReplay;
import io.portcullis.token.issue.JwtIssuer;
import io.portcullis.token.issue.KeyEncryptor;
import io.portcullis.token.issue.SigningKeys;
import io.portcullis.token.store.CachingTokenStore;
import io.portcullis.token.store.InMemoryTokenStore;
import io.portcullis.token.store.Purgeable;
import io.portcullis.token.store.RevokedJwtStore;
import io.portcullis.token.store.TokenPurger;
import io.portcullis.token.store.TokenStores;
import io.portcullis.token.verify.ApplicationKeys;
import io.portcullis.token.verify.CachingTokenVerifier;
import io.portcullis.token.verify.JwtVerifier;
import io.portcullis.token.verify.LocalKeys;
import io.portcullis.token.verify.TokenVerifier;
import io.portcullis.token.verify.VerifierSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
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
  private JdbcTransactionRepository transactionRepository;
  private TransactionRecords transactionRecords;
  private PortcullisConfig config;
  private io.portcullis.registry.OutboundPolicy outbound;
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
    } catch (Exception e) { // also what Future.await() rethrows unchecked: close in every case
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
    String password = options.env().get(StoreOptions.PASSWORD_ENV);
    database =
        Database.open(
            url,
            config.store().username(),
            password == null || password.isEmpty() ? config.store().password() : password);
    closeables.add(database);
    banner.add("store: " + database.describe());

    ChangeNotifier notifier = ChangeNotifier.open(database);
    closeables.add(notifier);
    snapshots = new SnapshotHolder();
    PasswordHasher hasher = new PasswordHasher();
    outbound = Outbound.policy(config, options.config(), dataDir);
    control =
        new ControlPlane(
            new JdbcRegistryStore(database.dataSource(), StoreJson.mapper()),
            snapshots,
            hasher,
            StoreJson.mapper(),
            outbound);
    // Before the first read and the first write: every write is announced, no notice is missed.
    ChangeFollower registryFollower =
        new ChangeFollower(
            notifier, ChangeNotifier.Channel.REGISTRY_CHANGED, "registry", control::reload);
    closeables.add(registryFollower);
    control.onChange(registryFollower::announce);
    control.reload();
    StartupApply startupApply =
        new StartupApply(new JdbcAppliedConfiguration(database.dataSource()), hasher, clock);
    StartupApply.Decision decision = startupApply.decide(config.content(), options.reapply());
    if (decision.apply()) {
      RegistryContent content =
          loaded != null && loaded.declaresLocalServer()
              ? config.content()
              : withoutDefaultedLocal(config.content());
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
      startupApply.recordApplied(decision);
    }
    banner.add(decision.why());
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
            random,
            // Other nodes may share a PostgreSQL: publish a new key before it signs.
            database.dialect() == Database.Dialect.POSTGRESQL
                ? SigningKeys.PUBLICATION_DELAY
                : Duration.ZERO);
    ChangeFollower keysFollower =
        new ChangeFollower(
            notifier,
            ChangeNotifier.Channel.SIGNING_KEYS_CHANGED,
            "signing keys",
            signingKeys::refresh);
    closeables.add(keysFollower);
    signingKeys.onStoredChange(keysFollower::announce);
    AuthorizationServer local =
        snapshots.get().authorizationServer(AuthorizationServer.LOCAL).orElseThrow();
    signingKeys.load(local.jwt().algorithm(), retention(local));

    startRecords();
    JdbcRevokedJwtRepository revokedJwtRows =
        new JdbcRevokedJwtRepository(database.dataSource(), clock, notifier);
    RevokedJwtStore revokedJwts = new RevokedJwtStore(revokedJwtRows, clock);
    revokedJwts.load();
    TokenRevocationRelay relay = new TokenRevocationRelay(notifier);
    closeables.add(relay);
    relay.follow(revokedJwts);
    // DPoP proofs' jtis and the nonces' key, shared by the nodes through the store.
    DpopReplay dpopReplay =
        new DpopReplay(JdbcJtiReplayCache.dpop(database.dataSource(), clock), clock);
    closeables.add(dpopReplay);
    DpopNonces dpopNonces =
        new DpopNonces(new JdbcDpopNonceKeys(database.dataSource(), random, clock).loadOrCreate());
    // Opaque tokens: the local server's tokenStore setting picks the store, now and at run time.
    JdbcTokenStore databaseTokens =
        new JdbcTokenStore(database.dataSource(), StoreJson.mapper(), notifier);
    tokenStores =
        new TokenStores(
            databaseTokens,
            databaseTokens::revokeAll,
            InMemoryTokenStore::new,
            purgeTargets(
                Map.of(
                    "used_jtis",
                    new JdbcJtiReplayCache(database.dataSource(), clock),
                    "revoked_jwts",
                    revokedJwtRows,
                    "dpop_jtis",
                    dpopReplay)),
            clock,
            CachingTokenStore.Settings.DEFAULT,
            TokenPurger.DEFAULT_BATCH_SIZE,
            local.tokenStore());
    closeables.add(tokenStores);
    relay.follow(tokenStores.dataPlane());
    tokenStores.follow(snapshots);

    vertx = Vertx.vertx();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    database.pool().setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
    Authenticator authenticator =
        new Authenticator(
            hasher,
            Duration.ofMinutes(5),
            new FailureThrottle(config.gateway().authThrottle(), clock));

    if (config.demo() != null) {
      echo = new EchoUpstream(vertx);
      int port =
          Listeners.await(
              "demo echo upstream",
              config.demo().echoUpstream(),
              echo.start(config.demo().echoUpstream().host(), config.demo().echoUpstream().port()));
      banner.add(
          "demo echo upstream: http://" + config.demo().echoUpstream().urlHost() + ":" + port);
    }

    JwtVerifier jwtVerifier =
        new JwtVerifier(
            vertx, snapshots, localKeys(signingKeys), clock, VerifierSettings.DEFAULTS, outbound);
    closeables.add(jwtVerifier);
    long cacheSize = config.gateway().verifiedTokenCache();
    TokenVerifier verifier =
        cacheSize == 0 ? jwtVerifier : new CachingTokenVerifier(jwtVerifier, clock, cacheSize);

    WebSessionWiring webSessions =
        new WebSessionWiring(vertx, database.dataSource(), notifier, control, clock);
    closeables.add(webSessions);
    DeveloperPortal developerPortal =
        PortalWiring.developerPortal(control, database.dataSource(), config.portal(), clock);
    AuthorizationServerEndpoints endpoints =
        new AuthorizationServerEndpoints(
            vertx,
            config.gateway().publicUrl(),
            snapshots,
            authenticator,
            signingKeys,
            new JwtIssuer(signingKeys, clock, random),
            tokenServices(
                clock,
                random,
                revokedJwts,
                verifier,
                config.gateway().tls(),
                dpopReplay,
                dpopNonces));
    gateway =
        new GatewayServer(
            vertx,
            gatewaySettings(config),
            snapshots,
            Identifiers.of(
                    List.of(
                        new JwtIdentifier(verifier, revokedJwts::isRevoked),
                        new OpaqueTokenIdentifier(tokenStores.dataPlane()::lookup, clock)))
                .withBinding(
                    new DpopBinding(config.gateway().publicUrl(), dpopReplay, dpopNonces, clock)),
            new PolicyAuthorizer(),
            recorder(registry),
            PortalWiring.withPortal(
                new LocalRoutes(AuthorizationServerEndpoints.PATH_PREFIXES, endpoints.handler())
                    .plus(
                        config.gateway().healthPath(),
                        new GatewayHealth(snapshots, database.circuit()::isAvailable)),
                config.portal(),
                vertx,
                control,
                developerPortal,
                authenticator,
                transactionRepository,
                outbound,
                webSessions.portal(),
                clock),
            clock);
    gatewayPort = Listeners.await("gateway", config.gateway().listen(), gateway.start());
    watchTls("gateway", config.gateway().tls(), gateway::updateTls);

    AdminMetrics metrics =
        new AdminMetrics(
            registry, transactionRecords == null ? List.of() : List.of(transactionRecords));
    closeables.add(metrics);
    admin =
        new AdminServer(
            vertx,
            new AdminSettings(
                config.admin().listen().host(),
                config.admin().listen().port(),
                AdminSettings.DEFAULT_MAX_BODY_BYTES,
                config.admin().tls()),
            control,
            authenticator,
            new RegistryCodec(),
            new ConfigWriter(),
            metrics,
            Readiness.of(database.circuit()::isAvailable, snapshots),
            PortcullisNode::translateStoreFailure,
            List.of(
                new KeyRoutes(vertx, snapshots, signingKeys, jwtVerifier),
                new TokenRoutes(vertx, snapshots, tokenStores, clock, control),
                new AnalyticsRoutes(vertx, transactionRepository, transactionRecords, clock),
                new AccessRequestRoutes(vertx, developerPortal)),
            List.of(
                new ManagerPages(
                        vertx,
                        control,
                        authenticator,
                        webSessions.manager(),
                        new ManagerKeys(snapshots, signingKeys, jwtVerifier),
                        new ManagerTokens(snapshots, tokenStores, clock),
                        ManagerPages.describeStore(url),
                        new TrafficScreens(transactionRepository, transactionRecords, clock))
                    .withDeveloperPortal(developerPortal)
                    .withStoreDown(PortcullisNode::storeDown)));
    Listeners.await("admin", config.admin().listen(), admin.start());
    adminPort = admin.port();
    watchTls("admin", config.admin().tls(), admin::updateTls);

    // Retire keys whose tokens have all expired; re-read keys and revoked JWTs as a safety net for
    // notices that were lost (other nodes announce their key changes at once).
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
   * Transaction records (docs/MONITORING.md): the writer thread starts with the store and is closed
   * before it, so that what is queued at shutdown is written.
   */
  private void startRecords() {
    MonitoringConfig monitoring = config.monitoring();
    transactionRepository =
        new JdbcTransactionRepository(database.dataSource(), database.dialect());
    if (!monitoring.recordsEnabled() && !monitoring.accessLog()) return;
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    String nodeHost = host;
    transactionRecords =
        new TransactionRecords(
            transactionRepository,
            () -> nodeHost + ":" + gatewayPort,
            TransactionRecords.Settings.DEFAULT.withStore(
                monitoring.recordsEnabled(), monitoring.accessLog()));
    closeables.add(transactionRecords);
  }

  /** Metrics for every call, and records when the node keeps them. */
  private TransactionRecorder recorder(PrometheusMeterRegistry registry) {
    TransactionRecorder metrics = new MicrometerTransactionRecorder(registry);
    if (transactionRecords == null) return metrics;
    return TransactionRecorders.of(List.of(metrics, transactionRecords));
  }

  /**
   * The token purge's targets and, on the same schedule, old records, rollups and audit entries.
   */
  private Map<String, Purgeable> purgeTargets(Map<String, Purgeable> tokenTargets) {
    Map<String, Purgeable> targets = new LinkedHashMap<>(tokenTargets);
    MonitoringConfig monitoring = config.monitoring();
    Duration records = Duration.ofDays(monitoring.retentionDays());
    Duration rollups = Duration.ofDays(monitoring.rollupRetentionDays());
    targets.put(
        "transactions",
        (now, batch) -> transactionRepository.purgeRecords(now.minus(records), batch));
    targets.put(
        "transaction_rollups",
        (now, batch) -> transactionRepository.purgeRollups(now.minus(rollups), batch));
    Duration audit = Duration.ofDays(monitoring.auditRetentionDays());
    targets.put("audit_log", (now, batch) -> control.purgeAudit(now.minus(audit), batch));
    return targets;
  }

  /** The node's transaction records writer; null when records and the access log are off. */
  public TransactionRecords transactionRecords() {
    return transactionRecords;
  }

  /**
   * The token endpoints' services for the {@code local} server: the token store that {@link
   * TokenStores} keeps as {@code tokenStore.type} says (through the data plane's cache, so a
   * revocation here is seen by the very next request), and the JDBC replay cache of assertion
   * {@code jti}s, which every node sharing the database shares and which survives a restart, so
   * that no assertion can be replayed after one.
   */
  private TokenServices tokenServices(
      Clock clock,
      SecureRandom random,
      RevokedJwtStore revokedJwts,
      TokenVerifier verifier,
      ServerTls gatewayTls,
      DpopReplay dpopReplay,
      DpopNonces dpopNonces) {
    return TokenServices.builder()
        .store(tokenStores.current())
        .replayCache(new JdbcJtiReplayCache(database.dataSource(), clock))
        .revokedJwts(revokedJwts)
        .verifier(verifier)
        .applicationKeys(new ApplicationKeys(VerifierSettings.DEFAULTS, clock, outbound))
        .clock(clock)
        .random(random)
        // Client certificates exist only where the gateway listener asks for them.
        .clientCa(
            gatewayTls == null || gatewayTls.clientAuth() == ServerTls.ClientAuth.NONE
                ? null
                : gatewayTls.clientCa())
        .dpopReplay(dpopReplay)
        .dpopNonces(dpopNonces)
        .build();
  }

  /**
   * The verifier's view of this node's signing keys: from memory, and re-read from the store when a
   * token names a key this node does not know yet (another node rotated; its notice is late).
   */
  private static LocalKeys localKeys(SigningKeys signingKeys) {
    return new LocalKeys() {
      @Override
      public JWKSet publicKeys() {
        return signingKeys.publicKeys();
      }

      @Override
      public void reread() {
        signingKeys.refresh();
      }
    };
  }

  /** Store failures the admin API answers with their own status rather than 500. */
  /** Whether a page's failure means the store cannot be reached (the pages answer 503). */
  static boolean storeDown(Throwable failure) {
    return failure instanceof StoreException && !(failure instanceof StoreConflictException);
  }

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
   * The loader adds a default {@code local} server to a file that declares none (and running
   * without a file means the defaults); when the store already has one (perhaps changed through the
   * admin API), that default must not overwrite it. Only for content whose {@code local} was
   * defaulted: a file's own {@code local} section always applies, even when equal to the defaults.
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

  /** Re-reads the listener's certificate files when they change (nothing without TLS). */
  private void watchTls(
      String listener, ServerTls tls, Function<ServerSSLOptions, Future<?>> update) {
    TlsListener watch =
        TlsListener.watch(vertx, listener, tls, update, TlsListener.DEFAULT_INTERVAL);
    if (watch != null) closeables.add(watch);
  }

  private static GatewaySettings gatewaySettings(PortcullisConfig config) {
    var g = config.gateway();
    return GatewaySettings.builder()
        .host(g.listen().host())
        .port(g.listen().port())
        .publicUrl(g.publicUrl())
        .maxHeaderSize(g.maxHeaderSize())
        .maxUriLength(g.maxUriLength())
        .maxBodySize(g.maxBodySize() == 0 ? Long.MAX_VALUE : g.maxBodySize())
        .drainTimeout(g.drainTimeout())
        .instances(Math.max(1, Runtime.getRuntime().availableProcessors()))
        .clientTimeouts(
            new ClientTimeouts(
                g.timeouts().requestHead(),
                g.timeouts().idle(),
                g.timeouts().body(),
                g.timeouts().minBodyRate()))
        .bodyBuffer(g.bodyBuffer())
        .tls(g.tls())
        .build();
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
