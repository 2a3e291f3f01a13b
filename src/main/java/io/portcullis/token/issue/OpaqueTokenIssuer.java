package io.portcullis.token.issue;

import io.portcullis.registry.AuthorizationServer;
import io.portcullis.token.store.OpaqueTokenGenerator;
import io.portcullis.token.store.TokenHasher;
import io.portcullis.token.store.TokenRecord;
import io.portcullis.token.store.TokenStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Issues opaque OAuth access tokens (and, when the authorization server enables them, refresh
 * tokens) with the server's {@code accessToken} and {@code refreshToken} settings: random strings
 * from the {@link OpaqueTokenGenerator}, saved to the {@link TokenStore} only as their {@link
 * TokenHasher#hash}.
 *
 * <p>Blocking (the store may be a database): call {@link #issue} on a worker thread.
 */
public final class OpaqueTokenIssuer {
  /** The {@code token_type} of a DPoP-bound access token (RFC 9449 §5). */
  public static final String DPOP = "DPoP";

  private final TokenStore store;
  private final OpaqueTokenGenerator generator;
  private final Clock clock;

  public OpaqueTokenIssuer(TokenStore store, OpaqueTokenGenerator generator, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.generator = Objects.requireNonNull(generator, "generator");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * What a token is issued for.
   *
   * @param applicationName the application it is issued to
   * @param clientId that application's client id, or null
   * @param subject the resource owner or assertion {@code sub}; null for client credentials
   * @param scopes the granted scopes
   * @param parameters the application's additional token parameters
   * @param familyId the family of an earlier grant (refresh), or null to start a new one
   * @param parentHash hash of the refresh token exchanged for this grant, or null
   */
  public record Grant(
      String applicationName,
      String clientId,
      String subject,
      List<String> scopes,
      Map<String, String> parameters,
      String familyId,
      String parentHash) {
    public Grant {
      Objects.requireNonNull(applicationName, "applicationName");
      scopes = scopes == null ? List.of() : List.copyOf(scopes);
      parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    }
  }

  /**
   * The tokens of one grant, in the clear: only here and in the token response.
   *
   * @param accessToken the access token
   * @param tokenType the server's {@code accessToken.type}
   * @param expiresIn access token lifetime, seconds
   * @param refreshToken the refresh token, or null when none was issued
   * @param access the stored record of the access token
   * @param refresh the stored record of the refresh token, or null
   */
  public record Issued(
      String accessToken,
      String tokenType,
      long expiresIn,
      String refreshToken,
      TokenRecord access,
      TokenRecord refresh) {
    /** Hides the tokens: records end up in logs. */
    @Override
    public String toString() {
      return "Issued[tokenType="
          + tokenType
          + ", expiresIn="
          + expiresIn
          + ", refresh="
          + (refreshToken != null)
          + ", family="
          + access.familyId()
          + "]";
    }
  }

  /**
   * Issues an access token and, when {@code withRefresh}, a refresh token of the same family, and
   * saves both. Blocking.
   *
   * @param server the internal authorization server whose settings apply
   * @return the tokens in the clear, with their records as saved
   */
  public Issued issue(AuthorizationServer server, Grant grant, boolean withRefresh) {
    return issue(server, grant, withRefresh, Map.of(), null);
  }

  /**
   * As {@link #issue(AuthorizationServer, Grant, boolean)}, with the access token bound by {@code
   * confirmation} (the members of its {@code cnf}, such as {@code x5t#S256}); the refresh token is
   * not bound: only the client that holds it can use it, after authenticating. Blocking.
   */
  public Issued issue(
      AuthorizationServer server,
      Grant grant,
      boolean withRefresh,
      Map<String, String> confirmation) {
    return issue(server, grant, withRefresh, confirmation, null);
  }

  /**
   * As {@link #issue(AuthorizationServer, Grant, boolean)}, with the access token bound to a DPoP
   * key (RFC 9449 §5): its record keeps the key's thumbprint and its type is {@code DPoP}. The
   * refresh token is not bound: it is only ever exchanged with the client's own authentication.
   *
   * @param jkt the RFC 7638 thumbprint of the client's DPoP key; null for a bearer token
   */
  public Issued issue(AuthorizationServer server, Grant grant, boolean withRefresh, String jkt) {
    return issue(server, grant, withRefresh, Map.of(), jkt);
  }

  /** Bound by a certificate ({@code confirmation}), a DPoP key ({@code jkt}), both or neither. */
  public Issued issue(
      AuthorizationServer server,
      Grant grant,
      boolean withRefresh,
      Map<String, String> confirmation,
      String jkt) {
    Instant now = clock.instant();
    String family = grant.familyId() != null ? grant.familyId() : UUID.randomUUID().toString();
    AuthorizationServer.AccessTokenSettings settings = server.accessToken();
    String access = generator.generate(settings.length());
    TokenRecord accessRecord =
        record(
                server,
                grant,
                TokenRecord.Kind.ACCESS,
                access,
                now,
                now.plusSeconds(settings.expiresIn()),
                family,
                jkt)
            .confirmed(confirmation);
    String refresh = null;
    TokenRecord refreshRecord = null;
    if (withRefresh) {
      refresh = generator.generate(server.refreshToken().length());
      refreshRecord =
          record(
              server,
              grant,
              TokenRecord.Kind.REFRESH,
              refresh,
              now,
              now.plusSeconds(server.refreshToken().expiresIn()),
              family,
              null);
    }
    // Refresh first: an access token is never stored whose companion refresh token is missing.
    if (refreshRecord != null) store.save(refreshRecord);
    store.save(accessRecord);
    return new Issued(
        access,
        jkt == null ? settings.type() : DPOP,
        settings.expiresIn(),
        refresh,
        accessRecord,
        refreshRecord);
  }

  private static TokenRecord record(
      AuthorizationServer server,
      Grant grant,
      TokenRecord.Kind kind,
      String token,
      Instant now,
      Instant expiresAt,
      String family,
      String jkt) {
    return TokenRecord.builder()
        .tokenHash(TokenHasher.hash(token))
        .kind(kind)
        .authorizationServer(server.alias())
        .clientId(grant.clientId())
        .applicationName(grant.applicationName())
        .subject(grant.subject())
        .scopes(grant.scopes())
        .parameters(grant.parameters())
        .issuedAt(now)
        .expiresAt(expiresAt)
        .familyId(family)
        .parentHash(grant.parentHash())
        .jkt(jkt)
        .build();
  }
}
