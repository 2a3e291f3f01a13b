package io.portcullis.store;

class JdbcTokenStoreH2Test extends JdbcTokenStoreContract {
  @Override
  String freshDatabaseUrl() {
    return TestDatabases.h2();
  }
}
