package io.portcullis.portal.document;

import java.util.List;
import java.util.Objects;

/**
 * One operation of an API's document, as the Try API console offers it. Absent texts are empty
 * strings, never null.
 *
 * @param method the HTTP method in upper case ({@code GET}, {@code POST}, …); {@code POST} for a
 *     SOAP operation
 * @param path the path template relative to the API's base path, such as {@code /pets/{petId}};
 *     empty for a SOAP operation, which is sent to the API's base path itself
 * @param summary the operation's {@code summary} (else its {@code operationId}, else the first line
 *     of its {@code description}); a SOAP operation's name
 * @param parameters path, query, header and cookie parameters (path-level ones merged with the
 *     operation's, which override by name and location); none for a SOAP operation
 * @param requestBodyExample an example body for the request: the document's own {@code example} or
 *     first of its {@code examples}, else one generated from the schema of a JSON media type
 *     (bounded in size and depth); empty when the operation takes no body or none could be made
 * @param soapAction the SOAP operation's {@code soapAction} (may be empty); empty for OpenAPI
 * @param soapEnvelope a SOAP envelope skeleton for the operation's input (SOAP 1.1 or 1.2 envelope
 *     namespace following the binding, one sample value per leaf element); empty for OpenAPI
 */
public record Resource(
    String method,
    String path,
    String summary,
    List<Parameter> parameters,
    String requestBodyExample,
    String soapAction,
    String soapEnvelope) {
  public Resource {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(summary, "summary");
    parameters = List.copyOf(parameters);
    Objects.requireNonNull(requestBodyExample, "requestBodyExample");
    Objects.requireNonNull(soapAction, "soapAction");
    Objects.requireNonNull(soapEnvelope, "soapEnvelope");
  }

  /** True for an operation read from a WSDL. */
  public boolean soap() {
    return !soapEnvelope.isEmpty();
  }
}
