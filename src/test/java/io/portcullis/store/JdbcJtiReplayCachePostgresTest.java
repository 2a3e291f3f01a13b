package io.portcullis.store;

class JdbcJtiReplayCachePostgresTest extends JdbcJtiReplayCacheContract {
  @Override
  String freshDatabaseUrl() {
    return TestDatabases.postgres();
  }
}
