package io.portcullis.token.verify;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.util.DateUtils;
import io.portcullis.token.verify.JwtCheck.LifetimeBound;
import io.portcullis.token.verify.JwtCheck.Times;
import io.portcullis.token.verify.Verification.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one checker of every JWT Portcullis receives, configured per kind by a {@link JwtCheck}. A
 * role composes its steps in this order, with its own key source between the second and the third,
 * and its own rules (audience, who may sign, replay) where they belong:
 *
 * <ol>
 *   <li>{@link #parse}: size, shape, header, algorithm, claims parsed but not trusted ({@link
 *       CompactJws#parse}).
 *   <li>{@link #requireClaims}: the claims the kind requires, before any key is looked at.
 *   <li>(the role selects candidate keys: {@link JwsSignatures#select} over its key source)
 *   <li>{@link #requireSignature}: one of the candidates verifies the signature. Nothing of the JWT
 *       is trusted before.
 *   <li>{@link #checkTimes}: {@code exp}, {@code nbf}, {@code iat}, lifetime and age, with the
 *       clock skew.
 *   <li>{@link #checkType}: header {@code typ}, and no OpenID Connect ID token where refused.
 * </ol>
 *
 * Each step throws a {@link JwtRejection} naming the check that failed; descriptions never contain
 * a key or unprintable parts of the JWT, and quote its values only when {@link JwtCheck#echo()}.
 * Thread-safe; no step blocks.
 */
public final class JwtChecker {
  private static final Set<String> ID_TOKEN_CLAIMS = Set.of("nonce", "at_hash", "c_hash");

  private final Clock clock;
  private final JwsSignatures signatures;

  /**
   * @param clock every time check
   * @param signatures the signature verifiers (with their cache)
   */
  public JwtChecker(Clock clock, JwsSignatures signatures) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.signatures = Objects.requireNonNull(signatures, "signatures");
  }

  /** Step 1; see {@link CompactJws#parse}. */
  public CompactJws parse(String token, JwtCheck check) throws JwtRejection {
    return CompactJws.parse(token, check);
  }

  /** Step 2: every claim of {@link JwtCheck#requiredClaims()} is present. */
  public void requireClaims(CompactJws jws, JwtCheck check) throws JwtRejection {
    for (String claim : check.requiredClaims()) {
      if (jws.claims().getClaim(claim) == null) {
        Reason reason =
            switch (claim) {
              case "iss" -> Reason.ISSUER_MISSING;
              case "exp" -> Reason.EXPIRATION_MISSING;
              default -> Reason.MALFORMED;
            };
        throw new JwtRejection(
            reason,
            check.noun()
                + " has no "
                + claim
                + " claim"
                + (check.requiredBy() != null ? " (" + check.requiredBy() + ")" : ""));
      }
    }
  }

  /**
   * Step 4: one of {@code candidates} verifies the signature ({@code SIGNATURE_INVALID} when none
   * does). The role refuses an empty list itself, naming whose keys it searched.
   */
  public void requireSignature(CompactJws jws, List<JWK> candidates) throws JwtRejection {
    if (!signatures.verify(jws, candidates)) {
      throw new JwtRejection(Reason.SIGNATURE_INVALID, "signature invalid");
    }
  }

  /**
   * Step 5: the {@link JwtCheck#times()} rules against the clock: {@code exp} present when required
   * ({@code EXPIRATION_MISSING}) and not past ({@code EXPIRED}); {@code nbf} not in the future
   * ({@code NOT_YET_VALID}); {@code iat} not in the future ({@code ISSUED_IN_FUTURE}) and, with a
   * {@link Times#maxAge()}, not older than that ({@code EXPIRED}); the lifetime bound ({@code
   * LIFETIME_EXCEEDED}). Past and future are judged as nimbus's {@code DefaultJWTClaimsVerifier}
   * does, with the skew.
   */
  public void checkTimes(JWTClaimsSet claims, JwtCheck check) throws JwtRejection {
    Times times = check.times();
    String noun = check.noun();
    boolean echo = check.echo();
    long skew = times.clockSkew().toSeconds();
    Instant nowInstant = clock.instant();
    Date now = Date.from(nowInstant);
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      if (times.expRequired()) {
        throw new JwtRejection(Reason.EXPIRATION_MISSING, "claim exp is missing");
      }
    } else if (!DateUtils.isAfter(exp, now, skew)) {
      throw new JwtRejection(
          Reason.EXPIRED,
          echo ? noun + " expired at " + exp.toInstant() + " (exp)" : noun + " expired");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && !DateUtils.isBefore(nbf, now, skew)) {
      throw new JwtRejection(
          Reason.NOT_YET_VALID,
          echo
              ? noun + " is not valid before " + nbf.toInstant() + " (nbf)"
              : noun + " is not valid yet (nbf)");
    }
    Date iat = claims.getIssueTime();
    if (iat != null && !DateUtils.isBefore(iat, now, skew)) {
      throw new JwtRejection(
          Reason.ISSUED_IN_FUTURE,
          echo
              ? noun + " iat " + iat.toInstant() + " is in the future"
              : "claim iat is in the future");
    }
    if (iat != null && times.maxAge() != null) {
      Duration age = Duration.between(iat.toInstant(), nowInstant);
      if (age.compareTo(times.maxAge().plus(times.clockSkew())) > 0) {
        throw new JwtRejection(
            Reason.EXPIRED,
            noun + " was issued more than " + times.maxAge().toSeconds() + " s ago (iat)");
      }
    }
    if (exp != null && times.maxLifetime() != null) {
      checkLifetime(exp.toInstant(), iat == null ? null : iat.toInstant(), nowInstant, check);
    }
  }

  private static void checkLifetime(Instant exp, Instant iat, Instant now, JwtCheck check)
      throws JwtRejection {
    Times times = check.times();
    boolean withSkew = times.lifetimeBound() == LifetimeBound.FROM_ISSUE_AND_NOW_WITH_SKEW;
    Duration max = times.maxLifetime();
    Duration bound = withSkew ? max.plus(times.clockSkew()) : max;
    String setting = times.lifetimeSetting() != null ? " (" + times.lifetimeSetting() + ")" : "";
    String exceeded =
        check.noun() + " lifetime exceeds the maximum of " + max.toSeconds() + " s" + setting;
    if ((withSkew || iat == null) && Duration.between(now, exp).compareTo(bound) > 0) {
      throw new JwtRejection(
          Reason.LIFETIME_EXCEEDED,
          check.echo()
              ? check.noun()
                  + " exp "
                  + exp
                  + " lies more than "
                  + max.toSeconds()
                  + " s ahead"
                  + setting
              : exceeded);
    }
    if (iat != null && Duration.between(iat, exp).compareTo(bound) > 0) {
      throw new JwtRejection(
          Reason.LIFETIME_EXCEEDED,
          check.echo()
              ? check.noun()
                  + " lives from iat "
                  + iat
                  + " to exp "
                  + exp
                  + ", longer than "
                  + max.toSeconds()
                  + " s"
                  + setting
              : exceeded);
    }
  }

  /**
   * Step 6: header {@code typ} is one of {@link JwtCheck#types()} ({@code TYPE_REJECTED}), and,
   * when {@link JwtCheck#refuseIdTokens()}, the claims are not those of an OpenID Connect ID token
   * ({@code TYPE_REJECTED}). An ID token without {@code nonce}, {@code at_hash} and {@code c_hash}
   * cannot be told from an access token; its {@code aud} (the client) is what refuses it then.
   */
  public void checkType(CompactJws jws, JwtCheck check) throws JwtRejection {
    JOSEObjectType type = jws.header().getType();
    if (check.types() != null) {
      try {
        check.types().verifier().verify(type, null);
      } catch (BadJOSEException e) {
        throw new JwtRejection(
            Reason.TYPE_REJECTED,
            (type == null
                    ? "header typ is missing"
                    : "header typ " + printable(type.getType()) + " is not accepted")
                + "; expected "
                + check.types().expected());
      }
    }
    if (check.refuseIdTokens()) {
      Set<String> present = null;
      Set<String> names = jws.claims().getClaims().keySet();
      for (String claim : ID_TOKEN_CLAIMS) {
        if (names.contains(claim)) {
          if (present == null) present = new TreeSet<>();
          present.add(claim);
        }
      }
      if (present != null) {
        throw new JwtRejection(
            Reason.TYPE_REJECTED,
            "an OpenID Connect ID token (it carries " + present + ") is not accepted here");
      }
    }
  }

  /**
   * A value taken from a JWT, as it may appear in a description: descriptions go into HTTP headers
   * ({@code WWW-Authenticate}) and logs, so only short printable text without quotes.
   */
  static String printable(String value) {
    boolean safe =
        value != null
            && !value.isEmpty()
            && value.length() <= 200
            && value.chars().allMatch(c -> c >= 0x20 && c <= 0x7E && c != '"' && c != '\\');
    return safe ? value : "(not shown)";
  }

  /**
   * A value taken from a JWT or a request, as a description may quote it: {@link #printable} in
   * single quotes, or {@code (not shown)}.
   */
  public static String quoted(String value) {
    String printable = printable(value);
    return printable.equals("(not shown)") ? printable : "'" + printable + "'";
  }
}
