package io.portcullis.registry;

/** The kind of API behind a base path; it decides the shape of error answers. */
public enum ApiType {
  /** Errors are {@code application/problem+json} (RFC 9457). */
  REST,
  /** Errors are SOAP Faults, 1.1 or 1.2 as the request was. */
  SOAP
}
