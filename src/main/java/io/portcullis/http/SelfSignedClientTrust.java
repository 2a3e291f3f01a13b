package io.portcullis.http;

import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust of a listener with {@code selfSignedClients}: a client certificate is accepted when it
 * chains to the {@code clientCa} anchors (as without the option) or when it is a single self-signed
 * certificate, whose key the client proved in the handshake (for {@code
 * self_signed_tls_client_auth} and certificate-bound tokens, RFC 8705 section 2.2). Any other chain
 * is refused in the handshake. The CA list the server sends is left empty, so that a client picks
 * its self-signed certificate too.
 *
 * <p>The anchors are read from the PEM files by Vert.x when it builds the TLS context, off the
 * event loop, as for {@link PemTrustOptions}.
 */
final class SelfSignedClientTrust extends PemTrustOptions {
  SelfSignedClientTrust() {}

  private SelfSignedClientTrust(SelfSignedClientTrust other) {
    super(other);
  }

  @Override
  public TrustManagerFactory getTrustManagerFactory(Vertx vertx) throws Exception {
    X509ExtendedTrustManager anchors = null;
    for (TrustManager manager : super.getTrustManagerFactory(vertx).getTrustManagers()) {
      if (manager instanceof X509ExtendedTrustManager x509) anchors = x509;
    }
    if (anchors == null) throw new IllegalStateException("no X.509 trust manager for clientCa");
    return TrustOptions.wrap(new Manager(anchors)).getTrustManagerFactory(vertx);
  }

  @Override
  public Function<String, TrustManager[]> trustManagerMapper(Vertx vertx) {
    return null;
  }

  @Override
  public SelfSignedClientTrust copy() {
    return new SelfSignedClientTrust(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SelfSignedClientTrust && super.equals(o);
  }

  @Override
  public int hashCode() {
    return 31 * super.hashCode() + 1;
  }

  private static final class Manager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager anchors;

    Manager(X509ExtendedTrustManager anchors) {
      this.anchors = anchors;
    }

    private static boolean selfSigned(X509Certificate[] chain) {
      if (chain == null || chain.length != 1) return false;
      try {
        chain[0].checkValidity();
      } catch (CertificateException e) {
        return false;
      }
      return ClientCertificates.isSelfSigned(chain[0]);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      if (!selfSigned(chain)) anchors.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      if (!selfSigned(chain)) anchors.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      if (!selfSigned(chain)) anchors.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("a listener's trust manager checks clients only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("a listener's trust manager checks clients only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("a listener's trust manager checks clients only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
