package io.portcullis.store;

import java.sql.Connection;
import java.sql.DriverManager;

/**
 * Another process that holds an H2 file database open, as a running node does: opens the URL given
 * as the only argument, prints {@code open}, and keeps it open until its standard input closes.
 */
public final class HoldH2File {
  private HoldH2File() {}

  public static void main(String[] args) throws Exception {
    try (Connection connection = DriverManager.getConnection(args[0] + ";AUTO_SERVER=FALSE")) {
      connection.createStatement().execute("CREATE TABLE IF NOT EXISTS held (id INT)");
      System.out.println("open");
      System.out.flush();
      while (System.in.read() != -1) {
        // hold the database until the test closes our input
      }
    }
  }
}
