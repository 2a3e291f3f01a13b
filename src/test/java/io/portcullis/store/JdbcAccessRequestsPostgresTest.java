package io.portcullis.store;

class JdbcAccessRequestsPostgresTest extends JdbcAccessRequestsContract {
  @Override
  String freshDatabaseUrl() {
    return TestDatabases.postgres();
  }
}
