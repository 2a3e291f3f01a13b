package io.portcullis.web;

import java.util.List;

/**
 * One input of a generic entity form, named by the JSON path of the field it edits (such as {@code
 * identifyAndAuthorize.methods}), so that a validation error naming that path lands next to it.
 *
 * @param path the dotted JSON path, also the form field's name
 * @param label the visible label
 * @param input how it is entered
 * @param help a hint under the input; may be empty
 * @param choices the allowed values of {@link Input#CHOICE} and {@link Input#CHOICES}
 */
public record FormField(String path, String label, Input input, String help, List<String> choices) {
  /** How a value is entered and how it maps to JSON. */
  public enum Input {
    /** One line of text; empty means absent. */
    TEXT,
    /** A secret that is never shown again; empty keeps the stored one. */
    PASSWORD,
    /** A whole number; empty means absent. */
    NUMBER,
    /** A checkbox: JSON true or false. */
    CHECKBOX,
    /** One of {@code choices}; empty means absent. */
    CHOICE,
    /** Any of {@code choices}, as a JSON list. */
    CHOICES,
    /** A text area, one item a line: a JSON list. */
    LINES,
    /** Words separated by spaces or commas: a JSON list. */
    WORDS,
    /** A text area of {@code key=value} lines: a JSON object of strings. */
    MAP,
    /** A text area, one claim set a line ({@code sub=photo-app, aud=x}): a list of claim sets. */
    CLAIM_SETS,
    /** A text area holding a JSON value. */
    JSON,
    /** A multi-line text kept as one string (such as PEM). */
    TEXTAREA
  }

  public FormField {
    choices = choices == null ? List.of() : List.copyOf(choices);
    help = help == null ? "" : help;
  }

  /** A field without choices. */
  public static FormField of(String path, String label, Input input, String help) {
    return new FormField(path, label, input, help, List.of());
  }

  /** The form field's HTML id. */
  public String id() {
    return "f-" + path.replace('.', '-');
  }
}
