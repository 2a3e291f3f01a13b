package io.portcullis.gateway;

import io.portcullis.gateway.authorize.Authorization;
import io.portcullis.gateway.authorize.Authorizer;
import io.portcullis.gateway.identify.Identification;
import io.portcullis.gateway.identify.Identification.Identified;
import io.portcullis.gateway.identify.Identification.Rejected;
import io.portcullis.gateway.identify.IdentificationPolicy;
import io.portcullis.gateway.proxy.RequestTransformer;
import io.portcullis.gateway.proxy.UpstreamProxy;
import io.portcullis.http.BearerChallenge;
import io.portcullis.http.ErrorResponder;
import io.portcullis.http.HttpError;
import io.portcullis.http.LocalRefusals;
import io.portcullis.monitor.TransactionEvent;
import io.portcullis.monitor.TransactionRecorder;
import io.portcullis.registry.Api;
import io.portcullis.registry.ApiType;
import io.portcullis.registry.Application;
import io.portcullis.registry.RouteTable;
import io.portcullis.registry.Snapshot;
import io.portcullis.token.dpop.DpopProofs;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane's handling of one request: match route → identify → authorize → transform → proxy
 * → record. {@link #handle} reads top-down; each refusal is answered at once, as a problem for REST
 * APIs and a SOAP Fault for SOAP APIs, and every request is recorded once when its response ends.
 */
public final class RequestPipeline {
  private static final Logger log = LoggerFactory.getLogger(RequestPipeline.class);
  private static final int MAX_REASON = 255;

  /** The reason recorded for a response cut short after its head was sent. */
  private static final String ABORTED = "aborted: the response was cut short";

  private final Supplier<Snapshot> snapshots;
  private final RequestLimits limits;
  private final IdentificationPolicy identification;
  private final Authorizer authorizer;
  private final RequestTransformer transformer;
  private final UpstreamProxy proxy;
  private final TransactionRecorder recorder;
  private final Clock clock;
  private final RequestIds requestIds;

  public RequestPipeline(
      Supplier<Snapshot> snapshots,
      RequestLimits limits,
      IdentificationPolicy identification,
      Authorizer authorizer,
      RequestTransformer transformer,
      UpstreamProxy proxy,
      TransactionRecorder recorder,
      Clock clock,
      RequestIds requestIds) {
    this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.identification = Objects.requireNonNull(identification, "identification");
    this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
    this.transformer = Objects.requireNonNull(transformer, "transformer");
    this.proxy = Objects.requireNonNull(proxy, "proxy");
    this.recorder = Objects.requireNonNull(recorder, "recorder");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.requestIds = Objects.requireNonNull(requestIds, "requestIds");
  }

  /** Handles one client request; called on its event loop. */
  public void handle(HttpServerRequest request) {
    RequestContext ctx = begin(request, false);
    Optional<HttpError> badTarget = limits.checkTarget(ctx);
    if (badTarget.isEmpty()) badTarget = limits.checkFraming(request);
    if (badTarget.isPresent()) {
      refuse(ctx, badTarget.get(), null);
      return;
    }
    Optional<Api> api = ctx.snapshot().routes().match(ctx.path());
    if (ctx.keptPrefix() != Integer.MAX_VALUE && climbsOut(ctx, api)) {
      // '..' left the base path of one API: to another, or to another part of its upstream.
      refuse(ctx, HttpError.of(400, "the request path climbs out of a base path with '..'"), null);
      return;
    }
    if (api.isEmpty()) {
      refuse(ctx, HttpError.of(404, "no API is published at " + shorten(ctx.path())), null);
      return;
    }
    ctx.route(api.get());
    Optional<HttpError> badBody = limits.checkBody(request);
    if (badBody.isPresent()) {
      refuse(ctx, badBody.get(), null);
      return;
    }
    identification.identify(ctx).onComplete(identified -> authorizeAndForward(ctx, identified));
  }

  /**
   * Whether the {@code ..} segments of a path take it out of the base path of the API that the path
   * as sent is under, or into the base path of the API it is routed to.
   */
  private static boolean climbsOut(RequestContext ctx, Optional<Api> routed) {
    if (routed.isPresent() && !RouteTable.keeps(routed.get(), ctx.keptPrefix())) return true;
    Optional<Api> asSent = ctx.snapshot().routes().match(ctx.request().path());
    return asSent.isPresent() && !asSent.equals(routed);
  }

  /** Answers a request Netty could not parse: 414, 431 or 400, then closes the connection. */
  public void handleInvalid(HttpServerRequest request) {
    RequestContext ctx = begin(request, false);
    refuse(ctx, limits.invalid(request), null);
  }

  /**
   * Hands a request to one of the gateway's own endpoints (the authorization server's), recorded
   * like every other call: with a request id, as a call that matched no API.
   */
  public void handleLocal(HttpServerRequest request, Handler<HttpServerRequest> endpoint) {
    begin(request, true);
    endpoint.handle(request);
  }

  private void authorizeAndForward(RequestContext ctx, AsyncResult<Identification> identified) {
    if (identified.failed()) {
      log.error("API {}: identification failed", ctx.api().key(), identified.cause());
      refuse(ctx, HttpError.of(500, "the caller could not be identified"), null);
      return;
    }
    if (identified.result() instanceof Rejected rejected) {
      HttpError error =
          HttpError.of(rejected.status(), rejected.errorCode(), rejected.description());
      if (rejected.nonce() != null) {
        ctx.request().response().putHeader(DpopProofs.NONCE_HEADER, rejected.nonce());
      }
      refuse(ctx, error, challenge(ctx, error, List.of()), rejected.scheme());
      return;
    }
    ctx.identified((Identified) identified.result());
    if (authorizer.authorize(ctx) instanceof Authorization.Denied denied) {
      HttpError error = HttpError.of(denied.status(), denied.errorCode(), denied.description());
      refuse(ctx, error, challenge(ctx, error, denied.scope()));
      return;
    }
    proxy
        .forward(
            ctx,
            upstreamHeaders -> {
              transformer.transform(ctx, upstreamHeaders);
              upstreamHeaders.set(RequestIds.HEADER, ctx.requestId());
            })
        .onSuccess(failure -> failure.ifPresent(error -> refuse(ctx, error, null)));
  }

  /** Starts the context and arranges for the request to be recorded once, however it ends. */
  private RequestContext begin(HttpServerRequest request, boolean local) {
    // Nothing of the body may be read before the request is authorized and an upstream is ready.
    if (!local) request.pause();
    RequestContext ctx =
        RequestContext.of(snapshots.get(), request, clock.instant(), System.nanoTime());
    String id = requestIds.choose(request.getHeader(RequestIds.HEADER));
    ctx.requestId(id);
    HttpServerResponse response = request.response();
    if (local) {
      // The local endpoints' router takes the response's headers-end handler for itself.
      response.putHeader(RequestIds.HEADER, id);
      LocalRefusals.open(response, ctx::refused);
    } else {
      // Set as the head is written, so that an upstream's own X-Request-Id does not stand beside
      // it.
      response.headersEndHandler(head -> response.headers().set(RequestIds.HEADER, id));
    }
    response.endHandler(ended -> record(ctx, local));
    response.closeHandler(closed -> clientGone(ctx, local));
    response.exceptionHandler(failure -> clientGone(ctx, local));
    if (!local) request.exceptionHandler(failure -> clientGone(ctx, local));
    return ctx;
  }

  private void clientGone(RequestContext ctx, boolean local) {
    ctx.clientGone();
    record(ctx, local);
  }

  private void record(RequestContext ctx, boolean local) {
    if (local) LocalRefusals.close(ctx.request().response());
    if (!ctx.finish()) return;
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = request.response();
    // 499, as nginx logs it: the client went away before any response was sent.
    int status = response.ended() || response.headWritten() ? response.getStatusCode() : 499;
    Application application = ctx.application();
    Api api = ctx.api();
    long upstreamStart = ctx.upstreamStartNanos();
    long upstreamResponse = ctx.upstreamResponseNanos();
    SocketAddress client = request.remoteAddress();
    try {
      recorder.record(
          new TransactionEvent(
              ctx.requestId(),
              ctx.startTime(),
              request.method().name(),
              request.path(),
              client == null ? null : client.hostAddress(),
              api == null ? null : api.key(),
              application == null ? null : application.name(),
              ctx.subject(),
              ctx.method(),
              status,
              ctx.refusal() == null && ctx.aborted() ? ABORTED : ctx.refusal(),
              System.nanoTime() - ctx.startNanos(),
              upstreamStart >= 0 && upstreamResponse >= 0 ? upstreamResponse - upstreamStart : -1,
              request.bytesRead(),
              response.bytesWritten(),
              ctx.aborted(),
              local,
              api == null || api.monitoring().records()));
    } catch (RuntimeException e) {
      log.warn("transaction recorder {} failed", recorder.getClass().getName(), e);
    }
  }

  /**
   * The challenge of an error: every 401, and every error with an RFC 6750 code, says how to
   * authenticate, in the API's realm.
   */
  private static BearerChallenge challenge(
      RequestContext ctx, HttpError error, List<String> scope) {
    if (error.status() != 401 && error.errorCode() == null) return null;
    return BearerChallenge.of(ctx.api().name(), error, scope);
  }

  private void refuse(RequestContext ctx, HttpError error, BearerChallenge challenge) {
    refuse(ctx, error, challenge, null);
  }

  /** As above, with the challenge in {@code scheme} ({@code DPoP}); null for {@code Bearer}. */
  private void refuse(
      RequestContext ctx, HttpError error, BearerChallenge challenge, String scheme) {
    ctx.refused(reason(error));
    HttpServerRequest request = ctx.request();
    if (challenge != null) {
      request
          .response()
          .putHeader(
              BearerChallenge.HEADER,
              scheme == null ? challenge.toHeaderValue() : challenge.toHeaderValue(scheme));
    }
    Api api = ctx.api();
    ErrorResponder responder = ErrorResponder.forSoap(api != null && api.type() == ApiType.SOAP);
    boolean close = limits.prepareRefusal(request, error);
    responder.respond(request, error).onComplete(written -> limits.settleBody(request, close));
  }

  /** The refusal as a record says it: the error code, if any, and the check that failed. */
  private static String reason(HttpError error) {
    String detail = error.detail() == null ? error.title() : error.detail();
    String reason = error.errorCode() == null ? detail : error.errorCode() + ": " + detail;
    return reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON - 1) + "…";
  }

  private static String shorten(String path) {
    return path.length() <= 200 ? path : path.substring(0, 200) + "…";
  }
}
