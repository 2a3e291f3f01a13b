package io.portcullis.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiTest {

  private static Api petstore() {
    return Api.builder()
        .name("petstore")
        .version("v1")
        .basePath("/pets")
        .upstreams(List.of(URI.create("http://127.0.0.1:9000")))
        .build();
  }

  @Test
  void builderWhenOnlyRouteSetThenActiveRestAndOpen() {
    Api api = petstore();

    assertThat(api.active()).isTrue();
    assertThat(api.type()).isEqualTo(ApiType.REST);
    assertThat(api.timeouts()).isEqualTo(Timeouts.DEFAULT);
    assertThat(api.identifyAndAuthorize()).isEqualTo(IdentifyAndAuthorize.OPEN);
    assertThat(api.monitoring()).isEqualTo(ApiMonitoring.DEFAULT);
    assertThat(api.upstreamTls()).isNull();
    assertThat(api.portal()).isEqualTo(ApiPortal.NONE);
  }

  @Test
  void withActiveWhenFalseThenOnlyActiveChanges() {
    Api api = petstore();

    Api inactive = api.withActive(false);

    assertThat(inactive.active()).isFalse();
    assertThat(inactive.toBuilder().active(true).build()).isEqualTo(api);
  }

  @Test
  void identifyAndAuthorizeBuilderWhenNothingSetThenRegisteredOnlyAndUnboundTokensAllowed() {
    IdentifyAndAuthorize policy =
        IdentifyAndAuthorize.builder().methods(Set.of(IdentificationMethod.JWT)).build();

    assertThat(policy.applicationLookup()).isEqualTo(ApplicationLookup.REGISTERED);
    assertThat(policy.allowAnonymous()).isFalse();
    assertThat(policy.forwardAuthorization()).isFalse();
    assertThat(policy.scopes()).isEmpty();
    assertThat(policy.claimHeaders()).isEmpty();
    assertThat(policy.senderConstraint()).isEqualTo(SenderConstraint.ALLOWED);
  }
}
