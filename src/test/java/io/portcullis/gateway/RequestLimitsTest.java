package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestLimitsTest {

  @ParameterizedTest
  @CsvSource({
    "/a/b, false",
    "/a/..b/c, false",
    "/a/.well-known, false",
    "/a/b..., false",
    "/a/../b, true",
    "/a/./b, true",
    "/a/.., true",
    "/a/%2e%2E/b, true",
    "/a/.%2e/b, true",
    "/a/%2E/b, true"
  })
  void hasDotSegmentWhenPathThenOnlyWholeDotSegmentsCount(String path, boolean dotted) {
    assertThat(RequestLimits.hasDotSegment(path)).isEqualTo(dotted);
  }
}
