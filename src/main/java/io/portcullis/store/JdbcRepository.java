package io.portcullis.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.registry.Repository;
import io.portcullis.registry.Versioned;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A {@link Repository} on one table that holds each entity as a JSON document next to its key
 * column and any further columns (indexed or unique) derived from it.
 *
 * <p>{@link #save} is portable: it runs {@code UPDATE}, then {@code INSERT} when no row was
 * updated, in one transaction, behind a savepoint. When the database reports a unique violation the
 * savepoint is rolled back (the surrounding transaction stays usable, which PostgreSQL would not
 * allow otherwise) and the cause is found with queries instead of parsing driver messages: another
 * row holding a unique value becomes a {@link StoreConflictException}; a row with the same key
 * inserted concurrently between our {@code UPDATE} and {@code INSERT} turns the save into an
 * update. {@code MERGE} (H2) and {@code ON CONFLICT} (PostgreSQL) would need two dialects and would
 * not tell whether a row was inserted or replaced on H2.
 *
 * <p>Every save and delete first takes the registry's revision ({@link RegistryRevision}): the
 * write lock, and the version the saved row carries in {@code row_version}.
 *
 * <p>{@link #findAll} sorts in Java by {@link String#compareTo}, because the databases collate text
 * differently (PostgreSQL by the server's locale) and the order must be the same on both.
 *
 * @param <T> the entity
 */
public final class JdbcRepository<T> implements Repository<T> {
  private static final String UNIQUE_VIOLATION = "23505";

  /**
   * A column derived from the entity.
   *
   * @param name the column name
   * @param value the column's value for an entity; null is stored as SQL NULL
   * @param unique whether the table has a unique index on it (a clash becomes a {@link
   *     StoreConflictException})
   */
  public record Column<T>(String name, Function<T, String> value, boolean unique) {
    public Column {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * How entities map to a table. Table and column names are code, never input: they are put into
   * SQL text as they are.
   *
   * @param name the table
   * @param keyColumn the primary key column, which holds the repository key
   * @param key the repository key of an entity
   * @param type the entity's class, for reading documents
   * @param columns further columns derived from the entity, besides the key and {@code document}
   */
  public record Table<T>(
      String name,
      String keyColumn,
      Function<T, String> key,
      Class<T> type,
      List<Column<T>> columns) {
    public Table {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(keyColumn, "keyColumn");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(type, "type");
      columns = List.copyOf(columns);
    }
  }

  private final JdbcTransactions transactions;
  private final ObjectMapper json;
  private final Table<T> table;
  private final RegistryRevision revision;
  private final String selectOne;
  private final String selectAll;
  private final String update;
  private final String insert;
  private final String delete;

  JdbcRepository(
      JdbcTransactions transactions, ObjectMapper json, RegistryRevision revision, Table<T> table) {
    this.transactions = Objects.requireNonNull(transactions, "transactions");
    this.json = Objects.requireNonNull(json, "json");
    this.table = Objects.requireNonNull(table, "table");
    this.revision = Objects.requireNonNull(revision, "revision");
    String t = table.name();
    String k = table.keyColumn();
    List<String> extra = table.columns().stream().map(Column::name).toList();
    this.selectOne = "SELECT document, row_version FROM " + t + " WHERE " + k + " = ?";
    this.selectAll = "SELECT " + k + ", document FROM " + t;
    this.update =
        "UPDATE "
            + t
            + " SET "
            + extra.stream().map(c -> c + " = ?, ").collect(Collectors.joining())
            + "document = ?, row_version = ?, updated_at = CURRENT_TIMESTAMP WHERE "
            + k
            + " = ?";
    this.insert =
        "INSERT INTO "
            + t
            + " ("
            + k
            + ", "
            + extra.stream().map(c -> c + ", ").collect(Collectors.joining())
            + "document, row_version, updated_at) VALUES (?, "
            + "?, ".repeat(extra.size())
            + "?, ?, CURRENT_TIMESTAMP)";
    this.delete = "DELETE FROM " + t + " WHERE " + k + " = ?";
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreException when the query fails or a document cannot be read
   */
  @Override
  public List<T> findAll() {
    List<Map.Entry<String, String>> rows;
    try {
      rows =
          transactions.read(
              connection -> {
                List<Map.Entry<String, String>> found = new ArrayList<>();
                try (PreparedStatement statement = connection.prepareStatement(selectAll);
                    ResultSet rs = statement.executeQuery()) {
                  while (rs.next()) found.add(Map.entry(rs.getString(1), rs.getString(2)));
                }
                return found;
              });
    } catch (SQLException e) {
      throw failure("listing", null, e);
    }
    rows.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
    List<T> result = new ArrayList<>(rows.size());
    for (Map.Entry<String, String> row : rows) result.add(parse(row.getKey(), row.getValue()));
    return List.copyOf(result);
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreException when the query fails or the document cannot be read
   */
  @Override
  public Optional<T> find(String key) {
    return findVersioned(key).map(Versioned::value);
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreException when the query fails or the document cannot be read
   */
  @Override
  public Optional<Versioned<T>> findVersioned(String key) {
    Objects.requireNonNull(key, "key");
    Map.Entry<String, Long> row;
    try {
      row =
          transactions.read(
              connection -> {
                try (PreparedStatement statement = connection.prepareStatement(selectOne)) {
                  statement.setString(1, key);
                  try (ResultSet rs = statement.executeQuery()) {
                    return rs.next() ? Map.entry(rs.getString(1), rs.getLong(2)) : null;
                  }
                }
              });
    } catch (SQLException e) {
      throw failure("reading", key, e);
    }
    return row == null
        ? Optional.empty()
        : Optional.of(new Versioned<>(parse(key, row.getKey()), row.getValue()));
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when the entity's key is null
   * @throws StoreConflictException when another entry holds one of its unique values
   * @throws StoreException when a statement fails
   */
  @Override
  public boolean save(T entity) {
    Objects.requireNonNull(entity, "entity");
    String key = table.key().apply(entity);
    if (key == null) {
      throw new IllegalArgumentException(
          table.name() + ": the key (" + table.keyColumn() + ") must not be null");
    }
    List<String> values = table.columns().stream().map(c -> c.value().apply(entity)).toList();
    String document = write(key, entity);
    try {
      return transactions.write(
          connection -> upsert(connection, key, values, document, revision.forWrite(connection)));
    } catch (SQLException e) {
      throw failure("saving", key, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreException when the statement fails
   */
  @Override
  public boolean delete(String key) {
    Objects.requireNonNull(key, "key");
    try {
      return transactions.write(
          connection -> {
            revision.forWrite(connection);
            try (PreparedStatement statement = connection.prepareStatement(delete)) {
              statement.setString(1, key);
              return statement.executeUpdate() > 0;
            }
          });
    } catch (SQLException e) {
      throw failure("deleting", key, e);
    }
  }

  private boolean upsert(
      Connection connection, String key, List<String> values, String document, long version)
      throws SQLException {
    Savepoint before = connection.setSavepoint();
    try {
      boolean inserted =
          update(connection, key, values, document, version) == 0
              && insert(connection, key, values, document, version);
      connection.releaseSavepoint(before);
      return inserted;
    } catch (SQLException e) {
      // Back to the savepoint whatever failed, so that a surrounding transaction stays usable.
      rollback(connection, before, e);
      if (!isUniqueViolation(e)) throw e;
      Optional<StoreConflictException> conflict = findConflict(connection, key, values);
      if (conflict.isPresent()) throw conflict.get();
      if (update(connection, key, values, document, version) == 1) return false;
      throw e;
    }
  }

  private static void rollback(Connection connection, Savepoint savepoint, SQLException failure) {
    try {
      connection.rollback(savepoint);
    } catch (SQLException rollbackFailure) {
      failure.addSuppressed(rollbackFailure);
    }
  }

  private int update(
      Connection connection, String key, List<String> values, String document, long version)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(update)) {
      int i = 1;
      for (String value : values) statement.setString(i++, value);
      statement.setString(i++, document);
      statement.setLong(i++, version);
      statement.setString(i, key);
      return statement.executeUpdate();
    }
  }

  private boolean insert(
      Connection connection, String key, List<String> values, String document, long version)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(insert)) {
      int i = 1;
      statement.setString(i++, key);
      for (String value : values) statement.setString(i++, value);
      statement.setString(i++, document);
      statement.setLong(i, version);
      return statement.executeUpdate() == 1;
    }
  }

  private Optional<StoreConflictException> findConflict(
      Connection connection, String key, List<String> values) throws SQLException {
    List<Column<T>> columns = table.columns();
    for (int i = 0; i < columns.size(); i++) {
      Column<T> column = columns.get(i);
      String value = values.get(i);
      if (!column.unique() || value == null) continue;
      String sql =
          "SELECT "
              + table.keyColumn()
              + " FROM "
              + table.name()
              + " WHERE "
              + column.name()
              + " = ? AND "
              + table.keyColumn()
              + " <> ?";
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        statement.setString(1, value);
        statement.setString(2, key);
        try (ResultSet rs = statement.executeQuery()) {
          if (rs.next()) {
            return Optional.of(
                new StoreConflictException(
                    table.name(), column.name(), value, key, rs.getString(1)));
          }
        }
      }
    }
    return Optional.empty();
  }

  private static boolean isUniqueViolation(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) return true;
    }
    return false;
  }

  private String write(String key, T entity) {
    try {
      return json.writeValueAsString(entity);
    } catch (JsonProcessingException e) {
      throw new StoreException(
          table.name() + ": '" + key + "' cannot be written as JSON: " + e.getOriginalMessage(), e);
    }
  }

  private T parse(String key, String document) {
    try {
      return json.readValue(document, table.type());
    } catch (JsonProcessingException | IllegalArgumentException e) {
      String reason =
          e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new StoreException(
          table.name()
              + ": the document of '"
              + key
              + "' cannot be read as "
              + table.type().getSimpleName()
              + ": "
              + reason,
          e);
    }
  }

  private StoreException failure(String action, String key, SQLException e) {
    String what = key == null ? "" : " '" + key + "'";
    return new StoreException(
        table.name() + ": " + action + what + " failed: " + e.getMessage(), e);
  }
}
