package io.portcullis.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An address to listen on or connect to, written {@code host:port}, {@code :port} (every interface)
 * or {@code [::1]:port} (IPv6).
 *
 * @param host a host name, IPv4 address or IPv6 address without brackets; {@code 0.0.0.0} for every
 *     interface
 * @param port 0 to 65535; 0 lets the system choose a free port
 */
public record HostPort(String host, int port) {
  /** What {@code :port} binds to: every IPv4 interface, as Go's and Envoy's listeners read it. */
  public static final String ANY_HOST = "0.0.0.0";

  private static final Pattern BRACKETED = Pattern.compile("\\[([0-9A-Fa-f:.]+(%[\\w.-]+)?)]:(.*)");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");
  private static final String EXPECTED =
      "expected host:port such as 127.0.0.1:8080, :8080 or [::1]:8080";

  public HostPort {
    if (host == null || host.isEmpty()) throw new IllegalArgumentException("host is required");
    if (port < 0 || port > 65535)
      throw new IllegalArgumentException("port must be 0 to 65535; was " + port);
  }

  /**
   * Parses {@code host:port}, {@code :port} or {@code [v6]:port}.
   *
   * @throws IllegalArgumentException naming what was expected and what was given
   */
  public static HostPort parse(String text) {
    if (text == null) throw new IllegalArgumentException(EXPECTED + "; was nothing");
    String host;
    String port;
    Matcher bracketed = BRACKETED.matcher(text);
    if (bracketed.matches()) {
      host = bracketed.group(1);
      port = bracketed.group(3);
    } else {
      int colon = text.lastIndexOf(':');
      if (colon < 0) throw new IllegalArgumentException(EXPECTED + "; was " + quote(text));
      host = colon == 0 ? ANY_HOST : text.substring(0, colon);
      port = text.substring(colon + 1);
      if (host.indexOf(':') >= 0)
        throw new IllegalArgumentException(
            "write IPv6 addresses in brackets, such as [::1]:8080; was " + quote(text));
      if (!NAME.matcher(host).matches())
        throw new IllegalArgumentException(
            EXPECTED + "; " + quote(host) + " is not a host name or address");
    }
    if (!port.matches("[0-9]{1,5}"))
      throw new IllegalArgumentException(
          EXPECTED + "; the port " + quote(port) + " is not a number 0 to 65535");
    int number = Integer.parseInt(port);
    if (number > 65535)
      throw new IllegalArgumentException("port must be 0 to 65535; was " + number);
    return new HostPort(host, number);
  }

  /** Whether the host means every interface ({@code 0.0.0.0} or {@code ::}). */
  public boolean isAnyHost() {
    return host.equals(ANY_HOST) || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
  }

  /** The host as it appears in a URL: IPv6 addresses in brackets. */
  public String urlHost() {
    return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
  }

  /** {@code host:port}, with IPv6 hosts in brackets: the form {@link #parse} reads. */
  @Override
  public String toString() {
    return urlHost() + ":" + port;
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
