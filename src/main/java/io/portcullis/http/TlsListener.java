package io.portcullis.http;

import io.portcullis.registry.ServerTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS on a listener, with the JDK's TLS engine or BoringSSL ({@link ServerTls#engine()}): TLS 1.2
 * and 1.3 only, {@link #CIPHER_SUITES} only (AEAD with forward secrecy), ALPN offering {@code h2}
 * then {@code http/1.1}, client certificates as {@link ServerTls#clientAuth()} says (with {@link
 * ServerTls#selfSignedClients()}, through {@link SelfSignedClientTrust}).
 *
 * <p>{@link #watch} re-reads the certificate files when they change, without a restart and without
 * touching open connections: every {@code interval} it compares a digest of the files' content on a
 * worker thread (never on an event loop), and on a change hands new {@link ServerSSLOptions} to the
 * listener, which builds its new TLS context off the event loop and uses it for the connections
 * that follow. A change that cannot be loaded (a half-written file, a key that does not match) is
 * logged and the certificate in use kept; it is tried again at the next change.
 */
public final class TlsListener implements AutoCloseable {
  /** The protocols offered: TLS 1.0 and 1.1 are refused (RFC 8996). */
  public static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

  /**
   * The cipher suites offered, whatever the engine: for TLS 1.3 its three AEAD suites; for TLS 1.2
   * only ephemeral ECDH with an AEAD (forward secrecy, no CBC, no RSA key exchange), as Mozilla's
   * "intermediate" profile has them.
   */
  public static final List<String> CIPHER_SUITES =
      List.of(
          "TLS_AES_128_GCM_SHA256",
          "TLS_AES_256_GCM_SHA384",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  /** How often certificate files are looked at by default. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(TlsListener.class);

  private final Vertx vertx;
  private final String listener;
  private final ServerTls tls;
  private final Function<ServerSSLOptions, Future<?>> update;
  private final long timer;
  private List<Stamp> seen;
  private boolean checking;
  private volatile boolean closed;

  private TlsListener(
      Vertx vertx,
      String listener,
      ServerTls tls,
      Function<ServerSSLOptions, Future<?>> update,
      Duration interval) {
    this.vertx = vertx;
    this.listener = listener;
    this.tls = tls;
    this.update = update;
    this.seen = stamps(tls);
    this.timer = vertx.setPeriodic(Math.max(1, interval.toMillis()), id -> check());
  }

  /** These server options serving HTTPS as {@code tls} says; unchanged when {@code tls} is null. */
  public static HttpServerOptions apply(HttpServerOptions options, ServerTls tls) {
    if (tls == null) return options;
    ServerSSLOptions ssl = sslOptions(tls);
    options
        .setSslEngineOptions(
            tls.engine() == ServerTls.Engine.OPENSSL
                ? new OpenSSLEngineOptions()
                : new JdkSSLEngineOptions())
        .setSsl(true)
        .setKeyCertOptions(ssl.getKeyCertOptions())
        .setEnabledSecureTransportProtocols(PROTOCOLS)
        .setUseAlpn(true)
        .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
        .setClientAuth(ssl.getClientAuth());
    CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
    if (ssl.getTrustOptions() != null) options.setTrustOptions(ssl.getTrustOptions());
    return options;
  }

  /** The TLS options of {@code tls}, as given to a listener at start and at each reload. */
  public static ServerSSLOptions sslOptions(ServerTls tls) {
    Objects.requireNonNull(tls, "tls");
    KeyCertOptions keyCert =
        tls.pkcs12()
            ? new PfxOptions().setPath(tls.certificate()).setPassword(tls.password())
            : new PemKeyCertOptions().setCertPath(tls.certificate()).setKeyPath(tls.key());
    ServerSSLOptions ssl =
        new ServerSSLOptions()
            .setKeyCertOptions(keyCert)
            .setEnabledSecureTransportProtocols(PROTOCOLS)
            .setUseAlpn(true)
            .setApplicationLayerProtocols(List.of("h2", "http/1.1"))
            .setClientAuth(
                switch (tls.clientAuth()) {
                  case NONE -> ClientAuth.NONE;
                  case OPTIONAL -> ClientAuth.REQUEST;
                  case REQUIRED -> ClientAuth.REQUIRED;
                });
    CIPHER_SUITES.forEach(ssl::addEnabledCipherSuite);
    if (tls.clientCa() != null) {
      PemTrustOptions trust =
          tls.selfSignedClients() ? new SelfSignedClientTrust() : new PemTrustOptions();
      ssl.setTrustOptions(trust.addCertPath(tls.clientCa()));
    }
    return ssl;
  }

  /**
   * Starts watching the files of {@code tls}; on a change {@code update} is given the options read
   * again (it hands them to every server of the listener, with {@code force}, since the options are
   * the same paths).
   *
   * @param listener the listener's name in logs ({@code gateway}, {@code admin})
   * @return the watch, to be closed with the listener; null when {@code tls} is null
   */
  public static TlsListener watch(
      Vertx vertx,
      String listener,
      ServerTls tls,
      Function<ServerSSLOptions, Future<?>> update,
      Duration interval) {
    return tls == null ? null : new TlsListener(vertx, listener, tls, update, interval);
  }

  private void check() {
    synchronized (this) {
      if (checking || closed) return;
      checking = true;
    }
    vertx
        .executeBlocking(() -> stamps(tls), false)
        .compose(
            now -> {
              List<Stamp> before;
              synchronized (this) {
                before = seen;
              }
              if (now.equals(before)) return Future.succeededFuture();
              return update
                  .apply(sslOptions(tls))
                  .onSuccess(
                      done -> {
                        synchronized (this) {
                          seen = now;
                        }
                        LOG.atInfo()
                            .addKeyValue("listener", listener)
                            .addKeyValue("certificate", tls.certificate())
                            .log("TLS certificate reloaded");
                      })
                  .onFailure(
                      e -> {
                        synchronized (this) {
                          seen = now;
                        }
                        LOG.atWarn()
                            .addKeyValue("listener", listener)
                            .addKeyValue("certificate", tls.certificate())
                            .addKeyValue("error", e.getClass().getSimpleName())
                            .log(
                                "TLS certificate changed but cannot be loaded; the previous one is kept");
                      });
            })
        .onComplete(
            done -> {
              synchronized (this) {
                checking = false;
              }
            });
  }

  /** A digest of each file's content (small files, read on a worker); a missing file has none. */
  private static List<Stamp> stamps(ServerTls tls) {
    List<Stamp> stamps = new ArrayList<>();
    for (String file : tls.files()) {
      try {
        byte[] digest =
            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(Path.of(file)));
        stamps.add(new Stamp(file, HexFormat.of().formatHex(digest)));
      } catch (IOException | NoSuchAlgorithmException e) {
        stamps.add(new Stamp(file, null));
      }
    }
    return stamps;
  }

  private record Stamp(String file, String digest) {}

  /** Stops watching. */
  @Override
  public void close() {
    closed = true;
    vertx.cancelTimer(timer);
  }
}
