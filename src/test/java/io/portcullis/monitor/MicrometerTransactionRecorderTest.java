package io.portcullis.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.portcullis.registry.IdentificationMethod;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MicrometerTransactionRecorderTest {

  private static TransactionEvent event(String api, int status, long millis, long in, long out) {
    return new TransactionEvent(
        "id-1",
        Instant.EPOCH,
        "GET",
        "/pets",
        "127.0.0.1",
        api,
        "photo-app",
        "alice",
        IdentificationMethod.JWT,
        status,
        null,
        TimeUnit.MILLISECONDS.toNanos(millis),
        -1,
        in,
        out,
        false,
        false,
        true);
  }

  @Test
  void recordWhenResponseWasCutShortThenCountedAsAbortedNot2xx() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerTransactionRecorder recorder = new MicrometerTransactionRecorder(registry);

    recorder.record(
        new TransactionEvent(
            "id-2",
            Instant.EPOCH,
            "GET",
            "/pets",
            "127.0.0.1",
            "petstore/v1",
            null,
            null,
            null,
            200,
            null,
            1_000_000,
            0,
            0,
            10,
            true,
            false,
            true));

    assertThat(
            registry
                .get(MicrometerTransactionRecorder.REQUESTS)
                .tags("api", "petstore/v1", "status", "aborted")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(registry.find(MicrometerTransactionRecorder.REQUESTS).tag("status", "2xx").counter())
        .isNull();
  }

  @Test
  void recordWhenEventsThenCountedByApiAndStatusClass() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerTransactionRecorder recorder = new MicrometerTransactionRecorder(registry);

    recorder.record(event("petstore/v1", 200, 10, 5, 100));
    recorder.record(event("petstore/v1", 204, 20, 0, 0));
    recorder.record(event("petstore/v1", 502, 30, 7, 50));
    recorder.record(event(null, 404, 1, 0, 20));

    assertThat(
            registry
                .get(MicrometerTransactionRecorder.REQUESTS)
                .tags("api", "petstore/v1", "status", "2xx")
                .counter()
                .count())
        .isEqualTo(2);
    assertThat(
            registry
                .get(MicrometerTransactionRecorder.REQUESTS)
                .tags("api", "petstore/v1", "status", "5xx")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get(MicrometerTransactionRecorder.REQUESTS)
                .tags("api", "none", "status", "4xx")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get(MicrometerTransactionRecorder.DURATION)
                .tags("api", "petstore/v1", "status", "2xx")
                .timer()
                .totalTime(TimeUnit.MILLISECONDS))
        .isEqualTo(30);
    assertThat(
            registry
                .get(MicrometerTransactionRecorder.BYTES_IN)
                .tags("api", "petstore/v1")
                .counter()
                .count())
        .isEqualTo(12);
    assertThat(
            registry
                .get(MicrometerTransactionRecorder.BYTES_OUT)
                .tags("api", "petstore/v1")
                .counter()
                .count())
        .isEqualTo(150);
  }

  @Test
  void recordWhenScrapedByPrometheusThenRequestsAndHistogramBucketsAppear() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MicrometerTransactionRecorder recorder = new MicrometerTransactionRecorder(registry);

    recorder.record(event("petstore/v1", 200, 12, 5, 100));

    String text = registry.scrape();
    assertThat(text)
        .contains("portcullis_requests_total{api=\"petstore/v1\",status=\"2xx\"} 1")
        .contains(
            "portcullis_request_duration_seconds_bucket{api=\"petstore/v1\",status=\"2xx\",le=")
        .contains("portcullis_request_bytes_total{api=\"petstore/v1\"} 5")
        .contains("portcullis_response_bytes_total{api=\"petstore/v1\"} 100");
  }

  @Test
  void statusClassWhenOutsideHttpRangeThenOther() {
    assertThat(event("a", 499, 1, 0, 0).statusClass()).isEqualTo("4xx");
    assertThat(event("a", 0, 1, 0, 0).statusClass()).isEqualTo("other");
  }
}
