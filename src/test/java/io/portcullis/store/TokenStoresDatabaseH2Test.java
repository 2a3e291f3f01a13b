package io.portcullis.store;

class TokenStoresDatabaseH2Test extends TokenStoresDatabaseContract {
  @Override
  String freshDatabaseUrl() {
    return TestDatabases.h2();
  }
}
