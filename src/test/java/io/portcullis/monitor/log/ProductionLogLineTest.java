package io.portcullis.monitor.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** Lines as the production {@code logback.xml} writes them, for hostile values. */
class ProductionLogLineTest {
  static final String FORGED = "x\r\n2026-01-01T00:00:00.000Z level=INFO msg=\"forged\"\u0085";

  private static String line(ILoggingEvent event) {
    return ProductionEncoder.line(event);
  }

  private static LoggingEvent event(String message, Throwable error, Object... arguments) {
    LoggerContext context = new LoggerContext();
    LoggingEvent event =
        new LoggingEvent(
            Logger.class.getName(),
            context.getLogger("io.portcullis.Test"),
            Level.INFO,
            message,
            error,
            arguments);
    event.setKeyValuePairs(List.of(new KeyValuePair("client_id", FORGED)));
    return event;
  }

  @Test
  void lineWhenMessageArgumentAndKeyValueCarryCrLfThenOneLineWithEscapes() {
    String line = line(event("refused {}", null, FORGED));

    assertThat(line).endsWith(System.lineSeparator());
    assertThat(line.substring(0, line.length() - System.lineSeparator().length()))
        .doesNotContain("\r", "\n", "\u0085");
    String escaped = "x\\r\\n2026-01-01T00:00:00.000Z level=INFO msg=\\\"forged\\\"\\u0085";
    assertThat(line).contains("msg=\"refused " + escaped + "\"");
    assertThat(line).contains("client_id=\"" + escaped + "\"");
  }

  @Test
  void lineWhenExceptionMessageCarriesCrLfThenOnlyStackFramesStartLines() {
    Exception error =
        new IllegalArgumentException("bad header " + FORGED, new IllegalStateException(FORGED));

    String text = line(event("failed", error));

    List<String> lines = text.lines().toList();
    assertThat(lines.get(0)).contains("msg=\"failed\"");
    assertThat(lines.get(1))
        .startsWith("java.lang.IllegalArgumentException: bad header x\\r\\n2026-01-01");
    assertThat(lines.subList(2, lines.size()))
        .allSatisfy(l -> assertThat(l).matches("\\s+(at |\\.\\.\\. |Caused by: ).*|Caused by: .*"));
    assertThat(text).contains("Caused by: java.lang.IllegalStateException: x\\r\\n2026");
  }
}
