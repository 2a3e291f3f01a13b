package io.portcullis.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.control.Violation;
import io.portcullis.registry.ServerTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads the {@code tls} field of a listener section ({@code gateway.tls}, {@code admin.tls}). The
 * files must be readable when the configuration is loaded, so that a wrong path is reported with
 * its field rather than as a failed listener.
 */
final class ServerTlsReader {
  static final List<String> TLS_FIELDS =
      List.of(
          "certificate",
          "key",
          "password",
          "clientAuth",
          "clientCa",
          "selfSignedClients",
          "engine");

  private ServerTlsReader() {}

  /**
   * @param path where the field is, such as {@code gateway.tls}
   * @return the settings, or null when absent or wrong (then {@code out} says why)
   */
  static ServerTls read(JsonNode node, String path, List<Violation> out) {
    if (node == null) return null;
    int before = out.size();
    FieldReader r = FieldReader.open(node, path, out, TLS_FIELDS, "the TLS settings");
    if (r == null) return null;
    String certificate =
        r.requiredText(
            "certificate", "the PEM certificate chain, or a PKCS#12 file with a password");
    String key = r.text("key");
    String password = r.secret("password");
    if (key == null && password == null && certificate != null) {
      r.missing(
          "key", "the PEM private key file; or, when certificate is a PKCS#12 file, its password");
    }
    if (key != null && password != null) {
      r.wrong("password", "is only for a PKCS#12 certificate, given without key; remove one");
    }
    ServerTls.ClientAuth clientAuth = clientAuth(r);
    String clientCa = r.text("clientCa");
    if (clientAuth != null && clientAuth != ServerTls.ClientAuth.NONE && clientCa == null) {
      r.missing(
          "clientCa", "the PEM file of the CA certificates that client certificates chain to");
    }
    Boolean selfSigned = r.bool("selfSignedClients");
    if (Boolean.TRUE.equals(selfSigned) && clientAuth == ServerTls.ClientAuth.NONE) {
      r.wrong(
          "selfSignedClients",
          "needs clientAuth optional or required: with none no client certificate is asked for");
    }
    for (String field : List.of("certificate", "key", "clientCa")) {
      String file = r.has(field) ? FieldReader.text(r.get(field)) : null;
      if (file != null && !Files.isReadable(Path.of(file))) {
        r.wrong(field, "cannot read the file \"" + file + "\"");
      }
    }
    ServerTls.Engine engine = engine(r);
    if (out.size() > before || certificate == null) return null;
    return ServerTls.builder()
        .certificate(certificate)
        .key(key)
        .password(password)
        .clientAuth(clientAuth)
        .clientCa(clientCa)
        .selfSignedClients(Boolean.TRUE.equals(selfSigned))
        .engine(engine)
        .build();
  }

  private static ServerTls.Engine engine(FieldReader r) {
    String text = r.text("engine");
    // BoringSSL served 1.5-2x the requests of the JDK's engine over keep-alive HTTPS
    // (BENCHMARKS.md):
    // the default wherever its native library loads.
    if (text == null) {
      return TlsEngines.unavailable() == null ? ServerTls.Engine.OPENSSL : ServerTls.Engine.JDK;
    }
    ServerTls.Engine engine;
    try {
      engine = ServerTls.Engine.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      r.wrong("engine", "expected jdk or openssl; was \"" + text + "\"");
      return null;
    }
    if (engine == ServerTls.Engine.OPENSSL) {
      String missing = TlsEngines.unavailable();
      if (missing != null) r.wrong("engine", "openssl cannot be used here: " + missing);
    }
    return engine;
  }

  private static ServerTls.ClientAuth clientAuth(FieldReader r) {
    String text = r.text("clientAuth");
    if (text == null) return ServerTls.ClientAuth.NONE;
    try {
      return ServerTls.ClientAuth.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      r.wrong("clientAuth", "expected none, optional or required; was \"" + text + "\"");
      return null;
    }
  }
}
