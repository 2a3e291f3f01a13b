package io.portcullis.registry;

/**
 * Whether an API accepts access tokens that are not bound to their sender ({@code
 * identifyAndAuthorize.senderConstraint}). A bound token (DPoP, RFC 9449; or a client certificate,
 * RFC 8705) is accepted only with its proof whatever this says.
 */
public enum SenderConstraint {
  /** Bearer tokens and bound tokens alike (the default). */
  ALLOWED,
  /** Only sender-constrained tokens: an unbound (bearer) token is refused with 401. */
  REQUIRED
}
