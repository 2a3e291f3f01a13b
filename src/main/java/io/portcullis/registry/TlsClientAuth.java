package io.portcullis.registry;

import java.util.Objects;

/**
 * How an application authenticates with its TLS client certificate at the token, introspection and
 * revocation endpoints (RFC 8705 section 2): by a certificate that chains to the gateway's {@code
 * clientCa} and names it ({@code tls_client_auth}), or by a self-signed certificate whose public
 * key is one of the application's registered keys ({@code self_signed_tls_client_auth}).
 *
 * @param match which part of the certificate names the application, or {@link Match#SELF_SIGNED}
 * @param value the expected subject DN or subject alternative name; null for {@link
 *     Match#SELF_SIGNED}
 */
public record TlsClientAuth(Match match, String value) {

  /** What is compared, with the configuration field that names it. */
  public enum Match {
    /** The subject distinguished name (RFC 4514 string), compared as an X.500 name. */
    SUBJECT_DN("subjectDn"),
    /** A DNS name among the subject alternative names. */
    SAN_DNS("sanDns"),
    /** A URI among the subject alternative names. */
    SAN_URI("sanUri"),
    /** An IP address among the subject alternative names. */
    SAN_IP("sanIp"),
    /** An email address (rfc822Name) among the subject alternative names. */
    SAN_EMAIL("sanEmail"),
    /** Self-signed: the certificate's public key is one of the application's registered keys. */
    SELF_SIGNED("selfSigned");

    private final String field;

    Match(String field) {
      this.field = field;
    }

    /** The field of {@code tlsClientAuth} that selects it. */
    public String field() {
      return field;
    }
  }

  public TlsClientAuth {
    Objects.requireNonNull(match, "match");
    if (match == Match.SELF_SIGNED) value = null;
    else Objects.requireNonNull(value, "value");
  }

  /** The OAuth name of the method (RFC 8705 section 2.1.1 and 2.2.1). */
  public String method() {
    return match == Match.SELF_SIGNED ? "self_signed_tls_client_auth" : "tls_client_auth";
  }
}
