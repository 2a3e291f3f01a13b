package io.portcullis.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteTableTest {
  private static Api api(String name, String basePath, boolean active) {
    return Api.builder()
        .name(name)
        .version("v1")
        .basePath(basePath)
        .upstreams(List.of(URI.create("http://127.0.0.1:1")))
        .active(active)
        .build();
  }

  private final RouteTable table =
      new RouteTable(
          List.of(
              api("a", "/a", true),
              api("ab", "/a/b", true),
              api("off", "/off", false),
              api("deep", "/x/y/z", true)));

  @ParameterizedTest
  @CsvSource({
    "/a, a",
    "/a/, a",
    "/a/c, a",
    "/a/b, ab",
    "/a/b/c, ab",
    "/a/bc, a",
    "/ab, NONE",
    "/off, NONE",
    "/off/x, NONE",
    "/x/y, NONE",
    "/x/y/z/1, deep",
    "/, NONE"
  })
  void matchWhenPathGivenThenLongestSegmentPrefixWins(String path, String expected) {
    assertThat(table.match(path).map(Api::name).orElse("NONE")).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"/a, /a, /", "/a, /a/x, /x", "/a, /a/, /", "/, /q, /q"})
  void remainderWhenBasePathMatchesThenRestStartsWithSlash(String base, String path, String rest) {
    assertThat(RouteTable.remainder(api("n", base, true), path)).isEqualTo(rest);
  }

  @ParameterizedTest
  @CsvSource({"/anything, root", "/a/1, a"})
  void matchWhenRootApiExistsThenItIsTheFallback(String path, String expected) {
    RouteTable withRoot = new RouteTable(List.of(api("root", "/", true), api("a", "/a", true)));
    assertThat(withRoot.match(path).map(Api::name)).contains(expected);
  }
}
