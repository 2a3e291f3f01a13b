package io.portcullis.monitor;

import io.portcullis.registry.IdentificationMethod;
import java.time.Instant;
import java.util.Objects;

/**
 * One call through the gateway port, as recorded when its response ended. It holds no token,
 * secret, query string or header value: only the request id, the path, names and numbers.
 *
 * @param id the request id, also sent to the upstream and to the client as {@code X-Request-Id}
 * @param time when the request arrived
 * @param httpMethod the request method, such as {@code GET}
 * @param path the request path, without the query string
 * @param client the client's address (the TCP peer), or null when unknown
 * @param api the key ({@code name/version}) of the API it was routed to, or null when no API
 *     matched (authorization-server endpoints included)
 * @param application the name of the identified application, or null for an anonymous or refused
 *     call
 * @param subject the identified subject, or null
 * @param identification how the caller was identified, or null when it was not
 * @param status the HTTP status sent; 499 when the client went away before a response was sent
 * @param reason the check that refused the call ({@code invalid_token: expired}), or null when it
 *     was not refused by the gateway
 * @param latencyNanos from the arrival of the request head to the end of the response
 * @param upstreamLatencyNanos from sending the upstream request to the upstream's response head; -1
 *     when no upstream answered
 * @param bytesIn request body bytes read from the client
 * @param bytesOut response body bytes written to the client
 * @param aborted the response was cut short after its head was sent (the upstream broke off or fell
 *     silent longer than the API's idle timeout, or the client's upload stalled): the status is the
 *     one sent, but the client did not get a whole answer
 * @param local whether the gateway's own endpoints (the authorization server's) answered it
 * @param stored whether the call is to be stored as a record: false for an API whose {@code
 *     monitoring.records} is off
 */
public record TransactionEvent(
    String id,
    Instant time,
    String httpMethod,
    String path,
    String client,
    String api,
    String application,
    String subject,
    IdentificationMethod identification,
    int status,
    String reason,
    long latencyNanos,
    long upstreamLatencyNanos,
    long bytesIn,
    long bytesOut,
    boolean aborted,
    boolean local,
    boolean stored) {

  public TransactionEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(time, "time");
  }

  /**
   * The status class as a label: {@code 1xx} … {@code 5xx}; {@code aborted} for a response cut
   * short, so that it never counts as a clean {@code 2xx}.
   */
  public String statusClass() {
    return aborted ? "aborted" : statusClass(status);
  }

  /** The class of a status as a label: {@code 1xx} … {@code 5xx}, {@code other} for the rest. */
  public static String statusClass(int status) {
    int hundreds = status / 100;
    return hundreds >= 1 && hundreds <= 5 ? hundreds + "xx" : "other";
  }

  /**
   * Whether the status counts as an error: 400 or above (a response cut short keeps the status it
   * was sent with; its record says {@code aborted} in {@code reason}).
   */
  public boolean error() {
    return status >= 400;
  }
}
