package io.portcullis.store;

class JdbcTokenStorePostgresTest extends JdbcTokenStoreContract {
  @Override
  String freshDatabaseUrl() {
    return TestDatabases.postgres();
  }
}
