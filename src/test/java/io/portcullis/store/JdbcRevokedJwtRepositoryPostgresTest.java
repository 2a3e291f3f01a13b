package io.portcullis.store;

class JdbcRevokedJwtRepositoryPostgresTest extends JdbcRevokedJwtRepositoryContract {
  @Override
  String freshDatabaseUrl() {
    return TestDatabases.postgres();
  }
}
