package io.portcullis.store;

class JdbcRegistryStoreH2MemoryTest extends JdbcRegistryStoreContract {
  @Override
  String freshDatabaseUrl() {
    return TestDatabases.h2();
  }
}
