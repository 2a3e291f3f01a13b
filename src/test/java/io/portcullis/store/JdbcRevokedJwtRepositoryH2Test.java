package io.portcullis.store;

class JdbcRevokedJwtRepositoryH2Test extends JdbcRevokedJwtRepositoryContract {
  @Override
  String freshDatabaseUrl() {
    return TestDatabases.h2();
  }
}
