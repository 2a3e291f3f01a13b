package io.portcullis.store;

class JdbcTransactionRepositoryPostgresTest extends JdbcTransactionRepositoryContract {
  @Override
  String freshDatabaseUrl() {
    return TestDatabases.postgres();
  }
}
