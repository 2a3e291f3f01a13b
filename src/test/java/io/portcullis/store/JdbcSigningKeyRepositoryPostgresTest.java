package io.portcullis.store;

class JdbcSigningKeyRepositoryPostgresTest extends JdbcSigningKeyRepositoryContract {
  @Override
  String freshDatabaseUrl() {
    return TestDatabases.postgres();
  }
}
