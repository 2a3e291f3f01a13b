package io.portcullis.gateway.identify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.gateway.ApiFixtures;
import io.portcullis.gateway.RequestContext;
import io.portcullis.gateway.identify.Identification.Identified;
import io.portcullis.gateway.identify.Identification.Rejected;
import io.portcullis.http.Credentials;
import io.portcullis.registry.ApiType;
import io.portcullis.registry.ApplicationLookup;
import io.portcullis.registry.IdentificationMethod;
import io.portcullis.registry.IdentifyAndAuthorize;
import io.portcullis.registry.Snapshot;
import io.vertx.core.Future;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdentificationPolicyTest {
  private final List<IdentificationMethod> asked = new ArrayList<>();

  /** Answers the same for every request, and notes that it was asked. */
  private Identifier answering(IdentificationMethod method, Identification answer) {
    return new Identifier() {
      @Override
      public IdentificationMethod method() {
        return method;
      }

      @Override
      public Future<Identification> identify(RequestContext ctx) {
        asked.add(method);
        return Future.succeededFuture(answer);
      }
    };
  }

  private static RequestContext context(IdentifyAndAuthorize policy, Credentials credentials) {
    RequestContext ctx =
        new RequestContext(Snapshot.EMPTY, null, credentials, Instant.EPOCH, System.nanoTime());
    ctx.route(
        ApiFixtures.api(
            "shop",
            ApiType.REST,
            "/shop",
            List.of(URI.create("http://127.0.0.1:1")),
            null,
            policy));
    return ctx;
  }

  private static IdentifyAndAuthorize policy(boolean anonymous, IdentificationMethod... methods) {
    return IdentifyAndAuthorize.builder()
        .methods(Set.of(methods))
        .applicationLookup(ApplicationLookup.GLOBAL)
        .allowAnonymous(anonymous)
        .build();
  }

  private static Identified identified(IdentificationMethod method) {
    return new Identified(method, null, "someone", List.of(), null, Map.of());
  }

  private static Identification identify(IdentificationPolicy policy, RequestContext ctx) {
    Future<Identification> result = policy.identify(ctx);
    assertThat(result.succeeded()).isTrue();
    return result.result();
  }

  @Test
  void identifyWhenPolicyHasNoMethodsAndAllowsAnonymousThenAnonymous() {
    IdentificationPolicy policy = new IdentificationPolicy(Identifiers.none());

    assertThat(identify(policy, context(IdentifyAndAuthorize.OPEN, new Credentials.None())))
        .isEqualTo(Identification.ANONYMOUS);
  }

  @Test
  void identifyWhenPolicyHasNoMethodsAndNoAnonymousThen403() {
    IdentificationPolicy policy = new IdentificationPolicy(Identifiers.none());

    Identification result = identify(policy, context(policy(false), new Credentials.None()));

    assertThat(result)
        .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.status()).isEqualTo(403));
  }

  @Test
  void identifyWhenAnyMethodHasNoIdentifierThen503EvenWithValidCredentials() {
    IdentificationPolicy policy =
        new IdentificationPolicy(
            Identifiers.of(
                List.of(
                    answering(
                        IdentificationMethod.OAUTH2_TOKEN,
                        identified(IdentificationMethod.OAUTH2_TOKEN)))));

    Identification result =
        identify(
            policy,
            context(
                policy(true, IdentificationMethod.JWT, IdentificationMethod.OAUTH2_TOKEN),
                new Credentials.Bearer("abc")));

    assertThat(result)
        .isEqualTo(
            new Rejected(503, null, "identification method JWT is not available on this gateway"));
    assertThat(asked).isEmpty();
  }

  @Test
  void identifyWhenCredentialsInvalidThen400InvalidRequestWithoutAskingIdentifiers() {
    IdentificationPolicy policy =
        new IdentificationPolicy(
            Identifiers.of(
                List.of(
                    answering(IdentificationMethod.JWT, identified(IdentificationMethod.JWT)))));

    Identification result =
        identify(
            policy,
            context(
                policy(true, IdentificationMethod.JWT),
                new Credentials.Invalid(Credentials.Defect.DUPLICATED, "two tokens")));

    assertThat(result).isEqualTo(new Rejected(400, "invalid_request", "two tokens"));
    assertThat(asked).isEmpty();
  }

  @Test
  void identifyWhenFirstIdentifierNotApplicableThenNextOneDecides() {
    IdentificationPolicy policy =
        new IdentificationPolicy(
            Identifiers.of(
                List.of(
                    answering(
                        IdentificationMethod.OAUTH2_TOKEN,
                        identified(IdentificationMethod.OAUTH2_TOKEN)),
                    answering(IdentificationMethod.JWT, Identification.NOT_APPLICABLE))));

    Identification result =
        identify(
            policy,
            context(
                policy(false, IdentificationMethod.JWT, IdentificationMethod.OAUTH2_TOKEN),
                new Credentials.Bearer("opaque")));

    assertThat(result).isEqualTo(identified(IdentificationMethod.OAUTH2_TOKEN));
    assertThat(asked).containsExactly(IdentificationMethod.JWT, IdentificationMethod.OAUTH2_TOKEN);
  }

  @Test
  void identifyWhenFirstIdentifierRejectsThenLaterOnesAreNotAsked() {
    Rejected expired = new Rejected(401, "invalid_token", "expired");
    IdentificationPolicy policy =
        new IdentificationPolicy(
            Identifiers.of(
                List.of(
                    answering(IdentificationMethod.JWT, expired),
                    answering(
                        IdentificationMethod.OAUTH2_TOKEN,
                        identified(IdentificationMethod.OAUTH2_TOKEN)))));

    Identification result =
        identify(
            policy,
            context(
                policy(true, IdentificationMethod.JWT, IdentificationMethod.OAUTH2_TOKEN),
                new Credentials.Bearer("x")));

    assertThat(result).isEqualTo(expired);
    assertThat(asked).containsExactly(IdentificationMethod.JWT);
  }

  @Test
  void identifyWhenNoneApplicableThenAnonymousOrChallengeOrInvalidToken() {
    IdentificationPolicy policy =
        new IdentificationPolicy(
            Identifiers.of(
                List.of(answering(IdentificationMethod.JWT, Identification.NOT_APPLICABLE))));

    Identification anonymous =
        identify(policy, context(policy(true, IdentificationMethod.JWT), new Credentials.None()));
    Identification noCredentials =
        identify(policy, context(policy(false, IdentificationMethod.JWT), new Credentials.None()));
    Identification basic =
        identify(
            policy,
            context(policy(false, IdentificationMethod.JWT), new Credentials.Basic("a", "b")));
    Identification unknownToken =
        identify(
            policy,
            context(policy(false, IdentificationMethod.JWT), new Credentials.Bearer("opaque")));

    assertThat(anonymous).isEqualTo(Identification.ANONYMOUS);
    assertThat(noCredentials)
        .isInstanceOfSatisfying(
            Rejected.class,
            r -> {
              assertThat(r.status()).isEqualTo(401);
              assertThat(r.errorCode()).isNull();
            });
    assertThat(basic)
        .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.errorCode()).isNull());
    assertThat(unknownToken)
        .isInstanceOfSatisfying(
            Rejected.class, r -> assertThat(r.errorCode()).isEqualTo("invalid_token"));
  }

  @Test
  void identifyWhenIdentifierFailsThenFailedFuture() {
    Identifier failing =
        new Identifier() {
          @Override
          public IdentificationMethod method() {
            return IdentificationMethod.JWT;
          }

          @Override
          public Future<Identification> identify(RequestContext ctx) {
            return Future.failedFuture(new IllegalStateException("boom"));
          }
        };
    IdentificationPolicy policy = new IdentificationPolicy(Identifiers.of(List.of(failing)));

    Future<Identification> result =
        policy.identify(
            context(policy(false, IdentificationMethod.JWT), new Credentials.Bearer("x")));

    assertThat(result.failed()).isTrue();
  }

  @Test
  void ofWhenTwoIdentifiersShareAMethodThenRejected() {
    assertThatThrownBy(
            () ->
                Identifiers.of(
                    List.of(
                        answering(IdentificationMethod.JWT, Identification.NOT_APPLICABLE),
                        answering(IdentificationMethod.JWT, Identification.NOT_APPLICABLE))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JWT");
  }
}
