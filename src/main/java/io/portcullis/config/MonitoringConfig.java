package io.portcullis.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.control.Violation;
import java.util.List;

/**
 * The {@code monitoring} section: transaction records, their rollups, the access log
 * (docs/MONITORING.md) and how long the audit log is kept.
 *
 * <pre>
 * monitoring:
 *   records: { enabled: true, retentionDays: 7 }
 *   rollups: { retentionDays: 90 }
 *   accessLog: false
 *   audit: { retentionDays: 365 }
 * </pre>
 *
 * @param recordsEnabled whether calls are stored as records and rollups ({@code records.enabled})
 * @param retentionDays days raw records are kept ({@code records.retentionDays}), at least 1
 * @param rollupRetentionDays days per-minute rollups are kept ({@code rollups.retentionDays}), at
 *     least 1
 * @param accessLog whether one structured log line is written per call
 * @param auditRetentionDays days audit log entries are kept ({@code audit.retentionDays}), at least
 *     1
 */
public record MonitoringConfig(
    boolean recordsEnabled,
    int retentionDays,
    int rollupRetentionDays,
    boolean accessLog,
    int auditRetentionDays) {
  /** Days the audit log is kept when the file does not say. */
  public static final int DEFAULT_AUDIT_RETENTION_DAYS = 365;

  /** Records on for 7 days, rollups for 90, no access log, the audit log for 365 days. */
  public static final MonitoringConfig DEFAULT =
      new MonitoringConfig(true, 7, 90, false, DEFAULT_AUDIT_RETENTION_DAYS);

  /** These settings with the default audit retention. */
  public MonitoringConfig(
      boolean recordsEnabled, int retentionDays, int rollupRetentionDays, boolean accessLog) {
    this(
        recordsEnabled,
        retentionDays,
        rollupRetentionDays,
        accessLog,
        DEFAULT_AUDIT_RETENTION_DAYS);
  }

  static final List<String> FIELDS = List.of("records", "rollups", "accessLog", "audit");
  static final List<String> AUDIT_FIELDS = List.of("retentionDays");
  static final List<String> RECORDS_FIELDS = List.of("enabled", "retentionDays");
  static final List<String> ROLLUPS_FIELDS = List.of("retentionDays");

  /** Reads the section; the defaults for what it leaves out; a violation per wrong field. */
  static MonitoringConfig read(JsonNode node, List<Violation> out) {
    if (node == null) return DEFAULT;
    FieldReader r = FieldReader.open(node, "monitoring", out, FIELDS, "the monitoring section");
    if (r == null) return DEFAULT;
    boolean enabled = DEFAULT.recordsEnabled();
    int retention = DEFAULT.retentionDays();
    int rollupRetention = DEFAULT.rollupRetentionDays();
    JsonNode records = r.get("records");
    if (records != null) {
      FieldReader rr =
          FieldReader.open(
              records, "monitoring.records", out, RECORDS_FIELDS, "the records settings");
      if (rr != null) {
        Boolean given = rr.bool("enabled");
        enabled = given == null ? enabled : given;
        retention = days(rr, retention);
      }
    }
    JsonNode rollups = r.get("rollups");
    if (rollups != null) {
      FieldReader rr =
          FieldReader.open(
              rollups, "monitoring.rollups", out, ROLLUPS_FIELDS, "the rollups settings");
      if (rr != null) rollupRetention = days(rr, rollupRetention);
    }
    int auditRetention = DEFAULT.auditRetentionDays();
    JsonNode audit = r.get("audit");
    if (audit != null) {
      FieldReader ar =
          FieldReader.open(audit, "monitoring.audit", out, AUDIT_FIELDS, "the audit log settings");
      if (ar != null) auditRetention = days(ar, auditRetention);
    }
    Boolean accessLog = r.bool("accessLog");
    return new MonitoringConfig(
        enabled,
        retention,
        rollupRetention,
        accessLog == null ? DEFAULT.accessLog() : accessLog,
        auditRetention);
  }

  private static int days(FieldReader r, int fallback) {
    Integer days = r.wholeInt("retentionDays", "a whole number of days, at least 1");
    if (days == null) return fallback;
    if (days < 1) {
      r.wrong("retentionDays", "expected a whole number of days, at least 1; was " + days);
      return fallback;
    }
    return days;
  }
}
