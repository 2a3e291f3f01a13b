package io.portcullis.config;

/**
 * The {@code store} section: the database that holds the registry and the tokens.
 *
 * @param url a JDBC URL ({@code jdbc:h2:…} or {@code jdbc:postgresql://…}), or null for the default
 *     that the caller chooses: the embedded H2 database {@code jdbc:h2:file:<data dir>/portcullis}
 * @param username database user, or null
 * @param password database password, or null; never printed by {@link #toString()}
 */
public record StoreConfig(String url, String username, String password) {
  /** Nothing configured: the embedded default database. */
  public static final StoreConfig DEFAULT = new StoreConfig(null, null, null);

  @Override
  public String toString() {
    return "StoreConfig[url="
        + url
        + ", username="
        + username
        + ", password="
        + (password == null ? "null" : "***")
        + "]";
  }
}
