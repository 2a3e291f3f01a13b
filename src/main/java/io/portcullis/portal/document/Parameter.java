package io.portcullis.portal.document;

import java.util.Objects;

/**
 * One parameter of an OpenAPI operation.
 *
 * @param name the parameter's name
 * @param in where it goes: {@code path}, {@code query}, {@code header} or {@code cookie}
 * @param required whether the operation requires it (always true for a path parameter)
 * @param type its schema's {@code type} ({@code string}, {@code integer}, {@code array}, …); {@code
 *     string} when the schema names none
 * @param description its {@code description}, empty when none
 */
public record Parameter(String name, String in, boolean required, String type, String description) {
  public Parameter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(description, "description");
  }
}
