package io.portcullis.monitor;

import io.portcullis.registry.IdentificationMethod;
import java.time.Instant;
import java.util.Objects;

/**
 * One call through the gateway, as recorded when its response ended.
 *
 * @param time when the request arrived
 * @param api the key ({@code name/version}) of the API it was routed to, or null when no API
 *     matched
 * @param application the name of the identified application, or null for an anonymous or refused
 *     call
 * @param method how the caller was identified, or null when it was not
 * @param status the HTTP status sent; 499 when the client went away before a response was sent
 * @param latencyNanos from the arrival of the request head to the end of the response
 * @param bytesIn request body bytes read from the client
 * @param bytesOut response body bytes written to the client
 * @param aborted the response was cut short after its head was sent (the upstream broke off or fell
 *     silent longer than the API's idle timeout, or the client's upload stalled): the status is the
 *     one sent, but the client did not get a whole answer
 */
public record TransactionEvent(
    Instant time,
    String api,
    String application,
    IdentificationMethod method,
    int status,
    long latencyNanos,
    long bytesIn,
    long bytesOut,
    boolean aborted) {

  public TransactionEvent {
    Objects.requireNonNull(time, "time");
  }

  /**
   * The status class as a label: {@code 1xx} … {@code 5xx}; {@code aborted} for a response cut
   * short, so that it never counts as a clean {@code 2xx}.
   */
  public String statusClass() {
    if (aborted) return "aborted";
    int hundreds = status / 100;
    return hundreds >= 1 && hundreds <= 5 ? hundreds + "xx" : "other";
  }
}
