package io.portcullis.oauth;

import io.portcullis.registry.TlsClientAuth;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import javax.security.auth.x500.X500Principal;

/**
 * Whether a client certificate names the application as its {@code tlsClientAuth} says (RFC 8705
 * §2.1.2): the subject DN compared as an X.500 name (so spacing and attribute-type case do not
 * matter), or one subject alternative name of the registered kind: a DNS name ignoring case, a URI
 * and an email address exactly, an IP address as an address (so {@code ::1} matches {@code
 * 0:0:0:0:0:0:0:1}). CPU only.
 */
final class CertificateNames {
  private static final int SAN_EMAIL = 1;
  private static final int SAN_DNS = 2;
  private static final int SAN_URI = 6;
  private static final int SAN_IP = 7;

  private CertificateNames() {}

  static boolean matches(X509Certificate certificate, TlsClientAuth tls) {
    return switch (tls.match()) {
      case SUBJECT_DN -> subject(certificate, tls.value());
      case SAN_DNS -> san(certificate, SAN_DNS, v -> v.equalsIgnoreCase(tls.value()));
      case SAN_URI -> san(certificate, SAN_URI, v -> v.equals(tls.value()));
      case SAN_EMAIL -> san(certificate, SAN_EMAIL, v -> v.equals(tls.value()));
      case SAN_IP -> san(certificate, SAN_IP, v -> sameAddress(v, tls.value()));
      case SELF_SIGNED -> false;
    };
  }

  private static boolean subject(X509Certificate certificate, String expected) {
    try {
      return new X500Principal(expected).equals(certificate.getSubjectX500Principal());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean san(X509Certificate certificate, int type, Predicate<String> accepts) {
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return false;
    }
    if (names == null) return false;
    for (List<?> name : names) {
      if (name.size() >= 2
          && name.get(0) instanceof Integer kind
          && kind == type
          && name.get(1) instanceof String value
          && accepts.test(value)) {
        return true;
      }
    }
    return false;
  }

  /** Both are IP literals (the validator checked the registered one): no name is looked up. */
  private static boolean sameAddress(String presented, String registered) {
    if (!literal(presented) || !literal(registered)) return false;
    try {
      return InetAddress.getByName(presented).equals(InetAddress.getByName(registered));
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Dotted decimal, or hex digits with colons (and a dotted tail): never a host name. */
  private static boolean literal(String address) {
    String a = address.toLowerCase(Locale.ROOT);
    if (a.isEmpty()) return false;
    if (a.indexOf(':') < 0) return a.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
    return a.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':');
  }
}
