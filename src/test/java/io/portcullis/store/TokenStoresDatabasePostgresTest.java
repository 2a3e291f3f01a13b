package io.portcullis.store;

class TokenStoresDatabasePostgresTest extends TokenStoresDatabaseContract {
  @Override
  String freshDatabaseUrl() {
    return TestDatabases.postgres();
  }
}
