package io.portcullis.gateway;

import io.portcullis.gateway.identify.Identification;
import io.portcullis.gateway.identify.Identifier;
import io.portcullis.http.Credentials;
import io.portcullis.registry.Application;
import io.portcullis.registry.IdentificationMethod;
import io.vertx.core.Future;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A test double of {@link Identifier} that reads made-up bearer tokens: {@code app.NAME[.SCOPE…]}
 * identifies application NAME with those scopes, {@code user.NAME} a subject without application,
 * {@code expired} is rejected as an invalid token; other schemes are not its business.
 */
public final class FakeBearerIdentifier implements Identifier {
  public static final String ISSUER = "https://issuer.test";
  private final IdentificationMethod method;

  public FakeBearerIdentifier(IdentificationMethod method) {
    this.method = method;
  }

  @Override
  public IdentificationMethod method() {
    return method;
  }

  @Override
  public Future<Identification> identify(RequestContext ctx) {
    if (!(ctx.credentials() instanceof Credentials.Bearer bearer)) {
      return Future.succeededFuture(Identification.NOT_APPLICABLE);
    }
    String[] parts = bearer.token().split("\\.");
    if (parts[0].equals("app") && parts.length >= 2) {
      Application application = ctx.snapshot().application(parts[1]).orElse(null);
      List<String> scopes = Arrays.asList(parts).subList(2, parts.length);
      return Future.succeededFuture(
          new Identification.Identified(
              method,
              application,
              parts[1],
              scopes,
              ISSUER,
              Map.of("sub", parts[1], "department", "Engineering")));
    }
    if (parts[0].equals("user") && parts.length == 2) {
      return Future.succeededFuture(
          new Identification.Identified(
              method, null, parts[1], List.of(), ISSUER, Map.of("sub", parts[1])));
    }
    return Future.succeededFuture(
        new Identification.Rejected(401, "invalid_token", "the token has expired"));
  }
}
