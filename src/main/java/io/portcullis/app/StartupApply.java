package io.portcullis.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.portcullis.control.RegistryContent;
import io.portcullis.credential.PasswordHasher;
import io.portcullis.store.JdbcAppliedConfiguration;
import io.portcullis.store.StoreJson;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restart rule: a node applies the registry content of its configuration file at start only
 * when that content differs from the content last applied to the store (by any node), or when
 * forced ({@code serve --reapply}). A restart with an unchanged file therefore keeps what was
 * changed at run time through the admin API, on every node.
 *
 * <p>"Content" is the registry part of the file (users, authorization servers, scopes, APIs,
 * applications) after {@code ${VAR}} substitution and defaults, as canonical JSON: comments,
 * formatting and the node-local sections ({@code gateway}, {@code admin}, {@code store}) do not
 * count; a changed variable does. Since it may hold clear-text passwords and secrets, the store
 * keeps only a slow salted hash (PBKDF2, as for passwords) of its SHA-256.
 */
final class StartupApply {
  private static final Logger LOG = LoggerFactory.getLogger(StartupApply.class);

  /**
   * What to do with the file at this start.
   *
   * @param apply whether to apply it
   * @param fingerprint the content's SHA-256, to record once applied
   * @param why one line for the banner and the log
   */
  record Decision(boolean apply, String fingerprint, String why) {}

  private final JdbcAppliedConfiguration applied;
  private final PasswordHasher hasher;
  private final Clock clock;

  StartupApply(JdbcAppliedConfiguration applied, PasswordHasher hasher, Clock clock) {
    this.applied = applied;
    this.hasher = hasher;
    this.clock = clock;
  }

  /** Decides whether the content is applied; blocking (a store read and one slow hash). */
  Decision decide(RegistryContent content, boolean force) {
    String fingerprint = fingerprint(content);
    Optional<JdbcAppliedConfiguration.Applied> last = applied.last();
    Decision decision;
    if (force) {
      decision = new Decision(true, fingerprint, "configuration: applied (--reapply)");
    } else if (last.isEmpty()) {
      decision =
          new Decision(true, fingerprint, "configuration: applied (first apply to this store)");
    } else if (!hasher.verify(fingerprint, last.get().digest())) {
      decision =
          new Decision(
              true, fingerprint, "configuration: applied (it differs from the last one applied)");
    } else {
      decision =
          new Decision(
              false,
              fingerprint,
              "configuration: unchanged since it was applied at "
                  + last.get().appliedAt()
                  + "; not applied again, so changes made since through the admin API stay"
                  + " (serve --reapply applies it anyway)");
    }
    LOG.atInfo().addKeyValue("apply", decision.apply()).log(decision.why());
    return decision;
  }

  /** Records that the decided content was applied; blocking. */
  void recordApplied(Decision decision) {
    applied.record(hasher.hash(decision.fingerprint()), clock.instant());
  }

  static String fingerprint(RegistryContent content) {
    try {
      byte[] canonical = StoreJson.mapper().writeValueAsBytes(content);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot fingerprint the configuration: " + e.getMessage(), e);
    }
  }
}
