package io.portcullis.config;

import java.nio.file.Path;
import java.util.List;

/**
 * What the gateway may reach beyond its defaults: {@code gateway.outbound.allow} and {@code
 * files.allow}.
 *
 * @param allow CIDR blocks and {@code host:port} entries that upstreams and JWKS URIs may reach
 *     even where they would be refused (link-local and metadata addresses, the admin listener)
 * @param files directories (besides the configuration file's and the data directory) under which
 *     {@code certificates} may name files; relative ones are relative to the configuration file
 */
public record OutboundConfig(List<String> allow, List<Path> files) {
  public static final OutboundConfig DEFAULT = new OutboundConfig(List.of(), List.of());

  public OutboundConfig {
    allow = allow == null ? List.of() : List.copyOf(allow);
    files = files == null ? List.of() : List.copyOf(files);
  }
}
