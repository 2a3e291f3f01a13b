package io.portcullis.monitor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Records transactions as Micrometer meters (Prometheus names in brackets):
 *
 * <ul>
 *   <li>{@value #REQUESTS} counter [{@code portcullis_requests_total}] by {@code api} and {@code
 *       status} class ({@code 2xx} … {@code 5xx}, {@code aborted} for a response cut short);
 *   <li>{@value #DURATION} timer with a percentile histogram [{@code
 *       portcullis_request_duration_seconds_bucket} …] by {@code api} and {@code status};
 *   <li>{@value #BYTES_IN} and {@value #BYTES_OUT} counters [{@code
 *       portcullis_request_bytes_total}, {@code portcullis_response_bytes_total}] by {@code api}.
 * </ul>
 *
 * <p>Calls answered by the authorization server's endpoints (token issuance and refusals,
 * introspection, revocation, JWKS …) are tagged {@code api="authorization-server"}. Calls that
 * matched no API are tagged {@code api="none"}: tagging them by path would let any client create
 * unbounded series. Meters are looked up once per tag set and then cached, so that recording is a
 * few lock-free increments.
 */
public final class MicrometerTransactionRecorder implements TransactionRecorder {

  public static final String REQUESTS = "portcullis.requests";
  public static final String DURATION = "portcullis.request.duration";
  public static final String BYTES_IN = "portcullis.request.bytes";
  public static final String BYTES_OUT = "portcullis.response.bytes";
  public static final String NO_API = "none";
  public static final String LOCAL_API = "authorization-server";

  private final MeterRegistry registry;
  private final Map<String, Meters> metersByApiAndStatus = new ConcurrentHashMap<>();

  public MicrometerTransactionRecorder(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public void record(TransactionEvent event) {
    String api = event.api() != null ? event.api() : event.local() ? LOCAL_API : NO_API;
    String status = event.statusClass();
    Meters meters =
        metersByApiAndStatus.computeIfAbsent(api + ' ' + status, key -> register(api, status));
    meters.requests.increment();
    meters.duration.record(event.latencyNanos(), TimeUnit.NANOSECONDS);
    meters.bytesIn.increment(event.bytesIn());
    meters.bytesOut.increment(event.bytesOut());
  }

  private Meters register(String api, String status) {
    return new Meters(
        Counter.builder(REQUESTS)
            .description("Calls through the gateway")
            .tag("api", api)
            .tag("status", status)
            .register(registry),
        Timer.builder(DURATION)
            .description("Time from request head to end of response")
            .tag("api", api)
            .tag("status", status)
            .publishPercentileHistogram()
            .register(registry),
        Counter.builder(BYTES_IN)
            .description("Request body bytes read from clients")
            .baseUnit("bytes")
            .tag("api", api)
            .register(registry),
        Counter.builder(BYTES_OUT)
            .description("Response body bytes written to clients")
            .baseUnit("bytes")
            .tag("api", api)
            .register(registry));
  }

  private record Meters(Counter requests, Timer duration, Counter bytesIn, Counter bytesOut) {}
}
