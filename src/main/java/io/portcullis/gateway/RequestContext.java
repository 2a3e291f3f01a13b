package io.portcullis.gateway;

import io.portcullis.gateway.identify.Identification.Identified;
import io.portcullis.http.Credentials;
import io.portcullis.registry.Api;
import io.portcullis.registry.Application;
import io.portcullis.registry.IdentificationMethod;
import io.portcullis.registry.Snapshot;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The state of one request as it moves through the pipeline. The pipeline fills it in order —
 * route, identity, upstream timings — on the request's event loop, so it needs no locking; it is
 * never shared between requests.
 */
public final class RequestContext {
  private final Snapshot snapshot;
  private final HttpServerRequest request;
  private Credentials credentials;
  private final Instant startTime;
  private final long startNanos;
  private final List<Runnable> clientGoneListeners = new ArrayList<>(1);

  private String path;
  private String query;
  private boolean queryRewritten;
  private int keptPrefix = Integer.MAX_VALUE;
  private Api api;
  private Identified identity;
  private String requestId;
  private String refusal;
  private long upstreamStartNanos = -1;
  private long upstreamResponseNanos = -1;
  private boolean finished;
  private boolean aborted;

  /**
   * @param snapshot the registry as it was when the request arrived; used for the whole request
   * @param request the client's request; null only where a context is built without a server, as in
   *     unit tests of policies
   * @param credentials the parsed {@code Authorization} header
   * @param startTime the wall-clock arrival time
   * @param startNanos {@link System#nanoTime()} at arrival, for latencies
   */
  public RequestContext(
      Snapshot snapshot,
      HttpServerRequest request,
      Credentials credentials,
      Instant startTime,
      long startNanos) {
    this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
    this.request = request;
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.startTime = Objects.requireNonNull(startTime, "startTime");
    this.startNanos = startNanos;
  }

  /**
   * A context whose {@code Authorization} header is parsed when first asked for: an open API never
   * asks, so its calls do not pay for reading a bearer token they ignore.
   */
  public static RequestContext of(
      Snapshot snapshot, HttpServerRequest request, Instant startTime, long startNanos) {
    RequestContext ctx =
        new RequestContext(snapshot, request, new Credentials.None(), startTime, startNanos);
    ctx.credentials = null;
    return ctx;
  }

  public Snapshot snapshot() {
    return snapshot;
  }

  public HttpServerRequest request() {
    return request;
  }

  /**
   * What the request's {@code Authorization} header says; {@link Credentials.None} without one, and
   * {@link Credentials.Invalid} for a bearer token with an {@code access_token} query parameter.
   */
  public Credentials credentials() {
    if (credentials == null) {
      credentials =
          Credentials.parse(request.headers().getAll(HttpHeaders.AUTHORIZATION), request.query());
    }
    return credentials;
  }

  public Instant startTime() {
    return startTime;
  }

  public long startNanos() {
    return startNanos;
  }

  /**
   * The request path as routed and forwarded: checked and normalized ({@link RequestPath}); the
   * path as sent until it is.
   */
  public String path() {
    return path != null ? path : request.path();
  }

  /**
   * The length of the longest prefix of {@link #path()} that no {@code ..} segment of the request
   * reached; {@link Integer#MAX_VALUE} when there was none.
   */
  public int keptPrefix() {
    return keptPrefix;
  }

  /**
   * The query as forwarded: bytes outside ASCII percent-encoded ({@link RequestPath}); null when
   * there is none.
   */
  public String query() {
    return queryRewritten ? query : request.query();
  }

  /** Records the query with its bytes outside ASCII encoded. */
  void query(String encoded) {
    this.query = encoded;
    this.queryRewritten = true;
  }

  /** Records the normalized path. */
  void path(String normalized, int kept) {
    this.path = normalized;
    this.keptPrefix = kept;
  }

  /** The API the request was routed to; null before routing or when none matched. */
  public Api api() {
    return api;
  }

  /** The request's id ({@code X-Request-Id}); null before the pipeline chose it. */
  public String requestId() {
    return requestId;
  }

  /** Records the request's id. */
  public void requestId(String id) {
    this.requestId = id;
  }

  /**
   * The check that refused the request ({@code invalid_token: expired}); null when the gateway did
   * not refuse it.
   */
  public String refusal() {
    return refusal;
  }

  /** Records why the gateway refused the request: the error code and the check that failed. */
  public void refused(String reason) {
    this.refusal = reason;
  }

  /** Records the API the route table chose. */
  public void route(Api matched) {
    this.api = Objects.requireNonNull(matched, "matched");
  }

  /** Who is calling; null before identification or when identification refused the request. */
  public Identified identity() {
    return identity;
  }

  /** Records who is calling. */
  public void identified(Identified who) {
    this.identity = Objects.requireNonNull(who, "who");
  }

  /** How the caller was identified; null when anonymous or not (yet) identified. */
  public IdentificationMethod method() {
    return identity == null ? null : identity.method();
  }

  /** The identified application; null for an anonymous caller or before identification. */
  public Application application() {
    return identity == null ? null : identity.application();
  }

  public String subject() {
    return identity == null ? null : identity.subject();
  }

  public List<String> scopes() {
    return identity == null ? List.of() : identity.scopes();
  }

  public String issuer() {
    return identity == null ? null : identity.issuer();
  }

  public Map<String, Object> claims() {
    return identity == null ? Map.of() : identity.claims();
  }

  /** {@link System#nanoTime()} when the upstream request was started; -1 when it was not. */
  public long upstreamStartNanos() {
    return upstreamStartNanos;
  }

  public void markUpstreamStart(long nanos) {
    this.upstreamStartNanos = nanos;
  }

  /** {@link System#nanoTime()} when the upstream response head arrived; -1 when it did not. */
  public long upstreamResponseNanos() {
    return upstreamResponseNanos;
  }

  public void markUpstreamResponse(long nanos) {
    this.upstreamResponseNanos = nanos;
  }

  /**
   * Marks the response as cut short after its head was sent (the upstream broke off or stalled).
   */
  public void markAborted() {
    this.aborted = true;
  }

  /** Whether the response was cut short after its head was sent. */
  public boolean aborted() {
    return aborted;
  }

  /**
   * Runs the listener if the client goes away (connection closed, stream reset) before the response
   * has ended, so that work done on its behalf, such as an upstream request, can stop.
   */
  public void onClientGone(Runnable listener) {
    clientGoneListeners.add(listener);
  }

  /** Tells the listeners that the client went away. */
  void clientGone() {
    for (Runnable listener : List.copyOf(clientGoneListeners)) {
      listener.run();
    }
    clientGoneListeners.clear();
  }

  /** Marks the request finished; true only the first time, so it is recorded exactly once. */
  boolean finish() {
    if (finished) return false;
    finished = true;
    return true;
  }
}
