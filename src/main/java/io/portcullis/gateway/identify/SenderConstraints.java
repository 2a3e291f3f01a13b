package io.portcullis.gateway.identify;

import io.portcullis.gateway.RequestContext;
import io.portcullis.gateway.identify.Identification.Rejected;
import io.portcullis.http.ClientCertificates;
import io.portcullis.registry.SenderConstraint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Map;

/**
 * The certificate binding of an access token on the data plane (RFC 8705 §3) and the API's {@code
 * identifyAndAuthorize.senderConstraint}, checked by {@link JwtIdentifier} and {@link
 * OpaqueTokenIdentifier} once a token is otherwise valid, on every request (never cached with the
 * token's verification):
 *
 * <ul>
 *   <li>a token with {@code cnf.x5t#S256} is accepted only over a TLS connection whose client
 *       certificate has that SHA-256 thumbprint;
 *   <li>under {@link SenderConstraint#REQUIRED}, a token bound neither so nor to a DPoP key ({@code
 *       cnf.jkt}, whose proof {@code DpopBinding} checks) is refused.
 * </ul>
 *
 * Each refusal is 401 {@code invalid_token} with a description that says which. Reads the TLS
 * session and hashes one certificate: never blocks.
 */
final class SenderConstraints {
  static final String NO_CERTIFICATE =
      "the access token is bound to a client certificate (cnf.x5t#S256); send it over TLS with"
          + " that certificate: this connection presented none";
  static final String OTHER_CERTIFICATE =
      "the access token is bound to another client certificate: cnf.x5t#S256 is not the"
          + " thumbprint of the certificate this connection presented";
  static final String MALFORMED = "the access token's cnf.x5t#S256 is not a string";

  private SenderConstraints() {}

  /**
   * @param confirmation the token's {@code cnf} members; null or empty for a bearer token
   * @return null when the token may be used on this request, else the refusal
   */
  static Rejected check(RequestContext ctx, Map<?, ?> confirmation) {
    Object bound = confirmation == null ? null : confirmation.get(ClientCertificates.X5T_S256);
    if (bound == null) {
      // A DPoP-bound token (cnf.jkt) is sender-constrained too; DpopBinding checks its proof.
      boolean dpopBound = confirmation != null && confirmation.get("jkt") != null;
      if (!dpopBound
          && ctx.api() != null
          && ctx.api().identifyAndAuthorize().senderConstraint() == SenderConstraint.REQUIRED) {
        return required(ctx);
      }
      return null;
    }
    if (!(bound instanceof String thumbprint)) return refused(MALFORMED);
    X509Certificate certificate = ClientCertificates.leaf(ctx.request());
    if (certificate == null) return refused(NO_CERTIFICATE);
    boolean same =
        MessageDigest.isEqual(
            thumbprint.getBytes(StandardCharsets.US_ASCII),
            ClientCertificates.thumbprint(certificate).getBytes(StandardCharsets.US_ASCII));
    return same ? null : refused(OTHER_CERTIFICATE);
  }

  /**
   * The refusal of an unbound token where the API requires a bound one, as {@link DpopBinding} says
   * it: with a {@code DPoP} challenge (RFC 9449 §7.1), which tells the client how to get one.
   */
  static Rejected required(RequestContext ctx) {
    return Rejected.dpop(
        "invalid_token",
        "API "
            + ctx.api().key()
            + " requires a sender-constrained token (identifyAndAuthorize.senderConstraint:"
            + " required); this one is a bearer token: get a DPoP-bound token, or one bound to a"
            + " client certificate (cnf.x5t#S256)",
        null);
  }

  private static Rejected refused(String description) {
    return new Rejected(401, "invalid_token", description);
  }
}
