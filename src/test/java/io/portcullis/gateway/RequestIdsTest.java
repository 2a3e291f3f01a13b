package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestIdsTest {
  private final RequestIds ids = new RequestIds("node");

  @Test
  void chooseWhenIncomingWellFormedThenKept() {
    assertThat(ids.choose("3f2c9a1e-8b7d-4c6a-9e5f-0123456789ab"))
        .isEqualTo("3f2c9a1e-8b7d-4c6a-9e5f-0123456789ab");
    assertThat(ids.choose("a".repeat(64))).isEqualTo("a".repeat(64));
    assertThat(ids.choose("Req_1.2-3")).isEqualTo("Req_1.2-3");
  }

  @Test
  void chooseWhenIncomingMissingTooLongOrWithOtherCharactersThenNewOne() {
    for (String bad :
        new String[] {
          null, "", "a".repeat(65), "a b", "a,b", "a\"b", "a;b", "é", "a\u0000b", "a/b"
        }) {
      assertThat(ids.choose(bad)).as(String.valueOf(bad)).startsWith("node-");
    }
  }

  @Test
  void nextWhenCalledManyTimesThenUniqueAndWellFormed() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = ids.next();
      assertThat(RequestIds.wellFormed(id)).isTrue();
      seen.add(id);
    }
    assertThat(seen).hasSize(10_000);
    assertThat(RequestIds.wellFormed(new RequestIds().next())).isTrue();
  }
}
