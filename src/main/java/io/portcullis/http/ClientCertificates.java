package io.portcullis.http;

import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Client certificates of TLS connections (RFC 8705): the certificate a request's connection
 * presented, its {@code x5t#S256} thumbprint, whether it is self-signed, and whether a chain leads
 * to the trust anchors of a PEM file. Shared by the token endpoint (client authentication and
 * binding) and the data plane (checking a bound token); nothing here blocks except {@link
 * #trustManager}, which reads a file.
 */
public final class ClientCertificates {
  /** The confirmation member of a certificate-bound token (RFC 8705 section 3.1). */
  public static final String X5T_S256 = "x5t#S256";

  private ClientCertificates() {}

  /**
   * The certificate chain the client presented on the request's TLS connection, its own certificate
   * first; empty over plain HTTP or when the client presented none. Reads the TLS session in
   * memory: never blocks.
   */
  public static List<X509Certificate> presented(HttpServerRequest request) {
    if (request == null || !request.isSSL()) return List.of();
    SSLSession session = request.sslSession();
    if (session == null) return List.of();
    try {
      Certificate[] chain = session.getPeerCertificates();
      List<X509Certificate> certificates = new ArrayList<>(chain.length);
      for (Certificate c : chain) {
        if (!(c instanceof X509Certificate x509)) return List.of();
        certificates.add(x509);
      }
      return List.copyOf(certificates);
    } catch (SSLPeerUnverifiedException e) {
      return List.of();
    }
  }

  /**
   * The client's own certificate on the request's connection, or null when there is none (see
   * {@link #presented}).
   */
  public static X509Certificate leaf(HttpServerRequest request) {
    List<X509Certificate> chain = presented(request);
    return chain.isEmpty() ? null : chain.get(0);
  }

  /** base64url(SHA-256(DER)) of the certificate, without padding: its {@code x5t#S256}. */
  public static String thumbprint(X509Certificate certificate) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException | CertificateException e) {
      throw new IllegalStateException("cannot compute the certificate's SHA-256 thumbprint", e);
    }
  }

  /**
   * Whether the certificate is self-signed: its issuer is its subject and its signature verifies
   * with its own public key.
   */
  public static boolean isSelfSigned(X509Certificate certificate) {
    if (!certificate.getIssuerX500Principal().equals(certificate.getSubjectX500Principal())) {
      return false;
    }
    try {
      certificate.verify(certificate.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * A PKIX trust manager whose anchors are the certificates of a PEM file. Blocking (reads the
   * file): call on a worker.
   *
   * @throws IOException when the file cannot be read or holds no certificate
   */
  public static X509TrustManager trustManager(String pemFile) throws IOException {
    Collection<? extends Certificate> anchors;
    try (InputStream in = Files.newInputStream(Path.of(pemFile))) {
      anchors = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (CertificateException e) {
      throw new IOException("cannot read the certificates of " + pemFile + ": " + e.getMessage());
    }
    if (anchors.isEmpty()) throw new IOException(pemFile + " holds no certificate");
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (Certificate anchor : anchors) store.setCertificateEntry("anchor-" + i++, anchor);
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) return x509;
      }
      throw new IllegalStateException("the JDK offers no X.509 trust manager");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a trust manager: " + e.getMessage(), e);
    }
  }

  /**
   * Whether {@code chain} (the client's certificate first) leads to an anchor of {@code trust} by
   * PKIX (signatures, validity, CA constraints).
   */
  public static boolean chainsTo(List<X509Certificate> chain, X509TrustManager trust) {
    if (chain.isEmpty()) return false;
    try {
      trust.checkClientTrusted(
          chain.toArray(X509Certificate[]::new), chain.get(0).getPublicKey().getAlgorithm());
      return true;
    } catch (CertificateException | RuntimeException e) {
      return false;
    }
  }
}
