package io.portcullis.store;

class JdbcJtiReplayCacheH2Test extends JdbcJtiReplayCacheContract {
  @Override
  String freshDatabaseUrl() {
    return TestDatabases.h2();
  }
}
