package io.portcullis.token.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class OpaqueTokenGeneratorTest {
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private final OpaqueTokenGenerator generator = new OpaqueTokenGenerator(new SecureRandom());

  @ParameterizedTest
  @ValueSource(ints = {22, 23, 24, 25, 43, 46, 54, 55, 56, 511, 512})
  void generateWhenLengthInRangeThenExactlyThatLongOverTheUrlSafeAlphabet(int length) {
    for (int i = 0; i < 50; i++) {
      String token = generator.generate(length);

      assertThat(token).hasSize(length).matches("[A-Za-z0-9_-]+");
      assertThat(OpaqueTokenGenerator.isWellFormed(token)).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 1, 21, 513, Integer.MAX_VALUE})
  void generateWhenLengthOutOfRangeThenIllegalArgumentNamingTheBounds(int length) {
    assertThatThrownBy(() -> generator.generate(length))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 22 and 512")
        .hasMessageContaining("was " + length);
  }

  @Test
  void generateWhenCalled100kTimesThenAllDistinct() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100_000; i++) seen.add(generator.generate(OpaqueTokenGenerator.MIN_LENGTH));

    assertThat(seen).hasSize(100_000);
  }

  @Test
  void generateWhenManyTokensThenEveryCharacterEquallyLikelyAtEveryPosition() {
    // 20,000 tokens of 54 characters: 1,080,000 characters, 16,875 expected per symbol.
    int tokens = 20_000;
    int length = 54;
    long[] overall = new long[64];
    long[] lastPosition = new long[64];
    for (int i = 0; i < tokens; i++) {
      String token = generator.generate(length);
      for (int p = 0; p < length; p++) overall[ALPHABET.indexOf(token.charAt(p))]++;
      lastPosition[ALPHABET.indexOf(token.charAt(length - 1))]++;
    }

    // Chi-square with 63 degrees of freedom: mean 63, sd ~11.2; 150 is beyond 7 sd, so a
    // failure means bias (e.g. a zero-padded last character), not bad luck.
    assertThat(chiSquare(overall)).isLessThan(150);
    assertThat(chiSquare(lastPosition)).isLessThan(150);
    assertThat(overall).doesNotContain(0L);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "short",
        "abcdefghijklmnopqrstu", // 21: one too short
        "abcdefghijklmnopqrstuv+", // '+' is standard base64, not URL-safe
        "abcdefghijklmnopqrstuv/",
        "abcdefghijklmnopqrstuv=",
        "abcdefghijk mnopqrstuvw",
        "abcdefghijklmnopqrstuvwé",
        "abcdefghijklmnopqrstuv\n"
      })
  void isWellFormedWhenNotATokenThenFalse(String text) {
    assertThat(OpaqueTokenGenerator.isWellFormed(text)).isFalse();
  }

  @Test
  void isWellFormedWhenLongerThanTheMaximumThenFalse() {
    assertThat(OpaqueTokenGenerator.isWellFormed("a".repeat(512))).isTrue();
    assertThat(OpaqueTokenGenerator.isWellFormed("a".repeat(513))).isFalse();
  }

  private static double chiSquare(long[] counts) {
    long total = 0;
    for (long c : counts) total += c;
    double expected = total / 64.0;
    double sum = 0;
    for (long c : counts) sum += (c - expected) * (c - expected) / expected;
    return sum;
  }
}
