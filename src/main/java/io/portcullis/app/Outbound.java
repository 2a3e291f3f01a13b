package io.portcullis.app;

import io.portcullis.config.PortcullisConfig;
import io.portcullis.registry.OutboundPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The node's {@link OutboundPolicy}, from its configuration and where its files live. */
final class Outbound {
  private Outbound() {}

  /**
   * {@code gateway.outbound.allow}; the admin listener as a target nothing may call; files under
   * the configuration file's directory, the data directory and {@code files.allow} (relative to the
   * configuration file's directory).
   *
   * @param configFile the configuration file, or null when the node runs without one
   */
  static OutboundPolicy policy(PortcullisConfig config, Path configFile, Path dataDir) {
    Path base =
        configFile == null
            ? Path.of("").toAbsolutePath()
            : configFile.toAbsolutePath().normalize().getParent();
    List<Path> roots = new ArrayList<>();
    if (configFile != null) roots.add(base);
    roots.add(dataDir);
    config.outbound().files().forEach(dir -> roots.add(base.resolve(dir)));
    return new OutboundPolicy(
        config.outbound().allow(), List.of(config.admin().listen().toString()), roots);
  }
}
