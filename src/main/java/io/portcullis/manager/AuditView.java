package io.portcullis.manager;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.registry.AuditEntry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The audit page's view of entries: each change as the fields that differ, before and after. */
public final class AuditView {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AuditView() {}

  /** One changed field: its path, the value before and after ("" when absent). */
  public record Change(String field, String before, String after) {}

  /** An entry with its changes. */
  public record Entry(
      String time, String actor, String action, String entity, List<Change> changes) {}

  static Entry of(AuditEntry e) {
    Map<String, String> before = flatten(e.before());
    Map<String, String> after = flatten(e.after());
    Set<String> fields = new LinkedHashSet<>(before.keySet());
    fields.addAll(after.keySet());
    List<Change> changes = new ArrayList<>();
    for (String field : fields) {
      String b = before.getOrDefault(field, "");
      String a = after.getOrDefault(field, "");
      if (!b.equals(a)) changes.add(new Change(field, b, a));
    }
    return new Entry(e.time().toString(), e.actor(), e.action(), e.entity(), changes);
  }

  private static Map<String, String> flatten(String json) {
    Map<String, String> out = new LinkedHashMap<>();
    if (json == null) return out;
    try {
      flatten("", JSON.readTree(json), out);
    } catch (JsonProcessingException e) {
      out.put("", json);
    }
    return out;
  }

  private static void flatten(String path, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        flatten(path.isEmpty() ? f.getKey() : path + "." + f.getKey(), f.getValue(), out);
      }
    } else if (node.isArray() && node.size() > 0 && node.get(0).isContainerNode()) {
      for (int i = 0; i < node.size(); i++) flatten(path + "[" + i + "]", node.get(i), out);
    } else if (!node.isNull()) {
      out.put(path, node.isTextual() ? node.asText() : node.toString());
    }
  }
}
