package io.portcullis.token.verify;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import io.portcullis.registry.OutboundPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * Fetches a JWKS document over HTTP(S) with nimbus's {@link DefaultResourceRetriever}: connect and
 * read timeouts, a size cap, 2xx required.
 */
final class RemoteJwks implements KeySetLoader {
  private final URL url;
  private final DefaultResourceRetriever retriever;
  private final OutboundPolicy outbound;

  RemoteJwks(String jwksUri, VerifierSettings settings) {
    this(jwksUri, settings, OutboundPolicy.DEFAULT);
  }

  /**
   * @param jwksUri an absolute http or https URI; other schemes (file:, jar: ...) are refused so
   *     that a configured URI can never read local files
   * @param outbound where a fetch may go: the host is resolved and its addresses checked right
   *     before each fetch (link-local and metadata addresses, this node's admin listener)
   * @throws IllegalArgumentException when the URI is not an absolute http(s) URI
   */
  RemoteJwks(String jwksUri, VerifierSettings settings, OutboundPolicy outbound) {
    this.outbound = outbound;
    this.url = httpUrl(jwksUri);
    this.retriever =
        new DefaultResourceRetriever(
            Math.toIntExact(settings.connectTimeout().toMillis()),
            Math.toIntExact(settings.readTimeout().toMillis()),
            settings.maxJwksBytes());
  }

  private static URL httpUrl(String jwksUri) {
    try {
      URI uri = new URI(jwksUri);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
        throw new IllegalArgumentException("jwksUri must be an absolute http or https URI");
      }
      return uri.toURL();
    } catch (java.net.URISyntaxException | java.net.MalformedURLException e) {
      throw new IllegalArgumentException("jwksUri is not a valid URI: " + e.getMessage(), e);
    }
  }

  @Override
  public JWKSet load() throws IOException, ParseException {
    try {
      Optional<String> refused = outbound.checkResolved(url.toURI());
      if (refused.isPresent()) throw new IOException("not fetched: " + refused.get());
    } catch (java.net.URISyntaxException e) {
      throw new IOException("jwksUri is not a valid URI: " + e.getMessage(), e);
    }
    return JWKSet.parse(retriever.retrieveResource(url).getContent());
  }

  @Override
  public String toString() {
    return url.toString();
  }
}
