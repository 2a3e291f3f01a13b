package io.portcullis.monitor.log;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %msg} with {@link LogEscaping#escape}: the formatted message, arguments included. */
public final class EscapedMessageConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return LogEscaping.escape(event.getFormattedMessage());
  }
}
