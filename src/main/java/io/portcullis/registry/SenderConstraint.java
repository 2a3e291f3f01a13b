package io.portcullis.registry;

/**
 * Whether an API accepts access tokens that are not sender-constrained ({@code
 * identifyAndAuthorize.senderConstraint}). A bound token (RFC 8705 {@code cnf.x5t#S256}, RFC 9449
 * {@code cnf.jkt}) is accepted only with its proof whatever this says.
 */
public enum SenderConstraint {
  /** Bound and unbound tokens are accepted (the default). */
  ALLOWED,
  /** Only bound tokens are accepted, each with its proof; an unbound token is refused with 401. */
  REQUIRED
}
