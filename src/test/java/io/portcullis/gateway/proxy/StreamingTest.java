package io.portcullis.gateway.proxy;

import static io.portcullis.gateway.ApiFixtures.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.gateway.EchoUpstream;
import io.portcullis.gateway.EchoUpstream.Pattern64K;
import io.portcullis.gateway.RunningGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * 100 MB through the gateway each way, with the receiving side stalled half-way: back-pressure must
 * stop the sender, so the bytes in flight (and the heap) stay far below the body's size.
 */
class StreamingTest {
  private static final long TOTAL = 100_000_000L;
  private static final long STALL_AT = 8_000_000L;

  /** Socket buffers on both hops plus a few chunks; a buffering proxy would hold ~90 MB. */
  private static final long IN_FLIGHT_BOUND = 40L * 1024 * 1024;

  private Vertx upstreamVertx;
  private EchoUpstream upstream;
  private RunningGateway gateway;

  @BeforeEach
  void start() throws Exception {
    upstreamVertx = Vertx.vertx();
    upstream = new EchoUpstream(upstreamVertx);
    gateway = new RunningGateway(RunningGateway.settings(), List.of());
    gateway.publish(List.of(open("big", "/big", upstream.uri("/files"))), List.of());
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
    upstream.close();
    upstreamVertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @Test
  void forwardWhenUploadIs100MegabytesThenStreamedWithBoundedMemory() throws Exception {
    AtomicLong produced = new AtomicLong();
    HttpRequest request =
        HttpRequest.newBuilder(gateway.uri("/big/sink?pauseAt=" + STALL_AT))
            .POST(
                HttpRequest.BodyPublishers.fromPublisher(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new PatternInputStream(TOTAL, produced)),
                    TOTAL))
            .build();
    long heapBefore = usedHeapAfterGc();

    CompletableFuture<HttpResponse<String>> response =
        gateway.client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    upstream.awaitSinkPaused();
    awaitStable(produced);
    long inFlight = produced.get() - upstream.sinkReceived.get();
    long heapGrowth = usedHeapAfterGc() - heapBefore;
    upstream.releaseSink();
    JsonObject sink = new JsonObject(response.get(120, TimeUnit.SECONDS).body());

    assertThat(sink.getLong("bytes")).isEqualTo(TOTAL);
    assertThat(sink.getString("sha256")).isEqualTo(patternSha256(TOTAL));
    assertThat(inFlight).isLessThan(IN_FLIGHT_BOUND);
    assertThat(heapGrowth).isLessThan(IN_FLIGHT_BOUND);
  }

  @Test
  void forwardWhenDownloadIs100MegabytesThenStreamedWithBoundedMemory() throws Exception {
    long heapBefore = usedHeapAfterGc();
    HttpResponse<InputStream> response =
        gateway.client.send(
            HttpRequest.newBuilder(gateway.uri("/big/stream/" + TOTAL)).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    MessageDigest digest = EchoUpstream.sha256();
    long consumed;
    try (InputStream body = response.body()) {
      consumed = read(body, digest, STALL_AT);
      awaitStable(upstream.streamProduced);
      long inFlight = upstream.streamProduced.get() - consumed;
      long heapGrowth = usedHeapAfterGc() - heapBefore;
      consumed += read(body, digest, Long.MAX_VALUE);

      assertThat(inFlight).isLessThan(IN_FLIGHT_BOUND);
      assertThat(heapGrowth).isLessThan(IN_FLIGHT_BOUND);
    }

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(consumed).isEqualTo(TOTAL);
    assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(patternSha256(TOTAL));
  }

  private static long read(InputStream in, MessageDigest digest, long limit) throws Exception {
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    while (total < limit) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - total));
      if (n < 0) break;
      digest.update(buffer, 0, n);
      total += n;
    }
    return total;
  }

  /** Waits until the counter has not moved for two polls in a row: the sender is held back. */
  private static void awaitStable(AtomicLong counter) {
    long[] last = {-1, -2};
    await()
        .pollInterval(Duration.ofMillis(250))
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              long now = counter.get();
              boolean stable = now == last[0] && now == last[1];
              last[1] = last[0];
              last[0] = now;
              return stable;
            });
  }

  private static long usedHeapAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static String patternSha256(long total) {
    MessageDigest digest = EchoUpstream.sha256();
    for (long offset = 0; offset < total; offset += Pattern64K.SIZE) {
      digest.update(
          Pattern64K.chunk(offset, (int) Math.min(Pattern64K.SIZE, total - offset)).getBytes());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** The pattern as a stream, counting what the client has taken from it. */
  private static final class PatternInputStream extends InputStream {
    private final long total;
    private final AtomicLong produced;
    private long position;

    PatternInputStream(long total, AtomicLong produced) {
      this.total = total;
      this.produced = produced;
    }

    @Override
    public int read() {
      if (position >= total) return -1;
      byte b = Pattern64K.at(position++);
      produced.set(position);
      return b & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) {
      if (position >= total) return -1;
      int n = (int) Math.min(length, total - position);
      for (int i = 0; i < n; i++) bytes[offset + i] = Pattern64K.at(position + i);
      position += n;
      produced.set(position);
      return n;
    }
  }
}
