package io.portcullis.token.dpop;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import io.portcullis.registry.AuthorizationServer.DpopSettings;
import io.portcullis.token.store.JtiReplayCache;
import io.portcullis.token.store.TokenHasher;
import io.portcullis.token.verify.CompactJws;
import io.portcullis.token.verify.JwsSignatures;
import io.portcullis.token.verify.JwtCheck;
import io.portcullis.token.verify.JwtChecker;
import io.portcullis.token.verify.JwtRejection;
import io.portcullis.token.verify.Verification.Reason;
import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Checks DPoP proofs (RFC 9449 §4.3): the JWT a client signs with its DPoP key for one HTTP
 * request. Pure computation (one signature check), safe on an event loop; whether the proof's
 * {@code jti} was seen before is {@link DpopReplay}'s question, asked after this one.
 *
 * <p>A proof is a JWT like any other: {@link JwtChecker} checks it under the {@link
 * JwtCheck#dpopProof} configuration, with the key from the proof's own {@code jwk} header. This
 * class adds what only DPoP has. Checks, in order; the first that fails answers {@link
 * #INVALID_DPOP_PROOF} (or {@link #USE_DPOP_NONCE} for the nonce) with a description that names it:
 *
 * <ol>
 *   <li>exactly one {@code DPoP} header;
 *   <li>(checker) a signed JWT of at most {@link #MAX_LENGTH} characters; {@code alg} asymmetric
 *       ({@link #ALGORITHMS}: RS*, PS*, ES*, EdDSA; never {@code none} or HMAC); no {@code crit};
 *       claims {@code jti htm htu iat} present;
 *   <li>header {@code jwk} present, a public key (a key with private parts is refused: the client
 *       has disclosed it) that fits {@code alg};
 *   <li>(checker) the signature verifies with that {@code jwk};
 *   <li>(checker) {@code iat} within {@link DpopSettings#proofMaxAge} in the past and {@link
 *       DpopSettings#proofFutureSkew} in the future, {@code exp} and {@code nbf} when present;
 *       header {@code typ} {@code dpop+jwt};
 *   <li>claims: {@code jti} 1 to {@value JtiReplayCache#MAX_JTI_LENGTH} characters, {@code htm} the
 *       request's method, {@code htu} the request's URI without query and fragment (scheme and host
 *       compared without case, a default port ignored);
 *   <li>{@code ath}, when an access token comes with the proof: base64url(SHA-256(token));
 *   <li>{@code nonce}, when the server asks for one: a nonce it made that is still current;
 *   <li>the RFC 7638 thumbprint of the {@code jwk}, the {@code jkt} a token is bound to.
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
  public static final Set<JWSAlgorithm> ALGORITHMS = JwtCheck.SIGNATURE_ALGORITHMS;

  /**
   * The signature verifiers of proofs. Each proof brings its own key, so their cache (weak keys)
   * holds nothing past the proof.
   */
  private static final JwsSignatures SIGNATURES = new JwsSignatures();

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
    JwtCheck check =
        JwtCheck.dpopProof(
            MAX_LENGTH,
            Duration.ofSeconds(settings.proofMaxAge()),
            Duration.ofSeconds(settings.proofFutureSkew()));
    JwtChecker checker = new JwtChecker(Clock.fixed(now, ZoneOffset.UTC), SIGNATURES);
    CompactJws jws;
    try {
      jws = checker.parse(proof.strip(), check);
    } catch (JwtRejection rejected) {
      return parseRefused(rejected);
    }
    JWSHeader header = jws.header();
    JWK key = header.getJWK();
    try {
      checker.requireClaims(jws, check);
      if (key == null) {
        return invalid("the DPoP proof's header has no jwk: the public key must be in the header");
      }
      if (key.isPrivate()) return privateKey();
      List<JWK> candidates = JwsSignatures.select(header, new JWKSet(key), check.algorithms());
      if (candidates.isEmpty()) {
        return invalid(
            "the DPoP proof's jwk (kty "
                + key.getKeyType()
                + ") cannot verify alg "
                + header.getAlgorithm().getName());
      }
      checker.requireSignature(jws, candidates);
    } catch (JwtRejection rejected) {
      Reason reason = rejected.invalid().reason();
      return invalid(
          reason == Reason.SIGNATURE_INVALID
              ? "the DPoP proof's signature does not verify with its jwk"
              : "the " + rejected.getMessage());
    }
    try {
      checker.checkTimes(jws.claims(), check);
      checker.checkType(jws, check);
    } catch (JwtRejection rejected) {
      return invalid(claimsRefused(rejected, header, settings));
    }
    return checkClaims(jws.claims(), key, request, settings, now);
  }

  /** The refusal of an unparsable proof, in the words this class has always used. */
  private static Invalid parseRefused(JwtRejection rejected) {
    String description = rejected.getMessage();
    return switch (rejected.invalid().reason()) {
      case TOO_LARGE -> invalid("the DPoP proof is over " + MAX_LENGTH + " characters");
      case ALGORITHM_REJECTED ->
          invalid(
              "the DPoP proof's alg must be an asymmetric algorithm (one of "
                  + ALGORITHMS.stream().map(JWSAlgorithm::getName).sorted().toList()
                  + "); "
                  + description);
      case CRITICAL_HEADER_UNSUPPORTED ->
          invalid("the DPoP proof's header names crit parameters, which are not supported");
      default ->
          description.endsWith(CompactJws.PRIVATE_JWK)
              ? privateKey()
              : invalid(
                  "the DPoP header is not a signed JWT (header.payload.signature): " + description);
    };
  }

  /** The refusal of a proof's times or {@code typ}, in the words this class has always used. */
  private static String claimsRefused(
      JwtRejection rejected, JWSHeader header, DpopSettings settings) {
    String description = rejected.getMessage();
    return switch (rejected.invalid().reason()) {
      case TYPE_REJECTED ->
          "the DPoP proof's typ must be "
              + TYPE
              + "; was "
              + (header.getType() == null ? "missing" : printable(header.getType().getType()));
      case ISSUED_IN_FUTURE ->
          "the DPoP proof's iat is more than "
              + settings.proofFutureSkew()
              + " s in the future; check the client's clock";
      // The age bound (the checker's own words name the bound without the skew it adds).
      case EXPIRED ->
          description.endsWith("(iat)")
              ? "the DPoP proof's iat is more than "
                  + settings.proofMaxAge()
                  + " s in the past; make a new proof for each request"
              : "the " + description;
      default -> "the " + description;
    };
  }

  /** The rules only DPoP proofs have, once the checker accepted the proof as a JWT. */
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
    if (jti.isEmpty() || jti.length() > JtiReplayCache.MAX_JTI_LENGTH) {
      return invalid(
          "the DPoP proof's jti must have 1 to " + JtiReplayCache.MAX_JTI_LENGTH + " characters");
    }
    if (!request.method().equals(htm)) {
      return invalid(
          "the DPoP proof's htm must be "
              + request.method()
              + " (this request's method); was "
              + printable(htm));
    }
    String expected = normalize(request.uri());
    if (!expected.equals(normalize(htu))) {
      return invalid(
          "the DPoP proof's htu must be "
              + expected
              + " (this request's URI without query and fragment); was "
              + printable(htu));
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
    Instant iat = claims.getIssueTime().toInstant();
    return new Valid(jkt, jti, iat.plusSeconds(settings.proofMaxAge()));
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
