package io.portcullis.registry;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the gateway may reach on an administrator's behalf: the URLs of external issuers' and
 * applications' JWKS and of APIs' upstreams, and the files that {@code certificates} name.
 *
 * <p>Refused unless allowed: link-local and cloud metadata addresses ({@code 169.254.0.0/16},
 * {@code fe80::/10}, {@code fd00:ec2::254}), where a request reads the machine's credentials, and
 * this node's own admin listener, where it would act with the gateway's network position. A file
 * must lie under one of the file roots (the configuration file's directory, the data directory and
 * {@code files.allow}).
 *
 * <p>{@link #checkUrl} and {@link #checkFile} never block; {@link #checkResolved} resolves the host
 * name (blocking): call it on a worker, right before connecting.
 *
 * @param allow CIDR blocks ({@code 169.254.169.254/32}, {@code fe80::/10}) and {@code host:port}
 *     entries that are reachable even when they would be refused
 * @param ownListeners {@code host:port} of this node's listeners that nothing may call back ({@code
 *     0.0.0.0} and {@code ::} stand for every address of the machine)
 * @param fileRoots directories under which {@code certificates} may name files; null for no
 *     restriction
 */
public record OutboundPolicy(List<String> allow, List<String> ownListeners, List<Path> fileRoots) {

  /** Refuses link-local and metadata addresses; knows no listener; reads files anywhere. */
  public static final OutboundPolicy DEFAULT = new OutboundPolicy(List.of(), List.of(), null);

  private static final String REFUSED_RANGES = "169.254.0.0/16, fe80::/10, fd00:ec2::254";
  private static final Pattern HOST_PORT = Pattern.compile("(?:\\[([^]]+)]|([^:/\\[\\]]+)):(\\d+)");

  public OutboundPolicy {
    allow = allow == null ? List.of() : List.copyOf(allow);
    ownListeners = ownListeners == null ? List.of() : List.copyOf(ownListeners);
    fileRoots =
        fileRoots == null
            ? null
            : fileRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    for (String entry : allow) {
      checkAllowEntry(entry)
          .ifPresent(
              why -> {
                throw new IllegalArgumentException(why);
              });
    }
  }

  /**
   * Checks one entry of {@code allow}.
   *
   * @return what is wrong with it, or empty
   */
  public static Optional<String> checkAllowEntry(String entry) {
    if (entry != null && (isCidr(entry) || HOST_PORT.matcher(entry).matches())) {
      return Optional.empty();
    }
    return Optional.of(
        "expected a CIDR block such as 169.254.169.254/32 or host:port such as"
            + " metadata.internal:80; was '"
            + entry
            + "'");
  }

  /**
   * Checks a URL without resolving host names: a literal IP address or {@code localhost} is checked
   * as an address; a host name only against the listeners and the allowed {@code host:port}s (its
   * addresses are checked by {@link #checkResolved} when it is used).
   *
   * @return why the URL is refused, or empty
   */
  public Optional<String> checkUrl(URI url) {
    String host = host(url);
    if (host == null) return Optional.empty();
    int port = port(url);
    if (allowedHostPort(host, port)) return Optional.empty();
    List<InetAddress> literal = literalAddresses(host);
    if (literal.isEmpty()) {
      return ownListener(host, List.of(), port);
    }
    for (InetAddress address : literal) {
      Optional<String> refused = checkAddress(host, address, port);
      if (refused.isPresent()) return refused;
    }
    return Optional.empty();
  }

  /**
   * Resolves the URL's host (blocking) and checks every address it has, as {@link #checkUrl} does
   * for a literal one.
   *
   * @return why the URL is refused, or empty
   * @throws UnknownHostException when the name does not resolve
   */
  public Optional<String> checkResolved(URI url) throws UnknownHostException {
    String host = host(url);
    if (host == null) return Optional.empty();
    int port = port(url);
    if (allowedHostPort(host, port)) return Optional.empty();
    for (InetAddress address : InetAddress.getAllByName(host)) {
      Optional<String> refused = checkAddress(host, address, port);
      if (refused.isPresent()) return refused;
    }
    return Optional.empty();
  }

  /**
   * Checks a file that {@code certificates} names.
   *
   * @return why the file is refused, or empty
   */
  public Optional<String> checkFile(String file) {
    if (fileRoots == null) return Optional.empty();
    Path path;
    try {
      path = Path.of(file.strip()).toAbsolutePath().normalize();
      // A link inside a root may point anywhere: judge where it leads.
      if (Files.exists(path)) path = path.toRealPath();
    } catch (InvalidPathException | IOException e) {
      return Optional.of("'" + file + "' is not a usable file path");
    }
    for (Path root : fileRoots) {
      Path real = root;
      try {
        if (Files.exists(root)) real = root.toRealPath();
      } catch (IOException e) {
        // keep the configured form
      }
      if (path.startsWith(real) || path.startsWith(root)) return Optional.empty();
    }
    return Optional.of(
        "file "
            + path
            + " is outside the directories certificates may be read from "
            + fileRoots
            + " (the configuration file's directory, the data directory and files.allow)");
  }

  private Optional<String> checkAddress(String host, InetAddress address, int port) {
    if (allowedNetwork(address)) return Optional.empty();
    if (isLinkLocalOrMetadata(address)) {
      return Optional.of(
          host
              + " is (or resolves to) "
              + address.getHostAddress()
              + ", a link-local or cloud metadata address ("
              + REFUSED_RANGES
              + "); list it in gateway.outbound.allow to reach it");
    }
    return ownListener(host, List.of(address), port);
  }

  private Optional<String> ownListener(String host, List<InetAddress> addresses, int port) {
    for (String listener : ownListeners) {
      var m = HOST_PORT.matcher(listener);
      if (!m.matches() || Integer.parseInt(m.group(3)) != port) continue;
      String listenHost = m.group(1) != null ? m.group(1) : m.group(2);
      boolean same = listenHost.equalsIgnoreCase(host);
      List<InetAddress> listenAddresses = literalAddresses(listenHost);
      for (InetAddress listenAddress : listenAddresses) {
        for (InetAddress address : addresses) {
          same |=
              listenAddress.equals(address)
                  || (listenAddress.isAnyLocalAddress()
                      && (address.isLoopbackAddress() || isLocal(address)))
                  || (listenAddress.isLoopbackAddress() && address.isLoopbackAddress());
        }
      }
      if (same) {
        return Optional.of(
            host
                + ":"
                + port
                + " is this node's admin listener ("
                + listener
                + "); list it in gateway.outbound.allow to reach it");
      }
    }
    return Optional.empty();
  }

  private static boolean isLocal(InetAddress address) {
    try {
      return java.net.NetworkInterface.getByInetAddress(address) != null;
    } catch (java.net.SocketException e) {
      return false;
    }
  }

  /** {@code 169.254.0.0/16}, {@code fe80::/10} and AWS's IPv6 metadata address. */
  static boolean isLinkLocalOrMetadata(InetAddress address) {
    if (address.isLinkLocalAddress()) return true;
    if (address instanceof Inet6Address) {
      byte[] b = address.getAddress();
      // fd00:ec2::254
      byte[] metadata = {
        (byte) 0xfd, 0, 0x0e, (byte) 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54
      };
      if (java.util.Arrays.equals(b, metadata)) return true;
      // an IPv4-mapped or -compatible form of 169.254.x.x
      boolean mappedPrefix = true;
      for (int i = 0; i < 10; i++) mappedPrefix &= b[i] == 0;
      if (mappedPrefix
          && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0))
          && b[12] == (byte) 169
          && b[13] == (byte) 254) return true;
    }
    return false;
  }

  private boolean allowedHostPort(String host, int port) {
    for (String entry : allow) {
      var m = HOST_PORT.matcher(entry);
      if (!m.matches() || isCidr(entry)) continue;
      String allowedHost = m.group(1) != null ? m.group(1) : m.group(2);
      if (allowedHost.equalsIgnoreCase(host) && Integer.parseInt(m.group(3)) == port) return true;
    }
    return false;
  }

  private boolean allowedNetwork(InetAddress address) {
    for (String entry : allow) {
      if (isCidr(entry) && inCidr(address, entry)) return true;
    }
    return false;
  }

  private static boolean isCidr(String entry) {
    int slash = entry.indexOf('/');
    if (slash < 0) return false;
    List<InetAddress> base = literalAddresses(entry.substring(0, slash));
    if (base.isEmpty()) return false;
    try {
      int bits = Integer.parseInt(entry.substring(slash + 1));
      return bits >= 0 && bits <= base.get(0).getAddress().length * 8;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static boolean inCidr(InetAddress address, String cidr) {
    int slash = cidr.indexOf('/');
    byte[] network = literalAddresses(cidr.substring(0, slash)).get(0).getAddress();
    byte[] candidate = address.getAddress();
    if (network.length != candidate.length) return false;
    int bits = Integer.parseInt(cidr.substring(slash + 1));
    for (int i = 0; i < bits; i++) {
      int mask = 0x80 >> (i % 8);
      if ((network[i / 8] & mask) != (candidate[i / 8] & mask)) return false;
    }
    return true;
  }

  /**
   * The addresses of a literal IPv4/IPv6 address or {@code localhost}, without any lookup; empty
   * for a host name.
   */
  private static List<InetAddress> literalAddresses(String host) {
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return List.of(InetAddress.getLoopbackAddress());
    }
    boolean v4 = h.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    boolean v6 = h.contains(":");
    if (!v4 && !v6) return List.of();
    try {
      // A literal address: getByName parses it and makes no lookup.
      return List.of(InetAddress.getByName(h));
    } catch (UnknownHostException e) {
      return List.of();
    }
  }

  private static String host(URI url) {
    String host = url.getHost();
    if (host == null) return null;
    return host.startsWith("[") && host.endsWith("]")
        ? host.substring(1, host.length() - 1).toLowerCase(Locale.ROOT)
        : host.toLowerCase(Locale.ROOT);
  }

  private static int port(URI url) {
    if (url.getPort() >= 0) return url.getPort();
    return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
  }
}
