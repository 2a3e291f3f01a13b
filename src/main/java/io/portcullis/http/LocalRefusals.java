package io.portcullis.http;

import io.vertx.core.http.HttpServerResponse;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * How an endpoint that the gateway serves itself (the authorization server's) tells the gateway why
 * it refused a request, so that the call's record carries the reason as an API call's does.
 *
 * <p>The gateway {@linkplain #open opens} a request before it hands it to the endpoint and
 * {@linkplain #close closes} it when the call is recorded; in between, {@link #refused} passes the
 * reason to the gateway. A reason is an error code ({@code invalid_client}), never a value of the
 * request. Requests are told apart by their response object (a router wraps the request, not its
 * response); an endpoint used without the gateway (no open request) notes nothing.
 */
public final class LocalRefusals {
  private static final Map<HttpServerResponse, Consumer<String>> OPEN = new ConcurrentHashMap<>();

  private LocalRefusals() {}

  /** The gateway takes the reasons noted for the request of this response until {@link #close}. */
  public static void open(HttpServerResponse response, Consumer<String> reasons) {
    OPEN.put(
        Objects.requireNonNull(response, "response"), Objects.requireNonNull(reasons, "reasons"));
  }

  /**
   * Forgets the response's request; later reasons for it are ignored. Safe to call more than once.
   */
  public static void close(HttpServerResponse response) {
    OPEN.remove(response);
  }

  /**
   * The endpoint refused the response's request with this error code (or a status' reason phrase).
   */
  public static void refused(HttpServerResponse response, String reason) {
    Consumer<String> reasons = OPEN.get(response);
    if (reasons != null && reason != null) reasons.accept(reason);
  }
}
