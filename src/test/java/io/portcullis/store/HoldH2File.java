package io.portcullis.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.TimeUnit;

/**
 * Another process that holds an H2 file database open, as a running node does. {@link #start} runs
 * {@link #main} in a new JVM: it opens the URL, prints {@code open}, and keeps the database open
 * until its standard input closes ({@link #close}).
 */
public final class HoldH2File implements AutoCloseable {
  private final Process process;

  private HoldH2File(Process process) {
    this.process = process;
  }

  /** Starts the other process and returns once it holds the database. */
  public static HoldH2File start(String url) throws IOException {
    Process process =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                HoldH2File.class.getName(),
                url)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    HoldH2File holder = new HoldH2File(process);
    String line = process.inputReader(StandardCharsets.UTF_8).readLine();
    if (!"open".equals(line)) {
      holder.close();
      throw new IOException("the holding process did not open " + url + "; it said " + line);
    }
    return holder;
  }

  @Override
  public void close() {
    try {
      process.getOutputStream().close();
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      // destroyed below either way
    } finally {
      process.destroy();
    }
  }

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
