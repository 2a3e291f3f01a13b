package io.portcullis.token.dpop;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.registry.AuthorizationServer.DpopSettings;
import io.portcullis.token.store.JtiReplayCache;
import io.portcullis.token.store.TokenHasher;
import io.portcullis.token.verify.ApplicationKeys;
import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Checks DPoP proofs (RFC 9449 §4.3): the JWT a client signs with its DPoP key for one HTTP
 * request. Pure computation (one signature check), safe on an event loop; whether the proof's
 * {@code jti} was seen before is {@link DpopReplay}'s question, asked after this one.
 *
 * <p>Checks, in order; the first that fails answers {@link #INVALID_DPOP_PROOF} (or {@link
 * #USE_DPOP_NONCE} for the nonce) with a description that names it:
 *
 * <ol>
 *   <li>exactly one {@code DPoP} header whose value is a signed JWT of at most {@link #MAX_LENGTH}
 *       characters;
 *   <li>header {@code typ} {@code dpop+jwt}; {@code alg} asymmetric ({@link
 *       ApplicationKeys#ALGORITHMS}: RS*, PS*, ES*, EdDSA; never {@code none} or HMAC); no {@code
 *       crit}; {@code jwk} a public key (a key with private parts is refused: the client has
 *       disclosed it);
 *   <li>the signature verifies with that {@code jwk};
 *   <li>claims: {@code jti} (1 to {@value JtiReplayCache#MAX_JTI_LENGTH} characters), {@code htm}
 *       the request's method, {@code htu} the request's URI without query and fragment (scheme and
 *       host compared without case, a default port ignored), {@code iat} within {@link
 *       DpopSettings#proofMaxAge} in the past and {@link DpopSettings#proofFutureSkew} in the
 *       future;
 *   <li>{@code ath}, when an access token comes with the proof: base64url(SHA-256(token));
 *   <li>{@code nonce}, when the server asks for one: a nonce it made that is still current.
 * </ol>
 */
public final class DpopProofs {
  /** The error of a refused proof (RFC 9449 §5, §7.1). */
  public static final String INVALID_DPOP_PROOF = "invalid_dpop_proof";

  /** The error asking the client to send the server's nonce (RFC 9449 §8, §9). */
  public static final String USE_DPOP_NONCE = "use_dpop_nonce";

  /** The request header that carries the proof. */
  public static final String HEADER = "DPoP";

  /** The response header that carries a fresh nonce. */
  public static final String NONCE_HEADER = "DPoP-Nonce";

  /** The JOSE {@code typ} of a proof. */
  public static final String TYPE = "dpop+jwt";

  /** The longest proof read; a proof with an RSA-4096 key is about 1.6 KB. */
  public static final int MAX_LENGTH = 8192;

  /** The algorithms a proof may be signed with, for the metadata. */
  public static final Set<JWSAlgorithm> ALGORITHMS = ApplicationKeys.ALGORITHMS;

  private static final DefaultJWSVerifierFactory VERIFIERS = new DefaultJWSVerifierFactory();

  /**
   * The request a proof must be made for.
   *
   * @param method the HTTP method ({@code htm})
   * @param uri the request's URI as the client addressed it ({@code htu}); its query and fragment
   *     are ignored
   * @param accessToken the access token sent with the proof, for {@code ath}; null at the token
   *     endpoint
   * @param nonces the server's nonces when it asks for one; null when it does not
   */
  public record Request(String method, String uri, String accessToken, DpopNonces nonces) {
    public Request {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(uri, "uri");
    }
  }

  /** What {@link #check} decided. */
  public sealed interface Result permits Valid, Invalid {}

  /**
   * The proof is valid for the request.
   *
   * @param jkt the RFC 7638 SHA-256 thumbprint of the proof's key (base64url)
   * @param jti the proof's {@code jti}
   * @param replayUntil until when the same proof would be accepted: its {@code iat} plus {@link
   *     DpopSettings#proofMaxAge}; its {@code jti} must be remembered that long
   */
  public record Valid(String jkt, String jti, Instant replayUntil) implements Result {}

  /**
   * The proof is refused.
   *
   * @param error {@link #INVALID_DPOP_PROOF} or {@link #USE_DPOP_NONCE}
   * @param description which check failed and what was expected; never the proof itself
   */
  public record Invalid(String error, String description) implements Result {
    /** Whether the client should retry with the nonce of the {@link #NONCE_HEADER} header. */
    public boolean asksForNonce() {
      return USE_DPOP_NONCE.equals(error);
    }
  }

  private DpopProofs() {}

  /**
   * Checks the {@code DPoP} headers of a request.
   *
   * @param headers every value of the request's {@code DPoP} header, in order
   * @param request the request the proof must be made for
   * @param settings the {@code iat} window
   * @param now the current time
   */
  public static Result check(
      List<String> headers, Request request, DpopSettings settings, Instant now) {
    if (headers == null || headers.isEmpty()) {
      return invalid("the request carries no DPoP header: send one DPoP proof");
    }
    if (headers.size() > 1) {
      return invalid("the request carries " + headers.size() + " DPoP headers; send exactly one");
    }
    return check(headers.get(0), request, settings, now);
  }

  private static Result check(String proof, Request request, DpopSettings settings, Instant now) {
    if (proof.length() > MAX_LENGTH) {
      return invalid("the DPoP proof is over " + MAX_LENGTH + " characters");
    }
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(proof.strip());
    } catch (ParseException e) {
      // nimbus refuses a header whose jwk is not public while parsing it.
      if (e.getMessage() != null && e.getMessage().contains("Non-public key in jwk")) {
        return privateKey();
      }
      return invalid("the DPoP header is not a signed JWT (header.payload.signature)");
    }
    JWSHeader header = jwt.getHeader();
    if (header.getType() == null || !TYPE.equalsIgnoreCase(header.getType().getType())) {
      return invalid(
          "the DPoP proof's typ must be "
              + TYPE
              + "; was "
              + (header.getType() == null ? "missing" : printable(header.getType().getType())));
    }
    JWSAlgorithm algorithm = header.getAlgorithm();
    if (!ALGORITHMS.contains(algorithm)) {
      return invalid(
          "the DPoP proof's alg must be an asymmetric algorithm (one of "
              + ALGORITHMS.stream().map(JWSAlgorithm::getName).sorted().toList()
              + "); was "
              + printable(algorithm.getName()));
    }
    if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
      return invalid("the DPoP proof's header names crit parameters, which are not supported");
    }
    JWK key = header.getJWK();
    if (key == null) {
      return invalid("the DPoP proof's header has no jwk: the public key must be in the header");
    }
    if (key.isPrivate()) return privateKey();
    if (!(key instanceof AsymmetricJWK) && !(key instanceof OctetKeyPair)) {
      return invalid("the DPoP proof's jwk must be an RSA, EC or OKP public key");
    }
    try {
      if (!jwt.verify(verifier(header, key))) {
        return invalid("the DPoP proof's signature does not verify with its jwk");
      }
    } catch (JOSEException | IllegalStateException e) {
      return invalid(
          "the DPoP proof's jwk (kty "
              + key.getKeyType()
              + ") cannot verify alg "
              + algorithm.getName());
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      return invalid("the DPoP proof's payload is not a JSON object of claims");
    }
    return checkClaims(claims, key, request, settings, now);
  }

  private static Result checkClaims(
      JWTClaimsSet claims, JWK key, Request request, DpopSettings settings, Instant now) {
    String jti;
    String htm;
    String htu;
    String ath;
    String nonce;
    try {
      jti = claims.getStringClaim("jti");
      htm = claims.getStringClaim("htm");
      htu = claims.getStringClaim("htu");
      ath = claims.getStringClaim("ath");
      nonce = claims.getStringClaim("nonce");
    } catch (ParseException e) {
      return invalid("the DPoP proof's jti, htm, htu, ath and nonce must be strings");
    }
    if (jti == null || jti.isEmpty() || jti.length() > JtiReplayCache.MAX_JTI_LENGTH) {
      return invalid(
          "the DPoP proof's jti must have 1 to " + JtiReplayCache.MAX_JTI_LENGTH + " characters");
    }
    if (!request.method().equals(htm)) {
      return invalid(
          "the DPoP proof's htm must be "
              + request.method()
              + " (this request's method); was "
              + (htm == null ? "missing" : printable(htm)));
    }
    String expected = normalize(request.uri());
    if (htu == null || !expected.equals(normalize(htu))) {
      return invalid(
          "the DPoP proof's htu must be "
              + expected
              + " (this request's URI without query and fragment); was "
              + (htu == null ? "missing" : printable(htu)));
    }
    if (claims.getIssueTime() == null) return invalid("the DPoP proof has no iat");
    Instant iat = claims.getIssueTime().toInstant();
    if (iat.isBefore(now.minusSeconds(settings.proofMaxAge()))) {
      return invalid(
          "the DPoP proof's iat is more than "
              + settings.proofMaxAge()
              + " s in the past; make a new proof for each request");
    }
    if (iat.isAfter(now.plusSeconds(settings.proofFutureSkew()))) {
      return invalid(
          "the DPoP proof's iat is more than "
              + settings.proofFutureSkew()
              + " s in the future; check the client's clock");
    }
    if (request.accessToken() != null) {
      if (ath == null) {
        return invalid("the DPoP proof has no ath: it must carry the access token's hash");
      }
      if (!TokenHasher.hash(request.accessToken()).equals(ath)) {
        return invalid(
            "the DPoP proof's ath is not base64url(SHA-256) of the access token sent with it");
      }
    }
    if (request.nonces() != null) {
      if (nonce == null) {
        return new Invalid(
            USE_DPOP_NONCE, "the authorization server requires a nonce in the DPoP proof");
      }
      if (!request.nonces().isCurrent(nonce, now)) {
        return new Invalid(
            USE_DPOP_NONCE, "the DPoP proof's nonce is not current; use the one in DPoP-Nonce");
      }
    }
    String jkt;
    try {
      jkt = key.computeThumbprint("SHA-256").toString();
    } catch (JOSEException e) {
      return invalid("the DPoP proof's jwk has no RFC 7638 thumbprint");
    }
    return new Valid(jkt, jti, iat.plusSeconds(settings.proofMaxAge()));
  }

  private static JWSVerifier verifier(JWSHeader header, JWK key) throws JOSEException {
    if (key instanceof OctetKeyPair okp) return new Ed25519Verifier(okp.toPublicJWK());
    return VERIFIERS.createJWSVerifier(header, ((AsymmetricJWK) key).toPublicKey());
  }

  /**
   * A URI as {@code htu} compares it (RFC 9449 §4.3 item 9, RFC 3986 §6.2.2 and §6.2.3): without
   * query and fragment, scheme and host in lower case, no default port, an empty path as {@code /};
   * the text itself when it is not an absolute URI.
   */
  static String normalize(String uri) {
    try {
      URI u = new URI(uri);
      if (u.getScheme() == null || u.getRawAuthority() == null) return uri;
      String scheme = u.getScheme().toLowerCase(Locale.ROOT);
      String host = u.getHost() == null ? u.getRawAuthority() : u.getHost();
      int port = u.getPort();
      boolean defaultPort =
          port == -1
              || (scheme.equals("https") && port == 443)
              || (scheme.equals("http") && port == 80);
      String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
      return scheme
          + "://"
          + host.toLowerCase(Locale.ROOT)
          + (defaultPort ? "" : ":" + port)
          + path;
    } catch (URISyntaxException e) {
      return uri;
    }
  }

  private static Invalid privateKey() {
    return invalid(
        "the DPoP proof's jwk contains private key parts; send the public key only (and make a"
            + " new key: this one is disclosed)");
  }

  private static Invalid invalid(String description) {
    return new Invalid(INVALID_DPOP_PROOF, description);
  }

  /** A client's value in a description: at most 100 printable ASCII characters. */
  private static String printable(String value) {
    StringBuilder out = new StringBuilder("'");
    for (int i = 0; i < value.length() && i < 100; i++) {
      char c = value.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    if (value.length() > 100) out.append('…');
    return out.append('\'').toString();
  }
}
