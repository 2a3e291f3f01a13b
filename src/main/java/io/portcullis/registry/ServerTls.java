package io.portcullis.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * HTTPS on a listener ({@code gateway.tls}, {@code admin.tls}): the server's certificate chain and
 * private key, as PEM files or one PKCS#12 file, and whether clients are asked for certificates.
 * Paths only: the files are read when the listener starts and again whenever they change.
 *
 * @param certificate a PEM file with the certificate chain (server certificate first), or a PKCS#12
 *     file when {@code key} is null
 * @param key a PEM file with the private key (PKCS#8 or PKCS#1); null for PKCS#12
 * @param password the PKCS#12 password; null for PEM. Never printed by {@link #toString()}
 * @param clientAuth whether clients are asked for a certificate
 * @param clientCa a PEM file of the trust anchors for client certificates; required unless {@code
 *     clientAuth} is {@link ClientAuth#NONE}
 * @param selfSignedClients whether a single self-signed client certificate is accepted as well as
 *     one that chains to {@code clientCa} (RFC 8705 {@code self_signed_tls_client_auth} and
 *     certificate-bound tokens)
 * @param engine which TLS implementation serves the listener; {@link Engine#DEFAULT} when null
 */
public record ServerTls(
    String certificate,
    String key,
    String password,
    ClientAuth clientAuth,
    String clientCa,
    boolean selfSignedClients,
    Engine engine) {

  /** The TLS implementation ({@code tls.engine}). */
  public enum Engine {
    /** The JDK's own TLS ({@code SSLEngine} of the JSSE provider). */
    JDK,
    /** BoringSSL through netty-tcnative, shipped for Linux x86-64. */
    OPENSSL;

    /**
     * What settings made in code use when no engine is named; a configuration file's listener
     * without {@code tls.engine} gets {@link #OPENSSL} where its native library loads.
     */
    public static final Engine DEFAULT = JDK;
  }

  /** Whether a client certificate is asked for, and whether one is required. */
  public enum ClientAuth {
    /** No client certificate is asked for. */
    NONE,
    /** A client certificate is asked for; a connection without one is accepted. */
    OPTIONAL,
    /** A connection without a client certificate that the {@code clientCa} trusts is refused. */
    REQUIRED
  }

  public ServerTls {
    Objects.requireNonNull(certificate, "certificate");
    clientAuth = clientAuth == null ? ClientAuth.NONE : clientAuth;
    engine = engine == null ? Engine.DEFAULT : engine;
  }

  /** Whether {@code certificate} is a PKCS#12 file holding the key too. */
  public boolean pkcs12() {
    return key == null;
  }

  /** The files this listener's TLS is read from: a change to any of them is a new certificate. */
  public List<String> files() {
    List<String> files = new ArrayList<>(3);
    files.add(certificate);
    if (key != null) files.add(key);
    if (clientCa != null) files.add(clientCa);
    return List.copyOf(files);
  }

  /** Every component except the password, shown as {@code ***}. */
  @Override
  public String toString() {
    return "ServerTls[certificate="
        + certificate
        + ", key="
        + key
        + ", password="
        + (password == null ? null : "***")
        + ", clientAuth="
        + clientAuth
        + ", clientCa="
        + clientCa
        + ", selfSignedClients="
        + selfSignedClients
        + ", engine="
        + engine
        + "]";
  }

  /** A builder with no file yet, no client certificates asked for and the default engine. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every component of these settings, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .certificate(certificate)
        .key(key)
        .password(password)
        .clientAuth(clientAuth)
        .clientCa(clientCa)
        .selfSignedClients(selfSignedClients)
        .engine(engine);
  }

  /**
   * Builds a {@link ServerTls} component by component; each setter names the component it sets (see
   * the record's parameters). Not thread-safe.
   */
  public static final class Builder {
    private String certificate;
    private String key;
    private String password;
    private ClientAuth clientAuth;
    private String clientCa;
    private boolean selfSignedClients;
    private Engine engine;

    private Builder() {}

    public Builder certificate(String certificate) {
      this.certificate = certificate;
      return this;
    }

    public Builder key(String key) {
      this.key = key;
      return this;
    }

    public Builder password(String password) {
      this.password = password;
      return this;
    }

    public Builder clientAuth(ClientAuth clientAuth) {
      this.clientAuth = clientAuth;
      return this;
    }

    public Builder clientCa(String clientCa) {
      this.clientCa = clientCa;
      return this;
    }

    public Builder selfSignedClients(boolean selfSignedClients) {
      this.selfSignedClients = selfSignedClients;
      return this;
    }

    public Builder engine(Engine engine) {
      this.engine = engine;
      return this;
    }

    /** The settings; the canonical constructor requires the certificate and fills the defaults. */
    public ServerTls build() {
      return new ServerTls(
          certificate, key, password, clientAuth, clientCa, selfSignedClients, engine);
    }
  }
}
