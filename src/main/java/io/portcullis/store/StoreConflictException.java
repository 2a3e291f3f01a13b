package io.portcullis.store;

/**
 * A save was refused because another entry of the same table already holds a value that must be
 * unique (for example an application's {@code client_id}). Nothing of that save was written.
 */
public final class StoreConflictException extends StoreException {
  private static final long serialVersionUID = 1L;

  private final String table;
  private final String column;
  private final String value;
  private final String key;
  private final String conflictingKey;

  /**
   * @param table the table, e.g. {@code applications}
   * @param column the unique column, e.g. {@code client_id}
   * @param value the value that is already taken
   * @param key the key of the entity that was being saved
   * @param conflictingKey the key of the entry that holds the value
   */
  public StoreConflictException(
      String table, String column, String value, String key, String conflictingKey) {
    super(
        table
            + ": "
            + column
            + " '"
            + value
            + "' of '"
            + key
            + "' is already used by '"
            + conflictingKey
            + "'");
    this.table = table;
    this.column = column;
    this.value = value;
    this.key = key;
    this.conflictingKey = conflictingKey;
  }

  public String table() {
    return table;
  }

  public String column() {
    return column;
  }

  public String value() {
    return value;
  }

  public String key() {
    return key;
  }

  public String conflictingKey() {
    return conflictingKey;
  }
}
