package io.portcullis.monitor.log;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.joran.spi.JoranException;
import java.nio.charset.StandardCharsets;

/**
 * The encoder of the production {@code logback.xml} (tests run with {@code logback-test.xml}),
 * configured in a logger context of its own, to see a captured event as production writes it.
 */
public final class ProductionEncoder {
  private ProductionEncoder() {}

  /** The line (with its line separator and any stack trace) production writes for the event. */
  @SuppressWarnings("unchecked")
  public static String line(ILoggingEvent event) {
    LoggerContext context = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(ProductionEncoder.class.getResource("/logback.xml"));
    } catch (JoranException e) {
      throw new IllegalStateException("logback.xml does not configure", e);
    }
    Encoder<ILoggingEvent> encoder =
        ((OutputStreamAppender<ILoggingEvent>)
                context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT"))
            .getEncoder();
    return new String(encoder.encode(event), StandardCharsets.UTF_8);
  }
}
