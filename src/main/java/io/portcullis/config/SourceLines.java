package io.portcullis.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Where each field of a configuration file is: the line of every path ({@code apis[0].basePath}),
 * and the index paths that key paths stand for ({@code apis[petstore/v1]} is {@code apis[0]}), so
 * that violations found after parsing, by the validator or the control plane, can be located.
 */
final class SourceLines {
  private final Map<String, Integer> lines = new HashMap<>();
  private final Map<String, String> keyed = new HashMap<>();

  /** Records the line of a path; the first record of a path wins. */
  void put(String path, int line) {
    lines.putIfAbsent(path, line);
  }

  /** Records that the key path ({@code applications[photo-app]}) is the index path. */
  void alias(String keyPath, String indexPath) {
    keyed.putIfAbsent(keyPath, indexPath);
  }

  /**
   * The path with a leading key path ({@code applications[photo-app].apis[0]}) replaced by its
   * index path ({@code applications[0].apis[0]}); other paths as they are.
   */
  String translate(String path) {
    int close = path.indexOf(']');
    if (close < 0) return path;
    String indexPath = keyed.get(path.substring(0, close + 1));
    return indexPath == null ? path : indexPath + path.substring(close + 1);
  }

  /**
   * The line of the path, or of its nearest enclosing path that is in the file (a missing field is
   * reported on the line of its object); 0 when nothing is known.
   */
  int lineOf(String path) {
    String p = translate(path);
    while (true) {
      Integer line = lines.get(p);
      if (line != null) return line;
      if (p.isEmpty()) return 0;
      p = parent(p);
    }
  }

  static String parent(String path) {
    if (path.endsWith("]")) {
      int open = path.lastIndexOf('[');
      if (open >= 0) return path.substring(0, open);
    }
    int dot = path.lastIndexOf('.');
    return dot < 0 ? "" : path.substring(0, dot);
  }
}
