package io.portcullis.monitor;

import java.time.Instant;

/**
 * A transaction record as the store holds it (see {@link TransactionEvent} for the fields).
 *
 * @param node the node that handled the call
 * @param identification {@code JWT}, {@code OAUTH2_TOKEN}, or null
 * @param latencyMicros the whole call
 * @param upstreamLatencyMicros the upstream's part, or null when no upstream answered
 */
public record StoredTransaction(
    String id,
    Instant time,
    String node,
    String method,
    String path,
    String client,
    String api,
    String application,
    String subject,
    String identification,
    int status,
    String reason,
    long latencyMicros,
    Long upstreamLatencyMicros,
    long bytesIn,
    long bytesOut) {}
