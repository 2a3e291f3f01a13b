package io.portcullis.token.verify;

import io.vertx.core.Future;

/** Decides whether a bearer JWT was issued by a trusted authorization server and is valid now. */
public interface TokenVerifier {

  /**
   * Verifies a compact JWS-serialised JWT.
   *
   * <p>Never blocks the calling thread, which may be a Vert.x event loop: when the answer needs the
   * issuer's keys fetched first (first use, unknown {@code kid}), the future completes after the
   * fetch, on the caller's Vert.x context when there is one.
   *
   * @param compactJwt the token as sent by the client, without the {@code Bearer} prefix; null is
   *     answered as malformed
   * @return a future that always succeeds, with {@link Verification.Verified} or {@link
   *     Verification.Invalid} naming the failed check; it fails only on a bug
   */
  Future<Verification> verify(String compactJwt);
}
