package io.portcullis.admin;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;

/**
 * What {@code /metrics} shows: a Prometheus registry with the JVM's meters (memory, garbage
 * collection, threads, class loading, processor, uptime) and the composition root's own binders
 * (such as the HikariCP pool's) bound to it. Close it on shutdown: the GC meters listen to JVM
 * notifications until then.
 */
public final class AdminMetrics implements AutoCloseable {
  /** The media type of the Prometheus text exposition format that {@link #scrape()} writes. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc = new JvmGcMetrics();

  /**
   * Binds the JVM meters and then each of {@code binders} to the registry.
   *
   * @param registry where the meters live; other components may register theirs too
   * @param binders more meters to bind, e.g. a connection pool's; may be empty
   */
  public AdminMetrics(PrometheusMeterRegistry registry, List<MeterBinder> binders) {
    this.registry = registry;
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    binders.forEach(binder -> binder.bindTo(registry));
  }

  /** Every meter in the Prometheus text format ({@link #CONTENT_TYPE}). */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
  }
}
