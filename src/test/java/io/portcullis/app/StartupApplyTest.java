package io.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.control.RegistryContent;
import io.portcullis.credential.PasswordHasher;
import io.portcullis.registry.Scope;
import io.portcullis.store.Database;
import io.portcullis.store.JdbcAppliedConfiguration;
import io.portcullis.store.TestDatabases;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The restart rule: the file is applied when its content changed, or when forced. */
class StartupApplyTest {
  private Database database;
  private JdbcAppliedConfiguration applied;
  private StartupApply rule;

  @BeforeEach
  void open() {
    database = Database.open(TestDatabases.h2());
    applied = new JdbcAppliedConfiguration(database.dataSource());
    rule =
        new StartupApply(applied, new PasswordHasher(1_000, new SecureRandom()), Clock.systemUTC());
  }

  @AfterEach
  void close() {
    database.close();
  }

  private static RegistryContent content(String... scopes) {
    return new RegistryContent(
        List.of(),
        List.of(),
        Arrays.stream(scopes).map(s -> new Scope(s, null)).toList(),
        List.of(),
        List.of());
  }

  private void applyAndRecord(RegistryContent content, boolean force) {
    StartupApply.Decision decision = rule.decide(content, force);
    if (decision.apply()) rule.recordApplied(decision);
  }

  @Test
  void decideWhenStoreNeverAppliedAFileThenApplied() {
    StartupApply.Decision decision = rule.decide(content("a"), false);

    assertThat(decision.apply()).isTrue();
    assertThat(decision.why()).contains("first apply to this store");
  }

  @Test
  void decideWhenSameContentAsLastAppliedThenNotAppliedAgain() {
    applyAndRecord(content("a", "b"), false);

    StartupApply.Decision decision = rule.decide(content("a", "b"), false);

    assertThat(decision.apply()).isFalse();
    assertThat(decision.why()).contains("unchanged", "--reapply");
  }

  @Test
  void decideWhenContentDiffersFromLastAppliedThenApplied() {
    applyAndRecord(content("a"), false);

    StartupApply.Decision decision = rule.decide(content("a", "b"), false);

    assertThat(decision.apply()).isTrue();
    assertThat(decision.why()).contains("differs");
  }

  @Test
  void decideWhenForcedThenAppliedThoughUnchanged() {
    applyAndRecord(content("a"), false);

    StartupApply.Decision decision = rule.decide(content("a"), true);

    assertThat(decision.apply()).isTrue();
    assertThat(decision.why()).contains("--reapply");
  }

  @Test
  void recordAppliedWhenContentHoldsSecretsThenStoreKeepsOnlyASaltedSlowHash() {
    RegistryContent content = content("a");
    applyAndRecord(content, false);

    String stored = applied.last().orElseThrow().digest();

    assertThat(stored).startsWith(PasswordHasher.PREFIX + "$");
    assertThat(stored).doesNotContain(StartupApply.fingerprint(content));
  }
}
