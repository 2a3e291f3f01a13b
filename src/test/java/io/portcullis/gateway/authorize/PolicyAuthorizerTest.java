package io.portcullis.gateway.authorize;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.ApiFixtures;
import io.portcullis.gateway.RequestContext;
import io.portcullis.gateway.identify.Identification;
import io.portcullis.gateway.identify.Identification.Identified;
import io.portcullis.http.Credentials;
import io.portcullis.registry.Api;
import io.portcullis.registry.ApiType;
import io.portcullis.registry.Application;
import io.portcullis.registry.ApplicationLookup;
import io.portcullis.registry.IdentificationMethod;
import io.portcullis.registry.IdentifyAndAuthorize;
import io.portcullis.registry.Snapshot;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyAuthorizerTest {
  private static final Application ASSOCIATED =
      ApiFixtures.application("associated", List.of("shop/v1"), true);
  private static final Application STRANGER =
      ApiFixtures.application("stranger", List.of("other/v1"), true);
  private static final Application DISABLED =
      ApiFixtures.application("disabled", List.of("shop/v1"), false);

  private static Identified app(Application application, String... scopes) {
    return new Identified(
        IdentificationMethod.JWT, application, application.name(), List.of(scopes), null, Map.of());
  }

  private static final Identified USER_TOKEN =
      new Identified(IdentificationMethod.JWT, null, "alice", List.of("read"), null, Map.of());

  private static IdentifyAndAuthorize policy(
      ApplicationLookup lookup, boolean anonymous, String... scopes) {
    return IdentifyAndAuthorize.builder()
        .methods(Set.of(IdentificationMethod.JWT))
        .applicationLookup(lookup)
        .allowAnonymous(anonymous)
        .scopes(List.of(scopes))
        .build();
  }

  /** policy, caller, expected status (0 = allowed), expected error code. */
  static Stream<Arguments> decisions() {
    ApplicationLookup registered = ApplicationLookup.REGISTERED;
    ApplicationLookup global = ApplicationLookup.GLOBAL;
    return Stream.of(
        Arguments.of(policy(registered, false), app(ASSOCIATED), 0, null),
        Arguments.of(policy(registered, false), app(STRANGER), 403, null),
        Arguments.of(policy(global, false), app(STRANGER), 0, null),
        Arguments.of(policy(registered, false), app(DISABLED), 403, null),
        Arguments.of(policy(global, false), app(DISABLED), 403, null),
        Arguments.of(policy(registered, false, "read"), app(ASSOCIATED, "read", "write"), 0, null),
        Arguments.of(
            policy(registered, false, "read", "write"),
            app(ASSOCIATED, "read"),
            403,
            "insufficient_scope"),
        Arguments.of(policy(global, false, "read"), app(STRANGER), 403, "insufficient_scope"),
        Arguments.of(policy(registered, true), Identification.ANONYMOUS, 0, null),
        Arguments.of(policy(registered, true, "read"), Identification.ANONYMOUS, 0, null),
        Arguments.of(policy(registered, false), Identification.ANONYMOUS, 401, null),
        Arguments.of(policy(global, false), USER_TOKEN, 401, "invalid_token"),
        Arguments.of(policy(global, true), USER_TOKEN, 0, null),
        Arguments.of(policy(registered, true), app(STRANGER), 403, null),
        Arguments.of(policy(registered, true), app(DISABLED), 403, null),
        Arguments.of(IdentifyAndAuthorize.OPEN, Identification.ANONYMOUS, 0, null));
  }

  @ParameterizedTest
  @MethodSource("decisions")
  void authorizeWhenCallerMeetsPolicyThenDecision(
      IdentifyAndAuthorize policy, Identified caller, int status, String errorCode) {
    Api api =
        ApiFixtures.api(
            "shop", ApiType.REST, "/shop", List.of(URI.create("http://127.0.0.1:1")), null, policy);
    RequestContext ctx =
        new RequestContext(
            Snapshot.EMPTY, null, new Credentials.None(), Instant.EPOCH, System.nanoTime());
    ctx.route(api);
    ctx.identified(caller);

    Authorization decision = new PolicyAuthorizer().authorize(ctx);

    if (status == 0) {
      assertThat(decision).isEqualTo(Authorization.ALLOWED);
    } else {
      assertThat(decision).isInstanceOf(Authorization.Denied.class);
      Authorization.Denied denied = (Authorization.Denied) decision;
      assertThat(denied.status()).isEqualTo(status);
      assertThat(denied.errorCode()).isEqualTo(errorCode);
      assertThat(denied.description()).isNotBlank();
      assertThat(denied.scope())
          .isEqualTo("insufficient_scope".equals(errorCode) ? policy.scopes() : List.of());
    }
  }
}
