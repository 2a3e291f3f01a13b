package io.portcullis.http;

/**
 * One error answer, independent of its wire format: {@link ErrorResponder} writes it as a problem
 * or as a SOAP Fault.
 *
 * @param status the HTTP status code (4xx or 5xx)
 * @param errorCode the RFC 6750 / RFC 6749 error code ({@code invalid_request}, {@code
 *     invalid_token}, {@code insufficient_scope} …), or null when none applies
 * @param title a short summary; the status' reason phrase when null
 * @param detail what went wrong, naming the header, field or claim and what was expected
 */
public record HttpError(int status, String errorCode, String title, String detail) {

  public HttpError {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("error status must be 400..599, was " + status);
    }
    title = title == null ? Problem.reasonPhrase(status) : title;
  }

  /** An error without an error code, titled with the status' reason phrase. */
  public static HttpError of(int status, String detail) {
    return new HttpError(status, null, null, detail);
  }

  /** An error with an RFC 6750 error code, titled with the status' reason phrase. */
  public static HttpError of(int status, String errorCode, String detail) {
    return new HttpError(status, errorCode, null, detail);
  }

  /** Whether the fault lies with the client (4xx) rather than with the server or upstream. */
  public boolean clientFault() {
    return status < 500;
  }
}
