package io.portcullis.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code ${NAME}}, {@code ${NAME:-default}} and {@code $${…}} references of a configuration
 * text, replaced by placeholders before the YAML is parsed and resolved after, inside the scalar
 * values where they ended up.
 *
 * <p>Why not substitute the text and then parse it: a value with a line break, a {@code #}, a
 * {@code :} or a {@code ]} would change the structure of the document (and an attacker who controls
 * an environment variable could add fields). A placeholder is one private-use character, a number
 * and another private-use character: a plain scalar anywhere, even inside {@code { … }}, on the
 * same line as the reference, so line numbers stay those of the file. References in comments vanish
 * with the comments.
 */
final class VariableReferences {
  static final char OPEN = '\uE000';
  static final char CLOSE = '\uE001';
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * One reference.
   *
   * @param line 1-based line of the reference in the file
   * @param name the variable, for a {@link Kind#VARIABLE}
   * @param fallback the text after {@code :-}, or null
   * @param text the reference as written; for a {@link Kind#LITERAL}, the text it stands for
   */
  record Reference(Kind kind, int line, String name, String fallback, String text) {}

  enum Kind {
    /** {@code ${NAME}} or {@code ${NAME:-default}}. */
    VARIABLE,
    /** {@code $${…}}: stands for {@code ${…}} as written. */
    LITERAL,
    /** {@code ${} with no closing brace on its line, or no valid name. */
    MALFORMED
  }

  /**
   * The result of resolving one scalar.
   *
   * @param text the scalar with every reference resolved (unset variables as empty text)
   * @param problems one message per reference that could not be resolved, with its line
   */
  record Resolved(String text, List<LineMessage> problems) {}

  record LineMessage(int line, String message) {}

  private final String text;
  private final List<Reference> references;
  private final List<LineMessage> problems;

  private VariableReferences(String text, List<Reference> references, List<LineMessage> problems) {
    this.text = text;
    this.references = references;
    this.problems = problems;
  }

  /** Finds every reference in the source and replaces it by a placeholder. */
  static VariableReferences scan(String source) {
    StringBuilder out = new StringBuilder(source.length());
    List<Reference> refs = new ArrayList<>();
    List<LineMessage> problems = new ArrayList<>();
    int line = 1;
    int i = 0;
    while (i < source.length()) {
      char c = source.charAt(i);
      if (c == OPEN || c == CLOSE) {
        problems.add(
            new LineMessage(
                line,
                String.format(
                    "the character U+%04X is reserved for variable references; remove it",
                    (int) c)));
        i++;
        continue;
      }
      // Line breaks as YAML counts them: LF, CRLF or a lone CR.
      if (c == '\n' || (c == '\r' && !source.startsWith("\n", i + 1))) line++;
      if (c == '$' && source.startsWith("$${", i)) {
        int end = closing(source, i + 3);
        String literal = end < 0 ? "${" : source.substring(i + 1, end + 1);
        i = end < 0 ? i + 3 : end + 1;
        placeholder(out, refs, new Reference(Kind.LITERAL, line, null, null, literal));
        continue;
      }
      if (c == '$' && source.startsWith("${", i)) {
        int end = closing(source, i + 2);
        if (end < 0) {
          placeholder(out, refs, new Reference(Kind.MALFORMED, line, null, null, "${"));
          i += 2;
          continue;
        }
        String inner = source.substring(i + 2, end);
        int dash = inner.indexOf(":-");
        String name = dash < 0 ? inner : inner.substring(0, dash);
        String fallback = dash < 0 ? null : inner.substring(dash + 2);
        Kind kind = NAME.matcher(name).matches() ? Kind.VARIABLE : Kind.MALFORMED;
        placeholder(
            out, refs, new Reference(kind, line, name, fallback, source.substring(i, end + 1)));
        i = end + 1;
        continue;
      }
      out.append(c);
      i++;
    }
    return new VariableReferences(out.toString(), List.copyOf(refs), List.copyOf(problems));
  }

  /** The closing brace on the same line, or -1. */
  private static int closing(String s, int from) {
    for (int j = from; j < s.length(); j++) {
      char c = s.charAt(j);
      if (c == '}') return j;
      if (c == '\n' || c == '\r') return -1;
    }
    return -1;
  }

  private static void placeholder(StringBuilder out, List<Reference> refs, Reference ref) {
    out.append(OPEN).append(refs.size()).append(CLOSE);
    refs.add(ref);
  }

  /** The text with placeholders, to be parsed. */
  String text() {
    return text;
  }

  /** Reserved characters found in the source. */
  List<LineMessage> problems() {
    return problems;
  }

  /** Whether the scalar contains a placeholder. */
  static boolean hasPlaceholder(String scalar) {
    return scalar.indexOf(OPEN) >= 0;
  }

  /** The single variable reference that is the whole scalar, or null. */
  Reference whole(String scalar) {
    if (scalar.length() < 3
        || scalar.charAt(0) != OPEN
        || scalar.indexOf(CLOSE) != scalar.length() - 1) return null;
    Reference ref = references.get(Integer.parseInt(scalar.substring(1, scalar.length() - 1)));
    return ref.kind() == Kind.VARIABLE ? ref : null;
  }

  /**
   * Replaces every placeholder of the scalar. A variable that is set (even to empty text) gives its
   * value; {@code ${NAME:-default}} gives the default when the variable is unset or empty, as in a
   * POSIX shell.
   */
  Resolved resolve(String scalar, Map<String, String> env) {
    StringBuilder out = new StringBuilder(scalar.length());
    List<LineMessage> unresolved = new ArrayList<>();
    int i = 0;
    while (i < scalar.length()) {
      int open = scalar.indexOf(OPEN, i);
      if (open < 0) {
        out.append(scalar, i, scalar.length());
        break;
      }
      int close = scalar.indexOf(CLOSE, open);
      out.append(scalar, i, open);
      Reference ref = references.get(Integer.parseInt(scalar.substring(open + 1, close)));
      switch (ref.kind()) {
        case LITERAL -> out.append(ref.text());
        case MALFORMED ->
            unresolved.add(
                new LineMessage(
                    ref.line(),
                    "malformed variable reference '"
                        + ref.text()
                        + "': expected ${NAME} or ${NAME:-default} on one line (write $${ for a"
                        + " literal ${)"));
        case VARIABLE -> {
          String value = env.get(ref.name());
          if (ref.fallback() != null && (value == null || value.isEmpty())) value = ref.fallback();
          if (value == null) {
            unresolved.add(
                new LineMessage(
                    ref.line(),
                    "environment variable "
                        + ref.name()
                        + " is not set (write ${"
                        + ref.name()
                        + ":-default} to give a default)"));
          } else {
            out.append(value);
          }
        }
      }
      i = close + 1;
    }
    return new Resolved(out.toString(), unresolved);
  }
}
