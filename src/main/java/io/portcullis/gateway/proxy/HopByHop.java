package io.portcullis.gateway.proxy;

import io.vertx.core.MultiMap;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The hop-by-hop header fields of RFC 9110 §7.6.1, which describe one connection and must not be
 * forwarded: the fixed set, plus every field the message's {@code Connection} header names.
 */
public final class HopByHop {

  /** Always connection-specific, whether {@code Connection} names them or not. */
  public static final List<String> FIELDS =
      List.of(
          "Connection",
          "Keep-Alive",
          "Proxy-Connection",
          "TE",
          "Trailer",
          "Transfer-Encoding",
          "Upgrade",
          "Proxy-Authorization",
          "Proxy-Authenticate");

  private HopByHop() {}

  /**
   * Copies the end-to-end fields of {@code from} into {@code to}, leaving out every hop-by-hop
   * field and every field {@code drop} refuses. One pass, without a copy to strip afterwards: this
   * runs twice per proxied request (request and response head).
   *
   * @param drop names (as sent, any case) that are not to be copied either
   */
  public static void copyEndToEnd(MultiMap from, MultiMap to, Predicate<String> drop) {
    Set<String> named = namedByConnection(from);
    for (Map.Entry<String, String> field : from) {
      String name = field.getKey();
      if (isHopByHop(name, named) || drop.test(name)) continue;
      to.add(name, field.getValue());
    }
  }

  /**
   * Whether a received field name is {@code reserved}, in any case and with {@code _} for {@code
   * -}: CGI, WSGI and Rack servers turn both into {@code _} ({@code HTTP_X_FORWARDED_FOR}), so a
   * name spelt with underscores reaches the application as the reserved one.
   */
  public static boolean sameField(String name, String reserved) {
    return name.length() == reserved.length() && startsWithField(name, reserved);
  }

  /** Whether a received field name starts with {@code prefix}, as {@link #sameField} compares. */
  public static boolean startsWithField(String name, String prefix) {
    if (name.length() < prefix.length()) return false;
    for (int i = 0; i < prefix.length(); i++) {
      char a = name.charAt(i);
      char b = prefix.charAt(i);
      if (a == b) continue;
      if (a == '_') a = '-';
      if (b == '_') b = '-';
      if (a != b && Character.toLowerCase(a) != Character.toLowerCase(b)) return false;
    }
    return true;
  }

  /** Whether a received field name is any of {@code reserved}, as {@link #sameField} compares. */
  public static boolean isAnyField(String name, Collection<String> reserved) {
    for (String field : reserved) {
      if (sameField(name, field)) return true;
    }
    return false;
  }

  /** Whether a field is hop-by-hop, given the names its message's {@code Connection} lists. */
  static boolean isHopByHop(String name, Set<String> namedByConnection) {
    for (String field : FIELDS) {
      if (field.equalsIgnoreCase(name)) return true;
    }
    return !namedByConnection.isEmpty() && namedByConnection.contains(name);
  }

  /**
   * The field names the {@code Connection} headers list (any case), but {@code keep-alive}, which
   * the fixed set has already; the shared empty set, rather than a new set, in the common case of
   * none or only that.
   */
  static Set<String> namedByConnection(MultiMap headers) {
    List<String> connections = headers.getAll("Connection");
    if (connections.isEmpty()) return Set.of();
    Set<String> named = null;
    for (String connection : connections) {
      for (String option : connection.split(",")) {
        String name = option.trim();
        if (name.isEmpty()
            || name.equalsIgnoreCase("keep-alive")
            || name.equalsIgnoreCase("close")) {
          continue;
        }
        if (named == null) named = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        named.add(name);
      }
    }
    return named == null ? Set.of() : named;
  }
}
