package io.portcullis.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fixed set of static files (style sheet, scripts) read once from the class path and served under
 * {@code /assets/} (or another prefix): nothing else is reachable, so no path can walk out of it.
 * Each answer has a strong {@code ETag}, {@code Cache-Control: public, max-age=3600} and {@code
 * X-Content-Type-Options: nosniff}; a matching {@code If-None-Match} gets 304.
 */
public final class StaticAssets {
  /** The URL prefix of every asset. */
  public static final String PREFIX = "/assets/";

  /** htmx, from its WebJar. */
  public static final String HTMX =
      "META-INF/resources/webjars/htmx.org/" + WebVersions.HTMX + "/dist/htmx.min.js";

  private record Asset(Buffer body, String contentType, String etag) {}

  private final Map<String, Asset> assets = new LinkedHashMap<>();
  private final String prefix;

  /** Assets under {@value #PREFIX}. */
  public StaticAssets() {
    this(PREFIX);
  }

  /**
   * Assets under another prefix, such as {@code /portal/assets/}.
   *
   * @param prefix starts and ends with {@code /}
   */
  public StaticAssets(String prefix) {
    if (!prefix.startsWith("/") || !prefix.endsWith("/")) {
      throw new IllegalArgumentException("an asset prefix starts and ends with /; was " + prefix);
    }
    this.prefix = prefix;
  }

  /** Adds a class-path resource under {@code /assets/<name>}. */
  public StaticAssets add(String name, String resource, String contentType) {
    byte[] bytes = read(resource);
    assets.put(prefix + name, new Asset(Buffer.buffer(bytes), contentType, etag(bytes)));
    return this;
  }

  /** Adds the class-path resource when it exists; whether it did. */
  public boolean addIfPresent(String name, String resource, String contentType) {
    if (StaticAssets.class.getClassLoader().getResource(resource) == null) return false;
    add(name, resource, contentType);
    return true;
  }

  /** Mounts {@code GET <prefix>*}; an unknown name is 404. */
  public void mount(Router router) {
    router.get(prefix + "*").handler(this::serve);
  }

  private void serve(RoutingContext ctx) {
    Asset asset = assets.get(ctx.normalizedPath());
    // An asset opened on its own (an SVG, a script as a page) gets the pages' policy too.
    PageSecurity.apply(ctx.response());
    if (asset == null) {
      ctx.response()
          .setStatusCode(404)
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
          .end();
      return;
    }
    ctx.response()
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=3600")
        .putHeader(HttpHeaders.ETAG, asset.etag());
    if (asset.etag().equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
      ctx.response().setStatusCode(304).end();
      return;
    }
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, asset.contentType()).end(asset.body());
  }

  private static byte[] read(String resource) {
    try (InputStream in = StaticAssets.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("missing class-path resource " + resource);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(hash, 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
