package io.portcullis;

import io.portcullis.app.ExportCommand;
import io.portcullis.app.KeysCommand;
import io.portcullis.app.ServeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line: {@code serve}, {@code export}, {@code version}. */
@Command(
    name = "portcullis",
    mixinStandardHelpOptions = true,
    versionProvider = Portcullis.Version.class,
    description = "API gateway with JWT and OAuth 2.0 token security.",
    subcommands = {
      ServeCommand.class,
      ExportCommand.class,
      KeysCommand.class,
      Portcullis.VersionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Portcullis implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Portcullis()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** The version from the jar's manifest, or "development" when run from classes. */
  public static String version() {
    String v = Portcullis.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"portcullis " + version(), "java " + Runtime.version()};
    }
  }

  @Command(name = "version", description = "Print the version.")
  static final class VersionCommand implements Runnable {
    @Override
    public void run() {
      System.out.println("portcullis " + version() + " (java " + Runtime.version() + ")");
    }
  }
}
