package io.portcullis.registry;

/** A way a consumer may identify itself to an API under the Identify &amp; Authorize policy. */
public enum IdentificationMethod {
  /** A signed JWT from a trusted authorization server, as a bearer token. */
  JWT,
  /** An opaque OAuth 2.0 access token issued by the gateway, as a bearer token. */
  OAUTH2_TOKEN,
  /** An API key (reserved; no identifier implements it yet, so requiring it fails closed). */
  API_KEY
}
