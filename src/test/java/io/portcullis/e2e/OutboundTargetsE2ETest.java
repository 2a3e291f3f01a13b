package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.portcullis.config.ConfigException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upstreams, JWKS URIs and certificate files that would make a real node reach where the
 * administrator did not mean: link-local and metadata addresses, its own admin listener, files
 * outside its directories.
 */
class OutboundTargetsE2ETest {
  @TempDir Path dir;

  private Path config(String yaml) throws Exception {
    return Files.writeString(dir.resolve("portcullis.yaml"), yaml);
  }

  private static String header(int adminPort) {
    return "gateway:\n  listen: 127.0.0.1:0\n  publicUrl: http://localhost:8080\n"
        + "admin:\n  listen: 127.0.0.1:"
        + adminPort
        + "\n";
  }

  private static String api(String upstream) {
    return "apis:\n  - name: meta\n    version: v1\n    basePath: /meta/v1\n    upstream: "
        + upstream
        + "\n";
  }

  private ConfigException refusedStart(Path file) {
    ConfigException refused =
        catchThrowableOfType(
            ConfigException.class,
            () -> RunningNode.start(file, dir.resolve("data"), null, Map.of()).close());
    assertThat(refused).as("the start must fail with a ConfigException").isNotNull();
    return refused;
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void startWhenUpstreamIsTheMetadataAddressThenRefusedNamingFieldAndSetting() throws Exception {
    Path file = config(header(0) + api("http://169.254.169.254"));

    ConfigException refused = refusedStart(file);

    assertThat(refused.getMessage())
        .startsWith(file + ":" + RunningNode.lineOf(file, "upstream:") + ": apis[0].upstream: ")
        .contains("169.254.169.254", "link-local or cloud metadata", "gateway.outbound.allow");
  }

  @Test
  void startWhenMetadataAddressIsAllowedThenAcceptedAndOnlyThatAddress() throws Exception {
    Path file =
        config(
            header(0)
                    .replace(
                        "  publicUrl:",
                        "  outbound:\n    allow: [169.254.169.254/32]\n  publicUrl:")
                + api("http://169.254.169.254"));

    try (RunningNode node = RunningNode.start(file, dir.resolve("data"), null, Map.of())) {
      HttpResponse<String> other =
          node.admin(
              "POST",
              "/apis",
              "{\"name\":\"other\",\"version\":\"v1\",\"basePath\":\"/other/v1\","
                  + "\"upstream\":\"http://169.254.170.2\"}");
      assertThat(other.statusCode()).isEqualTo(400);
      assertThat(other.body()).contains("upstream", "169.254.170.2");
    }
  }

  @Test
  void startWhenUpstreamIsTheNodesAdminListenerThenRefused() throws Exception {
    int adminPort = freePort();
    Path file = config(header(adminPort) + api("http://localhost:" + adminPort));

    ConfigException refused = refusedStart(file);

    assertThat(refused.getMessage())
        .contains("apis[0].upstream", "admin listener", "127.0.0.1:" + adminPort);
  }

  @Test
  void adminApiWhenJwksUriIsTheAdminListenerOrMetadataThen400NamingJwksUri() throws Exception {
    int adminPort = freePort();
    Path file = config(header(adminPort));

    try (RunningNode node = RunningNode.start(file, dir.resolve("data"), null, Map.of())) {
      for (String uri :
          new String[] {
            "http://127.0.0.1:" + adminPort + "/applications", "http://[fd00:ec2::254]/jwks"
          }) {
        HttpResponse<String> response =
            node.admin(
                "POST",
                "/authorization-servers",
                "{\"alias\":\"corp\",\"type\":\"external\",\"issuer\":\"https://corp\","
                    + "\"jwksUri\":\""
                    + uri
                    + "\",\"algorithms\":[\"RS256\"]}");
        assertThat(response.statusCode()).as(uri).isEqualTo(400);
        assertThat(response.body()).contains("jwksUri");
      }
    }
  }

  @Test
  void startWhenCertificatesNameAFileOutsideTheNodesDirectoriesThenRefusedNamingIt()
      throws Exception {
    Path file =
        config(
            header(0)
                + "authorizationServers:\n  corp:\n    type: external\n    issuer: https://corp\n"
                + "    certificates: [/etc/passwd]\n    algorithms: [RS256]\n");

    ConfigException refused = refusedStart(file);

    assertThat(refused.getMessage())
        .contains("authorizationServers.corp.certificates[0]", "/etc/passwd", "outside");
  }

  @Test
  void startWhenCertificatesNameAFileNextToTheConfigurationOrInFilesAllowThenAccepted()
      throws Exception {
    Files.writeString(dir.resolve("corp.pem"), "not read while validating");
    Path shared = Files.createDirectories(dir.resolve("shared"));
    Files.writeString(shared.resolve("partner.pem"), "not read while validating");
    Path file =
        config(
            header(0)
                + "files:\n  allow: [shared]\n"
                + "authorizationServers:\n  corp:\n    type: external\n    issuer: https://corp\n"
                + "    certificates: ["
                + dir.resolve("corp.pem")
                + ", "
                + shared.resolve("partner.pem")
                + "]\n    algorithms: [RS256]\n");

    try (RunningNode node = RunningNode.start(file, dir.resolve("data"), null, Map.of())) {
      assertThat(node.admin("GET", "/authorization-servers/corp", null).statusCode())
          .isEqualTo(200);
    }
  }
}
