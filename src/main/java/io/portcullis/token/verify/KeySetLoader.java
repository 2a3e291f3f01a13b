package io.portcullis.token.verify;

import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.text.ParseException;

/** Reads an issuer's keys from where the configuration says they are. */
@FunctionalInterface
interface KeySetLoader {

  /**
   * Loads the keys. Blocks (network or file I/O): call it only on a worker thread, never on an
   * event loop.
   *
   * @return the keys as published, not yet checked against the {@link KeySetPolicy}
   * @throws IOException when the source cannot be read (connection refused, timeout, HTTP status
   *     other than 2xx, size limit exceeded, missing file)
   * @throws ParseException when the content is not a JWKS or PEM the loader understands; the
   *     message names what is wrong but never contains key material
   */
  JWKSet load() throws IOException, ParseException;
}
