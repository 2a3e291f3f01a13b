package io.portcullis.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Enforces docs/ARCHITECTURE.md's "who may call whom" on the sources: every reference of one
 * Portcullis package to another (imports and fully qualified names) must be allowed.
 */
class ArchitectureTest {
  private static final Path MAIN = Path.of("src/main/java/io/portcullis");
  private static final Pattern REFERENCE =
      Pattern.compile("\\bio\\.portcullis\\.([a-z]+)((?:\\.[a-z]+)*)");

  /** Top-level package → the Portcullis packages it may use (itself always allowed). */
  private static final Map<String, Set<String>> ALLOWED =
      Map.ofEntries(
          Map.entry("registry", Set.of()),
          Map.entry("credential", Set.of("registry")),
          Map.entry("control", Set.of("registry", "credential")),
          Map.entry("config", Set.of("registry", "control", "credential")),
          Map.entry("store", Set.of("registry", "token", "monitor", "web")),
          Map.entry("http", Set.of("registry")),
          Map.entry("monitor", Set.of("registry")),
          Map.entry("gateway", Set.of("registry", "http", "monitor", "token")),
          Map.entry("token", Set.of("registry", "credential")),
          Map.entry("oauth", Set.of("registry", "http", "token", "credential", "monitor")),
          Map.entry(
              "admin",
              Set.of("registry", "control", "config", "http", "credential", "monitor", "token")),
          Map.entry("web", Set.of()),
          Map.entry(
              "manager",
              Set.of("registry", "control", "config", "credential", "admin", "monitor", "web")),
          Map.entry(
              "portal", Set.of("registry", "control", "config", "credential", "monitor", "web")),
          Map.entry("demo", Set.of()));

  record Edge(String file, String from, String to) {}

  @Test
  void sourcesWhenScannedThenEveryCrossPackageReferenceIsAllowed() throws IOException {
    List<String> offences = new ArrayList<>();
    for (Edge e : edges()) {
      if (e.from().equals("app") || e.from().isEmpty()) continue;
      Set<String> allowed = ALLOWED.get(e.from());
      assertThat(allowed).as("package %s is not listed in ArchitectureTest", e.from()).isNotNull();
      if (!e.to().equals(e.from()) && !allowed.contains(e.to())) {
        offences.add(e.file() + ": " + e.from() + " must not use " + e.to());
      }
    }
    assertThat(offences).isEmpty();
  }

  @Test
  void tokenVerifyWhenScannedThenNeverUsesTokenIssue() throws IOException {
    List<String> offences = new ArrayList<>();
    Path verify = MAIN.resolve("token/verify");
    if (!Files.isDirectory(verify)) return;
    try (Stream<Path> files = Files.walk(verify)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        if (Files.readString(f).contains("io.portcullis.token.issue")) offences.add(f.toString());
      }
    }
    assertThat(offences).as("token/verify must not depend on token/issue").isEmpty();
  }

  @Test
  void sourcesWhenScannedThenOnlyAppAndStoreBuildDataSources() throws IOException {
    List<String> offences = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String pkg = topPackage(f);
        if (pkg.equals("app") || pkg.equals("store")) continue;
        String text = Files.readString(f);
        if (text.contains("HikariDataSource")
            || text.contains("java.sql.DriverManager")
            || text.contains("javax.sql.DataSource")) {
          offences.add(f.toString());
        }
      }
    }
    assertThat(offences).isEmpty();
  }

  @Test
  void portalDocumentWhenScannedThenUsesNoOtherPortcullisPackage() throws IOException {
    List<String> offences = new ArrayList<>();
    Path document = MAIN.resolve("portal/document");
    if (!Files.isDirectory(document)) return;
    try (Stream<Path> files = Files.walk(document)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = REFERENCE.matcher(Files.readString(f));
        while (m.find()) {
          if (!(m.group(1) + m.group(2)).startsWith("portal.document"))
            offences.add(f + ": " + m.group());
        }
      }
    }
    assertThat(offences)
        .as("portal/document reads documents with the JDK and Jackson only")
        .isEmpty();
  }

  @Test
  void dataPlaneWhenScannedThenUsesNoJdbc() throws IOException {
    List<String> offences = new ArrayList<>();
    Path gateway = MAIN.resolve("gateway");
    if (!Files.isDirectory(gateway)) return;
    try (Stream<Path> files = Files.walk(gateway)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        if (Files.readString(f).contains("java.sql")) offences.add(f.toString());
      }
    }
    assertThat(offences).isEmpty();
  }

  private static List<Edge> edges() throws IOException {
    List<Edge> edges = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String from = topPackage(f);
        Matcher m = REFERENCE.matcher(Files.readString(f));
        while (m.find()) {
          String to = m.group(1);
          // io.portcullis.Portcullis (the CLI class) has no sub-package.
          if (Character.isUpperCase(to.charAt(0))) continue;
          edges.add(new Edge(MAIN.relativize(f).toString(), from, to));
        }
      }
    }
    assertThat(edges)
        .as("scanned no references: is the working directory the project?")
        .isNotEmpty();
    return edges;
  }

  private static String topPackage(Path file) {
    Path rel = MAIN.relativize(file);
    return rel.getNameCount() > 1 ? rel.getName(0).toString() : "";
  }
}
