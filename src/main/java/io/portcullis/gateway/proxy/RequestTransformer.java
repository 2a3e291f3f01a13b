package io.portcullis.gateway.proxy;

import io.portcullis.gateway.RequestContext;
import io.portcullis.registry.Application;
import io.portcullis.registry.IdentifyAndAuthorize;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the headers of the upstream request from the client's:
 *
 * <ol>
 *   <li>hop-by-hop fields are removed ({@link HopByHop}), and so are {@code Host} (the upstream's
 *       own is sent) and {@code Expect} (the gateway answers it);
 *   <li>{@code Authorization}, and the {@code DPoP} proof that comes with it (RFC 9449), are
 *       removed unless the policy forwards it;
 *   <li>{@code X-Forwarded-For}, {@code X-Forwarded-Proto}, {@code X-Forwarded-Host} and {@code
 *       Forwarded} (RFC 7239) describe the client; untrusted incoming copies are dropped first;
 *   <li>{@code X-Original-URL} and {@code X-Rewrite-URL} are removed;
 *   <li>every incoming {@code X-Portcullis-*} header and every header the policy maps a claim to is
 *       removed (spelt with {@code _} for {@code -} too), then the identity is added: {@code
 *       X-Portcullis-Application}, {@code -Subject}, {@code -Scopes} (space-separated), {@code
 *       -Issuer}, and the claim headers.
 * </ol>
 *
 * <p>Identity values that are not printable ASCII are percent-encoded as UTF-8, and so is every
 * {@code %}, so that a value can never break the header and always percent-decodes to the original.
 * A header whose value is unknown (anonymous caller, no issuer) is not sent.
 */
public final class RequestTransformer {
  public static final String IDENTITY_PREFIX = "X-Portcullis-";
  public static final String APPLICATION = "X-Portcullis-Application";
  public static final String SUBJECT = "X-Portcullis-Subject";
  public static final String SCOPES = "X-Portcullis-Scopes";
  public static final String ISSUER = "X-Portcullis-Issuer";

  private static final List<String> UNTRUSTED_FORWARDING =
      List.of(
          "X-Forwarded-For",
          "X-Forwarded-Proto",
          "X-Forwarded-Host",
          "X-Forwarded-Port",
          "X-Real-IP",
          "Forwarded");

  /**
   * Fields that some servers (IIS, Symfony, Zend) read as the URL to serve instead of the request
   * line's: they would route past the gateway's path check, so they are never forwarded.
   */
  private static final List<String> URL_OVERRIDES = List.of("X-Original-URL", "X-Rewrite-URL");

  private final boolean trustForwardedHeaders;

  /**
   * @param trustForwardedHeaders whether incoming forwarding headers come from a trusted proxy and
   *     are extended, rather than replaced
   */
  public RequestTransformer(boolean trustForwardedHeaders) {
    this.trustForwardedHeaders = trustForwardedHeaders;
  }

  /**
   * Writes the headers to send upstream for an identified, authorized request.
   *
   * @param headers the upstream request's own (empty) header map: written straight into it, since
   *     every copy of a header map makes Vert.x validate each character of each value again
   */
  public void transform(RequestContext ctx, MultiMap headers) {
    HttpServerRequest request = ctx.request();
    IdentifyAndAuthorize policy = ctx.api().identifyAndAuthorize();
    boolean forwardAuthorization = policy.forwardAuthorization();
    Set<String> claimHeaders = policy.claimHeaders().keySet();
    // One pass that copies only what is to be sent, rather than a copy stripped afterwards: each
    // removal from a header map hashes and scans, and this runs on every request.
    HopByHop.copyEndToEnd(
        request.headers(), headers, name -> dropped(name, forwardAuthorization, claimHeaders));
    joinCookies(headers);
    addForwarding(headers, request);
    addIdentity(headers, ctx, policy);
  }

  /**
   * Whether an incoming field stays behind (names compared as {@link HopByHop#sameField} does,
   * {@code _} as {@code -}: CGI and WSGI servers read both as one variable): HTTP/2 pseudo-headers
   * (not fields, no HTTP/1.1 form); {@code Host} (the upstream's own is sent) and {@code Expect}
   * (the gateway answers it); {@code Authorization} unless the policy forwards it (left out here
   * rather than removed after: copying validates every character of a long bearer token, measured
   * at 8% of a proxied call); untrusted forwarding headers; {@code X-Original-URL} and {@code
   * X-Rewrite-URL}; every {@code X-Portcullis-*} header and every header the policy maps a claim
   * to, which only the gateway may set.
   */
  private boolean dropped(String name, boolean forwardAuthorization, Set<String> claimHeaders) {
    if (name.startsWith(":")
        || "Host".equalsIgnoreCase(name)
        || "Expect".equalsIgnoreCase(name)
        || (!forwardAuthorization
            && ("Authorization".equalsIgnoreCase(name) || "DPoP".equalsIgnoreCase(name)))
        || HopByHop.startsWithField(name, IDENTITY_PREFIX)
        || HopByHop.isAnyField(name, URL_OVERRIDES)) {
      return true;
    }
    // A trusted proxy writes the forwarding headers it means with '-': one spelt with '_' came from
    // the client, past it, and would reach a CGI upstream as the trusted one.
    if ((!trustForwardedHeaders || name.indexOf('_') >= 0)
        && HopByHop.isAnyField(name, UNTRUSTED_FORWARDING)) {
      return true;
    }
    return !claimHeaders.isEmpty() && HopByHop.isAnyField(name, claimHeaders);
  }

  /** HTTP/2 may split {@code Cookie} into several fields; HTTP/1.1 wants one (RFC 9113 §8.2.3). */
  private static void joinCookies(MultiMap headers) {
    List<String> cookies = headers.getAll(HttpHeaders.COOKIE);
    if (cookies.size() > 1) headers.set(HttpHeaders.COOKIE, String.join("; ", cookies));
  }

  private void addForwarding(MultiMap headers, HttpServerRequest request) {
    String client = clientAddress(request.remoteAddress());
    String proto = request.scheme() == null ? "http" : request.scheme();
    String host = authority(request.authority());

    // Untrusted copies were not copied, so there is nothing to extend or keep.
    if (client != null) {
      String previous = trustForwardedHeaders ? headers.get("X-Forwarded-For") : null;
      headers.set("X-Forwarded-For", previous == null ? client : previous + ", " + client);
    }
    if (!trustForwardedHeaders || !headers.contains("X-Forwarded-Proto")) {
      headers.set("X-Forwarded-Proto", proto);
    }
    if (host != null && (!trustForwardedHeaders || !headers.contains("X-Forwarded-Host"))) {
      headers.set("X-Forwarded-Host", host);
    }

    StringBuilder forwarded = new StringBuilder(64);
    if (trustForwardedHeaders) {
      for (String previous : headers.getAll("Forwarded")) forwarded.append(previous).append(", ");
    }
    if (client != null) forwarded.append("for=").append(forwardedValue(forwardedNode(client)));
    if (client != null) forwarded.append(';');
    forwarded.append("proto=").append(forwardedValue(proto));
    if (host != null) forwarded.append(";host=").append(forwardedValue(host));
    headers.set("Forwarded", forwarded.toString());
  }

  private static void addIdentity(
      MultiMap headers, RequestContext ctx, IdentifyAndAuthorize policy) {
    // Incoming X-Portcullis-* and claim headers were not copied: these are the only ones.
    Application application = ctx.application();
    if (application != null) headers.add(APPLICATION, encode(application.name()));
    if (ctx.subject() != null) headers.add(SUBJECT, encode(ctx.subject()));
    if (!ctx.scopes().isEmpty()) headers.add(SCOPES, encode(String.join(" ", ctx.scopes())));
    if (ctx.issuer() != null) headers.add(ISSUER, encode(ctx.issuer()));
    for (Map.Entry<String, String> mapping : policy.claimHeaders().entrySet()) {
      Object claim = ctx.claims().get(mapping.getValue());
      if (claim != null) headers.set(mapping.getKey(), encode(claimText(claim)));
    }
  }

  private static String claimText(Object claim) {
    if (claim instanceof Collection<?> values) {
      List<String> texts = new ArrayList<>();
      for (Object value : values) texts.add(value instanceof String s ? s : Json.encode(value));
      return String.join(" ", texts);
    }
    if (claim instanceof String || claim instanceof Number || claim instanceof Boolean) {
      return claim.toString();
    }
    return Json.encode(claim);
  }

  /** Percent-encodes {@code %} and everything outside printable ASCII, as UTF-8. */
  static String encode(String value) {
    boolean plain = true;
    for (int i = 0; i < value.length() && plain; i++) {
      char c = value.charAt(i);
      plain = c >= 0x20 && c < 0x7f && c != '%';
    }
    if (plain) return value;
    StringBuilder out = new StringBuilder(value.length() + 16);
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '%') {
        out.append((char) c);
      } else {
        out.append('%').append(String.format(Locale.ROOT, "%02X", c));
      }
    }
    return out.toString();
  }

  private static String clientAddress(SocketAddress remote) {
    if (remote == null) return null;
    String address = remote.hostAddress();
    return address == null || address.isEmpty() ? null : address;
  }

  private static String authority(HostAndPort authority) {
    if (authority == null || authority.host() == null || authority.host().isEmpty()) return null;
    String host = forwardedNode(authority.host());
    return authority.port() >= 0 ? host + ":" + authority.port() : host;
  }

  /** An IPv6 node is written in brackets (RFC 7239 §6). */
  private static String forwardedNode(String address) {
    return address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
  }

  /** A token when it can be one, else a quoted-string (RFC 7239 §4). */
  private static String forwardedValue(String value) {
    boolean token = !value.isEmpty();
    for (int i = 0; i < value.length() && token; i++) {
      char c = value.charAt(i);
      token =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
    if (token) return value;
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
