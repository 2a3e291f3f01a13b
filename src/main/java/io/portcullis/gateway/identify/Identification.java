package io.portcullis.gateway.identify;

import io.portcullis.registry.Application;
import io.portcullis.registry.IdentificationMethod;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an {@link Identifier} made of a request: who is calling, "not mine", or a refusal.
 *
 * <p>The first identifier whose answer is not {@link NotApplicable} decides for the request.
 */
public sealed interface Identification
    permits Identification.Identified, Identification.NotApplicable, Identification.Rejected {

  /** The anonymous caller: no method, no application, no subject, no scopes. */
  Identified ANONYMOUS = new Identified(null, null, null, List.of(), null, Map.of());

  /** The answer of an identifier that finds nothing it reads in the request. */
  NotApplicable NOT_APPLICABLE = new NotApplicable();

  /**
   * The caller is known.
   *
   * @param method how it was identified; null only for {@link #ANONYMOUS}
   * @param application the application the credentials identify, or null when they identify none (a
   *     user's token, or an anonymous call)
   * @param subject the token's subject ({@code sub}, or the opaque token's owner), or null
   * @param scopes the scopes the call holds: the token's scopes, or, for a token that carries none,
   *     what the identifier grants in their place (such as the application's scopes)
   * @param issuer the token's issuer ({@code iss}), or null
   * @param claims every claim of the token, by name; for opaque tokens only {@code cnf} (the key a
   *     bound token is bound to, as in a JWT), when there is one
   */
  record Identified(
      IdentificationMethod method,
      Application application,
      String subject,
      List<String> scopes,
      String issuer,
      Map<String, Object> claims)
      implements Identification {

    public Identified {
      scopes = scopes == null ? List.of() : List.copyOf(scopes);
      // Claims come from JSON, whose values may be null, so Map.copyOf will not do.
      claims = claims == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(claims));
    }

    /** Whether no method identified the caller. */
    public boolean isAnonymous() {
      return method == null;
    }
  }

  /** The identifier found no credentials of its kind in the request. */
  record NotApplicable() implements Identification {}

  /**
   * The identifier found credentials of its kind and refuses them.
   *
   * @param status the HTTP status to answer: 401 for bad credentials, 400 for a malformed request,
   *     503 when the identifier cannot decide right now
   * @param errorCode the RFC 6750 error code ({@code invalid_token}, {@code invalid_request}), or
   *     null when the answer is a bare challenge
   * @param description what is wrong, naming the claim or header and what was expected; sent to the
   *     client, so never a token or a secret
   * @param scheme the scheme of the challenge: {@link #DPOP}, or null for {@code Bearer}
   * @param nonce a {@code DPoP-Nonce} to send along, or null
   */
  record Rejected(int status, String errorCode, String description, String scheme, String nonce)
      implements Identification {

    /** The scheme of the challenge of a DPoP refusal (RFC 9449 §7.1). */
    public static final String DPOP = "DPoP";

    /** A refusal with a {@code Bearer} challenge. */
    public Rejected(int status, String errorCode, String description) {
      this(status, errorCode, description, null, null);
    }

    /** A refusal with a {@code DPoP} challenge, and a fresh nonce when the server asks for one. */
    public static Rejected dpop(String errorCode, String description, String nonce) {
      return new Rejected(401, errorCode, description, DPOP, nonce);
    }
  }
}
