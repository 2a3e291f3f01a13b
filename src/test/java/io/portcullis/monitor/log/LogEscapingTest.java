package io.portcullis.monitor.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogEscapingTest {
  @Test
  void escapeWhenControlCharactersQuotesOrBackslashesThenEscaped() {
    assertThat(LogEscaping.escape("a\r\nb\tc\"d\\e")).isEqualTo("a\\r\\nb\\tc\\\"d\\\\e");
    assertThat(LogEscaping.escape("\u0000\u001b\u007f\u0085\u2028\u2029"))
        .isEqualTo("\\u0000\\u001b\\u007f\\u0085\\u2028\\u2029");
  }

  @Test
  void escapeWhenPlainOrNullThenUnchanged() {
    String plain = "photo-app é ü 日本";
    assertThat(LogEscaping.escape(plain)).isSameAs(plain);
    assertThat(LogEscaping.escape(null)).isNull();
  }
}
