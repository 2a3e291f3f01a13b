package io.portcullis.store;

class JdbcTransactionRepositoryH2Test extends JdbcTransactionRepositoryContract {
  @Override
  String freshDatabaseUrl() {
    return TestDatabases.h2();
  }
}
