package io.portcullis.token.store;

import static io.portcullis.token.store.Tokens.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.token.store.TokenRecord.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenRecordTest {
  private final TokenRecord token =
      Tokens.record(Tokens.newToken(), Kind.REFRESH, "app", T0, Duration.ofHours(1), "f");

  @Test
  void isActiveWhenNeitherRevokedRotatedNorExpiredThenTrueUntilExpiresAtExclusive() {
    assertThat(token.isActive(T0)).isTrue();
    assertThat(token.isActive(token.expiresAt().minusNanos(1_000))).isTrue();
    assertThat(token.isActive(token.expiresAt())).isFalse();
    assertThat(token.isExpired(token.expiresAt())).isTrue();
  }

  @Test
  void toBuilderWhenBuiltUnchangedThenEqualsTheOriginalWithEveryComponent() {
    TokenRecord bound =
        token.rotated(T0.plusSeconds(2)).revoked(T0.plusSeconds(3)).toBuilder()
            .parentHash("parent")
            .confirmation(Map.of("x5t#S256", "thumbprint"))
            .jkt("jkt")
            .build();

    assertThat(bound.toBuilder().build()).isEqualTo(bound);
    assertThat(bound.confirmed(Map.of()).confirmation()).isEmpty();
    assertThat(bound.jkt()).isEqualTo("jkt");
    assertThat(bound.rotatedAt()).isEqualTo(T0.plusSeconds(2));
    assertThat(bound.revokedAt()).isEqualTo(T0.plusSeconds(3));
  }

  @Test
  void isActiveWhenRevokedOrRotatedThenFalse() {
    assertThat(token.revoked(T0.plusSeconds(1)).isActive(T0.plusSeconds(2))).isFalse();
    assertThat(token.rotated(T0.plusSeconds(1)).isActive(T0.plusSeconds(2))).isFalse();
  }

  @Test
  void expiresInWhenBeforeAndAfterExpiryThenWholeSecondsLeftOrZero() {
    assertThat(token.expiresIn(T0)).isEqualTo(3600);
    assertThat(token.expiresIn(T0.plusMillis(1_500))).isEqualTo(3599);
    assertThat(token.expiresIn(T0.plusSeconds(7200))).isZero();
  }

  @Test
  void constructorWhenInstantsHaveNanosecondsThenTruncatedToMicroseconds() {
    TokenRecord precise =
        Tokens.record(
            "x".repeat(30), Kind.ACCESS, "app", T0.plusNanos(1_234_567), Duration.ofHours(1), "f");

    assertThat(precise.issuedAt()).isEqualTo(T0.plusNanos(1_234_000));
  }

  @Test
  void constructorWhenExpiryNotAfterIssueThenIllegalArgumentNamingBoth() {
    assertThatThrownBy(
            () -> Tokens.record("x".repeat(30), Kind.ACCESS, "app", T0, Duration.ZERO, "f"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expiresAt")
        .hasMessageContaining("issuedAt");
  }

  @Test
  void constructorWhenRequiredFieldMissingThenNullPointerNamingIt() {
    Instant later = T0.plusSeconds(1);
    assertThatThrownBy(
            () ->
                TokenRecord.builder()
                    .tokenHash("h")
                    .kind(Kind.ACCESS)
                    .authorizationServer("local")
                    .issuedAt(T0)
                    .expiresAt(later)
                    .familyId("f")
                    .build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("applicationName");
    assertThatThrownBy(
            () ->
                TokenRecord.builder()
                    .tokenHash("h")
                    .kind(Kind.ACCESS)
                    .authorizationServer("local")
                    .applicationName("app")
                    .issuedAt(T0)
                    .expiresAt(later)
                    .build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("familyId");
  }
}
