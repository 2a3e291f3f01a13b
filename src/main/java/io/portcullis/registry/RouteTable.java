package io.portcullis.registry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Active APIs by base path, matched by longest prefix on whole path segments: {@code /pet} matches
 * {@code /pet} and {@code /pet/1} but not {@code /petstore}. Immutable.
 */
public final class RouteTable {
  private final List<Api> byLongestPath;

  /** Builds the table from the APIs; inactive ones are left out. */
  public RouteTable(List<Api> apis) {
    List<Api> active = new ArrayList<>();
    for (Api api : apis) {
      if (api.active()) active.add(api);
    }
    active.sort(Comparator.comparingInt((Api a) -> a.basePath().length()).reversed());
    this.byLongestPath = List.copyOf(active);
  }

  /**
   * The active API whose base path is the longest segment prefix of the path, or empty when none
   * is.
   *
   * @param path the request path, without query string
   */
  public Optional<Api> match(String path) {
    for (Api api : byLongestPath) {
      if (matches(api.basePath(), path)) return Optional.of(api);
    }
    return Optional.empty();
  }

  static boolean matches(String basePath, String path) {
    if (basePath.equals("/")) return path.startsWith("/");
    if (!path.startsWith(basePath)) return false;
    return path.length() == basePath.length() || path.charAt(basePath.length()) == '/';
  }

  /**
   * Whether a path whose first {@code keptPrefix} characters no {@code ..} segment reached stays in
   * the API's base path: a {@code ..} may go back within what follows the base path, never into it.
   */
  public static boolean keeps(Api api, int keptPrefix) {
    return api.basePath().equals("/") || keptPrefix >= api.basePath().length();
  }

  /**
   * The part of the path after the API's base path, always starting with {@code /}.
   *
   * @param api an API whose base path matches the path
   */
  public static String remainder(Api api, String path) {
    if (api.basePath().equals("/")) return path;
    String rest = path.substring(api.basePath().length());
    return rest.isEmpty() ? "/" : rest;
  }

  public int size() {
    return byLongestPath.size();
  }
}
