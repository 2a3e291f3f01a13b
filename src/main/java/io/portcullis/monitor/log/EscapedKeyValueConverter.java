package io.portcullis.monitor.log;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * {@code %kvp} with {@link LogEscaping#escape} on every key and value: {@code key="value"} pairs
 * separated by one space.
 */
public final class EscapedKeyValueConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs == null || pairs.isEmpty()) return "";
    StringBuilder out = new StringBuilder();
    for (KeyValuePair pair : pairs) {
      if (!out.isEmpty()) out.append(' ');
      out.append(LogEscaping.escape(pair.key))
          .append("=\"")
          .append(LogEscaping.escape(String.valueOf(pair.value)))
          .append('"');
    }
    return out.toString();
  }
}
