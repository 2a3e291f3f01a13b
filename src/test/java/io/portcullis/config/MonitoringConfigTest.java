package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.portcullis.registry.Api;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code monitoring} section and an API's {@code monitoring.records}. */
class MonitoringConfigTest {
  private final ConfigLoader loader = new ConfigLoader();

  private List<String> problems(String yaml) {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> loader.load(yaml, "test.yaml", Map.of()));
    assertThat(e).as("expected the configuration to be refused").isNotNull();
    return e.problems().stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void loadWhenNoMonitoringSectionThenDefaults() {
    assertThat(loader.load("gateway: {}\n", "test.yaml", Map.of()).config().monitoring())
        .isEqualTo(new MonitoringConfig(true, 7, 90, false));
  }

  @Test
  void loadWhenMonitoringGivenThenEveryFieldRead() {
    String yaml =
        "monitoring:\n"
            + "  records: { enabled: false, retentionDays: 3 }\n"
            + "  rollups: { retentionDays: 30 }\n"
            + "  accessLog: true\n";
    assertThat(loader.load(yaml, "test.yaml", Map.of()).config().monitoring())
        .isEqualTo(new MonitoringConfig(false, 3, 30, true));
  }

  @Test
  void loadWhenAuditRetentionGivenThenReadElseOneYear() {
    assertThat(MonitoringConfig.DEFAULT.auditRetentionDays()).isEqualTo(365);
    assertThat(
            loader
                .load("monitoring:\n  audit: { retentionDays: 30 }\n", "test.yaml", Map.of())
                .config()
                .monitoring())
        .isEqualTo(new MonitoringConfig(true, 7, 90, false, 30));
    assertThat(problems("monitoring:\n  audit: { retentionDays: 0 }\n"))
        .containsExactly(
            "test.yaml:2: monitoring.audit.retentionDays: expected a whole number of days, at"
                + " least 1; was 0");
    assertThat(problems("monitoring:\n  audit: { keepDays: 30 }\n"))
        .singleElement()
        .asString()
        .contains("monitoring.audit.keepDays: unknown field; expected one of retentionDays");
  }

  @Test
  void loadWhenRetentionNotPositiveThenNamedWithItsLine() {
    assertThat(problems("monitoring:\n  records: { retentionDays: 0 }\n"))
        .containsExactly(
            "test.yaml:2: monitoring.records.retentionDays: expected a whole number of days, at"
                + " least 1; was 0");
    assertThat(problems("monitoring:\n  rollups: { retentionDays: many }\n"))
        .containsExactly(
            "test.yaml:2: monitoring.rollups.retentionDays: expected a whole number of days, at"
                + " least 1; was \"many\"");
  }

  @Test
  void loadWhenUnknownOrWrongFieldThenNamed() {
    assertThat(problems("monitoring:\n  record: true\n"))
        .singleElement()
        .asString()
        .contains(
            "monitoring.record: unknown field; expected one of records, rollups, accessLog,"
                + " audit");
    assertThat(problems("monitoring:\n  accessLog: yes please\n"))
        .singleElement()
        .asString()
        .contains("monitoring.accessLog: expected true or false");
  }

  @Test
  void apiWhenRecordsOffThenReadAndWrittenBack() {
    String yaml =
        "apis:\n"
            + "  - name: quiet\n"
            + "    version: v1\n"
            + "    basePath: /quiet\n"
            + "    upstream: http://127.0.0.1:9000\n"
            + "    monitoring: { records: false }\n";
    Api api = loader.load(yaml, "test.yaml", Map.of()).config().content().apis().get(0);
    assertThat(api.monitoring().records()).isFalse();
    assertThat(new RegistryCodec().writeApi(api).get("monitoring").get("records").asBoolean())
        .isFalse();
    assertThat(problems(yaml.replace("records: false", "records: 1")))
        .singleElement()
        .asString()
        .contains("apis[0].monitoring.records: expected true or false");
  }
}
