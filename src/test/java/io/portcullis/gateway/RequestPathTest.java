package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestPathTest {

  @ParameterizedTest
  @CsvSource({
    "/a/b, 0",
    "/a/..b/c, 0",
    "/a/.well-known, 0",
    "/a/b..., 0",
    "/a/group%2Fproject, 0",
    "/a/b;v=1, 0",
    "/a/%41%c3%a9, 0",
    "/a/../b, 1",
    "/a/./b, 1",
    "/a/.., 1",
    "/a/%2e%2E/b, -6",
    "/a/.%2e/b, -6",
    "/a/%2E/b, -6",
    "/a/..;/b, -6",
    "/a/..;x/b, -6",
    "/a/..%2Fb, -6",
    "/a/b%2F../c, -6",
    "/a/..%3b/b, -6",
    "/a/%5C, -4",
    "/a/%5c, -4",
    "/a/%00, -2",
    "/a/%0d%0A, -2",
    "/a/%7F, -2",
    "/a/%, -5",
    "/a/%4, -5",
    "/a/%zz, -5",
    "a/b, -1",
    "/a/%C0%AE%C0%AE/b, -9",
    "/a/%c1%9c, -9",
    "/a/\u00c0\u00af, -9",
    "/a/\u0100, -7",
  })
  void checkWhenPathThenVerdict(String path, int verdict) {
    assertThat(RequestPath.check(path)).isEqualTo(verdict);
  }

  @ParameterizedTest
  @CsvSource({
    "/a/../b, /b, 1",
    "/a/b/../c, /a/c, 2",
    "/a/./b, /a/b, 2147483647",
    "/a/b/.., /a/, 2",
    "/a/b/., /a/b/, 2147483647",
    "/a/.., /, 1",
    "//a/../b, //b, 1",
    "/a/\u00c3\u00a9/./x, /a/%C3%A9/x, 2147483647",
  })
  void rewriteWhenDotSegmentsOrBytesThenResolvedAndEncoded(
      String path, String normalized, int keptPrefix) {
    int[] kept = new int[1];
    assertThat(RequestPath.check(path)).isEqualTo(RequestPath.REWRITE);
    assertThat(RequestPath.rewrite(path, kept)).isEqualTo(normalized);
    assertThat(kept[0]).isEqualTo(Math.min(keptPrefix, normalized.length()));
  }

  @ParameterizedTest
  @CsvSource({"/.., /a/../..", "/a/../../b"})
  void rewriteWhenClimbingAboveRootThenNull(String path) {
    assertThat(RequestPath.rewrite(path, new int[1])).isNull();
  }
}
