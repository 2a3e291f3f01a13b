package io.portcullis.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class JdbcRegistryStoreH2FileTest extends JdbcRegistryStoreContract {
  @TempDir static Path directory;

  @Override
  String freshDatabaseUrl() {
    return TestDatabases.h2File(directory);
  }
}
