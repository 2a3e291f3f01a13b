package io.portcullis.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * {@link Instant}s in {@code TIMESTAMP WITH TIME ZONE} columns, the same way on H2 and PostgreSQL:
 * as {@link OffsetDateTime} in UTC (JDBC 4.2), truncated to microseconds, the precision both keep.
 */
final class SqlInstants {
  private SqlInstants() {}

  static void set(PreparedStatement statement, int index, Instant instant) throws SQLException {
    if (instant == null) {
      statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      statement.setObject(
          index, OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
    }
  }

  /** The column's instant, or null when it is SQL NULL. */
  static Instant get(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
