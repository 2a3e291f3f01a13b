package io.portcullis.store;

class JdbcRegistryStorePostgresTest extends JdbcRegistryStoreContract {
  @Override
  String freshDatabaseUrl() {
    return TestDatabases.postgres();
  }
}
