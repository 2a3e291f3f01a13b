package io.portcullis.config;

import io.portcullis.control.ValidationException;
import io.portcullis.control.Violation;

/**
 * A configuration read from a file, with where each of its fields is, so that problems found later
 * (when the control plane applies the content against the store) can still name the file and line.
 */
public final class LoadedConfig {
  private final PortcullisConfig config;
  private final String source;
  private final SourceLines lines;
  private final boolean declaresLocalServer;

  LoadedConfig(
      PortcullisConfig config, String source, SourceLines lines, boolean declaresLocalServer) {
    this.config = config;
    this.source = source;
    this.lines = lines;
    this.declaresLocalServer = declaresLocalServer;
  }

  public PortcullisConfig config() {
    return config;
  }

  /**
   * Whether the file has an {@code authorizationServers.local} section. When it has none, the
   * loader adds the default one to {@link PortcullisConfig#content()}, and that default must not
   * replace a {@code local} server already stored; a section the file has is applied as written,
   * even when it equals the defaults.
   */
  public boolean declaresLocalServer() {
    return declaresLocalServer;
  }

  /** The file name (or the name given for the text). */
  public String source() {
    return source;
  }

  /**
   * Locates a violation whose path is in the file's structure: {@code apis[0].basePath}, {@code
   * authorizationServers.local.issuer}, or a key path such as {@code
   * applications[photo-app].apis[0]} or {@code apis[petstore/v1].basePath}, which is reported with
   * the index path of that entity in the file. A path that is not in the file (an entity only the
   * store has, a default the loader added) gets the line of its nearest enclosing field.
   */
  public ConfigProblem locate(Violation violation) {
    String path = lines.translate(violation.path());
    return new ConfigProblem(source, lines.lineOf(path), path, violation.message());
  }

  /**
   * The problems of a {@link ValidationException} from {@code ControlPlane.apply(content)}, located
   * in this file: throw the result to report them as {@code FILE:LINE: path: message}, one per
   * line.
   */
  public ConfigException describe(ValidationException e) {
    return new ConfigException(e.violations().stream().map(this::locate).toList());
  }
}
