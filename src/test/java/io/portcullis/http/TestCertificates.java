package io.portcullis.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates made by the tests with the JDK's {@code keytool} (the JDK has no API to build one):
 * self-signed EC P-256 certificates (for {@code 127.0.0.1} and {@code localhost} unless told
 * otherwise), as a PKCS#12 file and as PEM certificate and PKCS#8 key files. A self-signed
 * certificate is its own trust anchor, so the same certificate serves as a client's trust store or
 * a server's {@code clientCa}.
 */
public final class TestCertificates {
  public static final String PASSWORD = "test-password";

  /** One key pair and its certificate, in the files a configuration names. */
  public record Issued(
      String name,
      Path pkcs12,
      Path certificatePem,
      Path keyPem,
      X509Certificate certificate,
      PrivateKey key) {

    /** A client context that trusts only this certificate. */
    public SSLContext trustingThis() throws Exception {
      return context(null, this);
    }

    /** A client context that presents {@code clientCertificate} and trusts this one. */
    public SSLContext trustingThisPresenting(Issued clientCertificate) throws Exception {
      return context(clientCertificate, this);
    }
  }

  private TestCertificates() {}

  /** A new key pair and self-signed certificate named {@code CN=<name>}, in {@code directory}. */
  public static Issued selfSigned(Path directory, String name) throws Exception {
    return selfSigned(directory, name, "ip:127.0.0.1,dns:localhost");
  }

  /**
   * As {@link #selfSigned(Path, String)}, for these subject alternative names ({@code keytool}'s
   * syntax: {@code dns:name,ip:address}).
   */
  public static Issued selfSigned(Path directory, String name, String alternativeNames)
      throws Exception {
    return generate(directory, name, List.of("-ext", "SAN=" + alternativeNames));
  }

  private static Issued generate(Path directory, String name, List<String> extensions)
      throws Exception {
    Path pkcs12 = directory.resolve(name + ".p12");
    Files.deleteIfExists(pkcs12);
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-sigalg",
                "SHA256withECDSA",
                "-dname",
                "CN=" + name,
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                pkcs12.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD));
    command.addAll(extensions);
    run(command);
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(pkcs12)) {
      store.load(in, PASSWORD.toCharArray());
    }
    X509Certificate certificate = (X509Certificate) store.getCertificate(name);
    PrivateKey key = (PrivateKey) store.getKey(name, PASSWORD.toCharArray());
    Path certificatePem = directory.resolve(name + ".crt");
    Path keyPem = directory.resolve(name + ".key");
    Files.writeString(certificatePem, pem("CERTIFICATE", certificate.getEncoded()));
    Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
    return new Issued(name, pkcs12, certificatePem, keyPem, certificate, key);
  }

  /**
   * A certificate authority for {@code clientCa}: a self-signed certificate {@code CN=<name>} with
   * the CA basic constraint, whose PEM file is a trust anchor.
   */
  public static Issued authority(Path directory, String name) throws Exception {
    return generate(directory, name, List.of("-ext", "bc:c"));
  }

  /**
   * A key pair whose certificate {@code CN=<name>} (with these subject alternative names, in {@code
   * keytool}'s syntax; or none when null) is issued by {@code authority}, as a client certificate
   * of a PKI.
   */
  public static Issued issuedBy(Path directory, String name, String alternativeNames, Issued ca)
      throws Exception {
    Issued own = generate(directory, name, List.of());
    Path request = directory.resolve(name + ".csr");
    Path issued = directory.resolve(name + ".cer");
    Files.deleteIfExists(request);
    Files.deleteIfExists(issued);
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(
        List.of(
            keytool,
            "-certreq",
            "-alias",
            name,
            "-keystore",
            own.pkcs12().toString(),
            "-storepass",
            PASSWORD,
            "-file",
            request.toString()));
    List<String> gencert =
        new ArrayList<>(
            List.of(
                keytool,
                "-gencert",
                "-alias",
                ca.name(),
                "-keystore",
                ca.pkcs12().toString(),
                "-storepass",
                PASSWORD,
                "-infile",
                request.toString(),
                "-outfile",
                issued.toString(),
                "-validity",
                "2",
                "-sigalg",
                "SHA256withECDSA"));
    if (alternativeNames != null) gencert.addAll(List.of("-ext", "SAN=" + alternativeNames));
    run(gencert);
    X509Certificate certificate;
    try (InputStream in = Files.newInputStream(issued)) {
      certificate =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    Files.writeString(own.certificatePem(), pem("CERTIFICATE", certificate.getEncoded()));
    return new Issued(
        name, own.pkcs12(), own.certificatePem(), own.keyPem(), certificate, own.key());
  }

  /**
   * Writes {@code replacement}'s PEM files over {@code target}'s, each atomically (a move), as a
   * certificate manager renews: the new certificate and key appear together.
   */
  public static void replace(Issued target, Issued replacement) throws IOException {
    Path certificate = Files.copy(replacement.certificatePem(), tmp(target.certificatePem()));
    Path key = Files.copy(replacement.keyPem(), tmp(target.keyPem()));
    Files.move(key, target.keyPem(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Files.move(certificate, target.certificatePem(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static Path tmp(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".new");
    Files.deleteIfExists(tmp);
    return tmp;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static SSLContext context(Issued presented, Issued trusted) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry(trusted.name(), trusted.certificate());
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    KeyManagerFactory keyManagers = null;
    if (presented != null) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry(
          presented.name(),
          presented.key(),
          PASSWORD.toCharArray(),
          new java.security.cert.Certificate[] {presented.certificate()});
      keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, PASSWORD.toCharArray());
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        keyManagers == null ? null : keyManagers.getKeyManagers(),
        trustManagers.getTrustManagers(),
        null);
    return context;
  }

  private static void run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(
          "keytool failed: " + new String(output, StandardCharsets.UTF_8));
    }
  }
}
