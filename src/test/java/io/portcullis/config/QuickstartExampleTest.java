package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.control.ControlPlane;
import io.portcullis.credential.PasswordHasher;
import io.portcullis.registry.Api;
import io.portcullis.registry.IdentificationMethod;
import io.portcullis.registry.IdentifyAndAuthorize;
import io.portcullis.registry.SnapshotHolder;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuickstartExampleTest {
  static final Path QUICKSTART = Path.of("examples/quickstart.yaml");

  @Test
  void loadWhenEnvironmentIsEmptyThenTheQuickStartIsComplete() {
    PortcullisConfig c = new ConfigLoader().load(QUICKSTART, Map.of()).config();
    assertThat(c.demo()).isEqualTo(new DemoConfig(new HostPort("127.0.0.1", 9000)));
    assertThat(c.content().users()).isEmpty();
    assertThat(c.content().apis()).extracting(Api::key).containsExactly("echo/v1", "petstore/v1");
    Api echo = c.content().apis().get(0);
    assertThat(echo.basePath()).isEqualTo("/echo/v1");
    assertThat(echo.identifyAndAuthorize()).isEqualTo(IdentifyAndAuthorize.OPEN);
    Api petstore = c.content().apis().get(1);
    assertThat(petstore.identifyAndAuthorize().methods())
        .containsExactlyInAnyOrder(IdentificationMethod.JWT, IdentificationMethod.OAUTH2_TOKEN);
    assertThat(petstore.identifyAndAuthorize().allowAnonymous()).isFalse();
    assertThat(petstore.upstreams()).isEqualTo(echo.upstreams());
    assertThat(c.content().applications().get(0).clientSecret())
        .isEqualTo("photo-app-secret-change-me");
  }

  @Test
  void loadWhenSecretIsInTheEnvironmentThenItReplacesTheDemoSecret() {
    PortcullisConfig c =
        new ConfigLoader().load(QUICKSTART, Map.of("PHOTO_APP_SECRET", "a-real-secret")).config();
    assertThat(c.content().applications().get(0).clientSecret()).isEqualTo("a-real-secret");
  }

  @Test
  void applyWhenQuickStartIsLoadedThenTheControlPlaneAcceptsIt() {
    ControlPlane plane =
        new ControlPlane(
            new InMemoryRegistryStore(),
            new SnapshotHolder(),
            new PasswordHasher(1_000, new SecureRandom()),
            new ObjectMapper());
    plane.apply(new ConfigLoader().load(QUICKSTART, Map.of()).config().content());
    assertThat(plane.snapshot().routes().match("/echo/v1/hello")).isPresent();
    assertThat(plane.snapshot().applicationByClientId("photo-app")).isPresent();
  }
}
