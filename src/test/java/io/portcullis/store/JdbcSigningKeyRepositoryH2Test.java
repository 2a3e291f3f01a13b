package io.portcullis.store;

class JdbcSigningKeyRepositoryH2Test extends JdbcSigningKeyRepositoryContract {
  @Override
  String freshDatabaseUrl() {
    return TestDatabases.h2();
  }
}
