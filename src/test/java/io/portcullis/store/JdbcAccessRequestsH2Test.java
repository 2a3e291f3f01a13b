package io.portcullis.store;

class JdbcAccessRequestsH2Test extends JdbcAccessRequestsContract {
  @Override
  String freshDatabaseUrl() {
    return TestDatabases.h2();
  }
}
