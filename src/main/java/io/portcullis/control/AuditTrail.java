package io.portcullis.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.portcullis.registry.AuditEntry;
import io.portcullis.registry.AuditLog;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns a registry change into an audit entry: the entity's JSON before and after, every secret (a
 * field whose name says secret, password, hash or private key) replaced by {@value #MASK}, and
 * nothing recorded when the entity did not change.
 */
final class AuditTrail {
  static final String MASK = "***";

  private final ObjectMapper json;
  private final Clock clock;

  /**
   * @param json the control plane's mapper; a copy of it that also writes {@code java.time} values
   *     (an authorization server's durations) is used, whichever modules the caller's mapper has
   */
  AuditTrail(ObjectMapper json, Clock clock) {
    this.json = json.copy().registerModule(new JavaTimeModule());
    this.clock = clock;
  }

  /**
   * Records the change in the log, in the caller's transaction.
   *
   * @param entity the entity's admin API address, such as {@code apis/photos/v1}
   * @param before the entity before, null when created
   * @param after the entity after, null when deleted
   */
  void record(AuditLog log, String entity, Object before, Object after) {
    if (Objects.equals(before, after)) return;
    record(
        log,
        before == null ? "create" : after == null ? "delete" : "update",
        entity,
        before,
        after);
  }

  /** Records an action of any name (such as {@code revoke}) on the entity. */
  void record(AuditLog log, String action, String entity, Object before, Object after) {
    log.record(
        new AuditEntry(
            0, clock.instant(), Actor.current(), action, entity, masked(before), masked(after)));
  }

  private String masked(Object entity) {
    if (entity == null) return null;
    JsonNode tree = json.valueToTree(entity);
    mask(tree);
    return tree.toString();
  }

  private static void mask(JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode value = object.get(name);
        if (secret(name) && !value.isNull()) object.put(name, MASK);
        else mask(value);
      }
    } else if (node != null && node.isArray()) {
      node.forEach(AuditTrail::mask);
    }
  }

  private static boolean secret(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.contains("secret")
        || n.contains("password")
        || n.contains("hash")
        || n.contains("privatekey");
  }
}
