package io.portcullis.gateway.identify;

import io.portcullis.gateway.RequestContext;
import io.portcullis.gateway.identify.Identification.Rejected;
import io.portcullis.http.Credentials;
import io.portcullis.registry.Application;
import io.portcullis.registry.AuthorizationServer;
import io.portcullis.registry.IdentificationMethod;
import io.portcullis.registry.Snapshot;
import io.portcullis.token.store.CachingTokenStore;
import io.portcullis.token.store.OpaqueTokenGenerator;
import io.portcullis.token.store.StoreUnavailable;
import io.portcullis.token.store.TokenLookupException;
import io.portcullis.token.store.TokenRecord;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code OAUTH2_TOKEN} identification method: an opaque access token that the gateway issued,
 * sent as a bearer token, identifies the application it was issued to.
 *
 * <p><b>Which bearer tokens are its own.</b> Exactly those that {@link JwtIdentifier} leaves: every
 * bearer token that does not have the JWS compact shape (two dots). So for an API that accepts both
 * methods each token goes to exactly one identifier, and a token that is neither a JWT nor a
 * well-formed opaque token is refused here with {@code invalid_token} rather than passed over.
 *
 * <p><b>Checks</b>, in order; the first that fails answers 401 {@code invalid_token} (RFC 6750 §3):
 *
 * <ol>
 *   <li>the token is well formed: 22 to 512 characters of the URL-safe alphabet (nothing else is
 *       looked up);
 *   <li>the store knows its hash and the token is active: not expired, not revoked (the lookup
 *       answers from the data plane's cache, or from the store on a thread of its own: never on the
 *       event loop);
 *   <li>it is an access token: a refresh token is never accepted in its place;
 *   <li>its authorization server still exists;
 *   <li>its application still exists under the same client id and is enabled;
 *   <li>its certificate binding and the API's sender constraint ({@link SenderConstraints}).
 * </ol>
 *
 * Unknown, expired and revoked tokens get one description, so that the answer does not tell a
 * guesser which tokens once existed. When the store cannot answer (it failed, or too many lookups
 * wait), the call is answered 503: it says nothing about the token.
 *
 * <p>The caller then carries the token's scopes and subject (its client id when the token has no
 * subject, as for client credentials), and the issuer URI of its authorization server; the
 * authorizer decides exactly as for a JWT.
 */
public final class OpaqueTokenIdentifier implements Identifier {
  private static final Logger log = LoggerFactory.getLogger(OpaqueTokenIdentifier.class);

  static final String MALFORMED =
      "the bearer token is neither a JWT nor an opaque access token of this gateway (expected "
          + OpaqueTokenGenerator.MIN_LENGTH
          + " to "
          + OpaqueTokenGenerator.MAX_LENGTH
          + " characters of A-Z a-z 0-9 - _)";
  static final String NOT_ACTIVE = "the access token is unknown, expired or revoked";
  static final String REFRESH_TOKEN =
      "a refresh token cannot be used as an access token; exchange it at the token endpoint";

  /** Finds active tokens without blocking: {@link CachingTokenStore#lookup}. */
  @FunctionalInterface
  public interface Lookup {
    /**
     * @param token the token as the client sent it
     * @return a future of the record of an existing, active token (access or refresh), or of empty
     *     for a malformed, unknown, expired, revoked or rotated one; failed with {@link
     *     TokenLookupException} when the store cannot answer
     */
    Future<Optional<TokenRecord>> lookup(String token);
  }

  private static final Duration WARN_INTERVAL = Duration.ofSeconds(10);

  private final Lookup tokens;
  private final Clock clock;
  private final AtomicLong nextWarn = new AtomicLong(System.nanoTime());
  private final AtomicInteger unlogged = new AtomicInteger();

  /**
   * @param tokens the data plane's non-blocking token lookup
   * @param clock decides expiry, as the store's cache does
   */
  public OpaqueTokenIdentifier(Lookup tokens, Clock clock) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public IdentificationMethod method() {
    return IdentificationMethod.OAUTH2_TOKEN;
  }

  @Override
  public Future<Identification> identify(RequestContext ctx) {
    String token = Credentials.accessToken(ctx.credentials());
    if (token == null || JwtIdentifier.looksLikeJwt(token)) {
      return Future.succeededFuture(Identification.NOT_APPLICABLE);
    }
    if (!OpaqueTokenGenerator.isWellFormed(token)) {
      return Future.succeededFuture(invalid(MALFORMED));
    }
    return tokens
        .lookup(token)
        .map(found -> decide(found, ctx))
        .recover(
            failure -> {
              if (!(failure instanceof TokenLookupException)) return Future.failedFuture(failure);
              // A known outage is logged once by the store; other failures at most once per
              // WARN_INTERVAL, with how many went unlogged, not once per request.
              boolean warn = !StoreUnavailable.causes(failure) && mayWarn();
              if (!warn) unlogged.incrementAndGet();
              (warn
                      ? log.atWarn().addKeyValue("alsoFailedSinceLastLine", unlogged.getAndSet(0))
                      : log.atDebug())
                  .addKeyValue("api", ctx.api() == null ? null : ctx.api().key())
                  .addKeyValue("error", failure.getMessage())
                  .log("opaque token lookup failed; answering 503");
              return Future.succeededFuture(
                  new Rejected(
                      503, null, "the token store is not available right now; try again later"));
            });
  }

  /** Whether a warning may be logged now: at most one per {@link #WARN_INTERVAL}. */
  private boolean mayWarn() {
    long now = System.nanoTime();
    long next = nextWarn.get();
    return now - next >= 0 && nextWarn.compareAndSet(next, now + WARN_INTERVAL.toNanos());
  }

  private Identification decide(Optional<TokenRecord> found, RequestContext ctx) {
    Snapshot snapshot = ctx.snapshot();
    if (found.isEmpty() || !found.get().isActive(clock.instant())) return invalid(NOT_ACTIVE);
    TokenRecord record = found.get();
    if (record.kind() != TokenRecord.Kind.ACCESS) return invalid(REFRESH_TOKEN);
    Optional<AuthorizationServer> server =
        snapshot.authorizationServer(record.authorizationServer());
    if (server.isEmpty() || server.get().type() != AuthorizationServer.Type.INTERNAL) {
      return invalid(
          "the authorization server " + record.authorizationServer() + " no longer issues tokens");
    }
    Application application = snapshot.application(record.applicationName()).orElse(null);
    // A same-named application made anew (another client id) must not inherit the old tokens.
    if (application == null
        || (record.clientId() != null && !record.clientId().equals(application.clientId()))) {
      return invalid("the application " + record.applicationName() + " no longer exists");
    }
    if (!application.enabled()) {
      return invalid("the application " + application.name() + " is disabled");
    }
    // Every member of the token's cnf, as a JWT carries it: the certificate's and the DPoP key's.
    Map<String, Object> cnf = new LinkedHashMap<>(record.confirmation());
    if (record.jkt() != null) cnf.put("jkt", record.jkt());
    Rejected unbound = SenderConstraints.check(ctx, cnf);
    if (unbound != null) return unbound;
    // A client-credentials token has no resource owner: the client is the subject, as in the JWTs
    // that /oauth2/jwt issues to an application, so upstreams see one identity for either token.
    String subject = record.subject() != null ? record.subject() : record.clientId();
    return new Identification.Identified(
        IdentificationMethod.OAUTH2_TOKEN,
        application,
        subject,
        record.scopes(),
        server.get().issuer(),
        // A bound token's confirmation, as a JWT carries it, for the sender-constraint check.
        cnf.isEmpty() ? Map.of() : Map.of("cnf", cnf));
  }

  private static Rejected invalid(String description) {
    return new Rejected(401, "invalid_token", description);
  }
}
