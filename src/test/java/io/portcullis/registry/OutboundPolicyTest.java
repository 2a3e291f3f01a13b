package io.portcullis.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutboundPolicyTest {
  private static final OutboundPolicy NODE =
      new OutboundPolicy(List.of(), List.of("127.0.0.1:9080"), null);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://169.254.169.254/latest/meta-data/",
        "http://169.254.0.1:8080",
        "https://[fe80::1]/jwks",
        "http://[fd00:ec2::254]/latest",
        "http://[::ffff:169.254.169.254]/",
      })
  void checkUrlWhenLinkLocalOrMetadataThenRefusedNamingTheAddressAndTheSetting(String url) {
    Optional<String> refused = NODE.checkUrl(URI.create(url));
    assertThat(refused).isPresent();
    assertThat(refused.get()).contains("link-local or cloud metadata", "gateway.outbound.allow");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:9080/admin",
        "http://localhost:9080/",
        "http://[::1]:9080/",
      })
  void checkUrlWhenTheAdminListenerThenRefused(String url) {
    assertThat(NODE.checkUrl(URI.create(url))).get().asString().contains("admin listener");
  }

  @Test
  void checkUrlWhenListenerOnEveryInterfaceThenLoopbackOnItsPortRefused() {
    OutboundPolicy any = new OutboundPolicy(List.of(), List.of("0.0.0.0:9080"), null);
    assertThat(any.checkUrl(URI.create("http://127.0.0.1:9080/"))).isPresent();
    assertThat(any.checkUrl(URI.create("http://127.0.0.1:9081/"))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:9000",
        "https://idp.example.com/jwks",
        "http://10.0.0.5:8080",
        "http://[2001:db8::1]/"
      })
  void checkUrlWhenOrdinaryTargetThenAccepted(String url) {
    assertThat(NODE.checkUrl(URI.create(url))).isEmpty();
  }

  @Test
  void checkUrlWhenAllowedByCidrOrHostPortThenAccepted() {
    OutboundPolicy allowing =
        new OutboundPolicy(
            List.of("169.254.169.254/32", "fe80::/10", "127.0.0.1:9080"),
            List.of("127.0.0.1:9080"),
            null);
    assertThat(allowing.checkUrl(URI.create("http://169.254.169.254/"))).isEmpty();
    assertThat(allowing.checkUrl(URI.create("http://[fe80::2]/"))).isEmpty();
    assertThat(allowing.checkUrl(URI.create("http://127.0.0.1:9080/"))).isEmpty();
    assertThat(allowing.checkUrl(URI.create("http://169.254.169.253/"))).isPresent();
  }

  @Test
  void checkResolvedWhenNameResolvesToTheAdminListenerThenRefused() throws Exception {
    assertThat(NODE.checkResolved(URI.create("http://localhost:9080/jwks"))).isPresent();
    assertThat(NODE.checkResolved(URI.create("http://169.254.169.254/"))).isPresent();
    assertThat(NODE.checkResolved(URI.create("http://localhost:9000/"))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0/33", "nonsense", "host-without-port", ""})
  void constructorWhenAllowEntryMalformedThenRefusedNamingIt(String entry) {
    assertThatThrownBy(() -> new OutboundPolicy(List.of(entry), List.of(), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected a CIDR block")
        .hasMessageContaining("'" + entry + "'");
  }

  @Test
  void checkFileWhenInsideARootThenAcceptedElseRefused(@TempDir Path dir) throws Exception {
    Path root = Files.createDirectories(dir.resolve("conf"));
    Path inside = Files.writeString(root.resolve("idp.pem"), "x");
    Path outside = Files.writeString(dir.resolve("secret.txt"), "x");
    Path link = Files.createSymbolicLink(root.resolve("link.pem"), outside);
    OutboundPolicy policy = new OutboundPolicy(List.of(), List.of(), List.of(root));

    assertThat(policy.checkFile(inside.toString())).isEmpty();
    assertThat(policy.checkFile("/etc/passwd")).get().asString().contains("outside");
    assertThat(policy.checkFile(root + "/../secret.txt")).isPresent();
    assertThat(policy.checkFile(link.toString())).isPresent();
    assertThat(OutboundPolicy.DEFAULT.checkFile("/etc/passwd")).isEmpty();
  }
}
