package io.portcullis.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.portcullis.control.RegistryContent;
import java.util.Map;

/**
 * Writes configuration as the YAML that {@link ConfigLoader} reads: what {@code portcullis export}
 * and the admin API's {@code /export} produce. Passwords and client secrets appear only as hashes
 * ({@code passwordHash}, {@code clientSecretHash}); the store password is never written. Every
 * {@code ${} in a value is written {@code $${}, so that loading the text gives back the same value
 * instead of reading an environment variable.
 */
public final class ConfigWriter {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final RegistryCodec codec;
  private final YAMLMapper yaml =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
          .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
          .build();

  public ConfigWriter() {
    this(new RegistryCodec());
  }

  public ConfigWriter(RegistryCodec codec) {
    this.codec = codec;
  }

  /** The registry content alone, secrets as hashes. */
  public String toYaml(RegistryContent content) {
    return write(codec.writeContent(content, true));
  }

  /**
   * The whole configuration: server sections (every value written out, the store password left
   * out), then the registry content, secrets as hashes.
   */
  public String toYaml(PortcullisConfig config) {
    ObjectNode root = NODES.objectNode();
    GatewayConfig g = config.gateway();
    ObjectNode gateway = root.putObject("gateway");
    gateway.put("listen", g.listen().toString());
    gateway.put("publicUrl", g.publicUrl().toString());
    gateway.put("maxHeaderSize", g.maxHeaderSize());
    gateway.put("maxUriLength", g.maxUriLength());
    gateway.put("maxBodySize", g.maxBodySize());
    gateway.put("drainTimeout", g.drainTimeout().toSeconds());
    gateway.put("verifiedTokenCache", g.verifiedTokenCache());
    ObjectNode timeouts = gateway.putObject("timeouts");
    timeouts.put("requestHead", g.timeouts().requestHead().toMillis());
    timeouts.put("idle", g.timeouts().idle().toMillis());
    timeouts.put("body", g.timeouts().body().toMillis());
    timeouts.put("minBodyRate", g.timeouts().minBodyRate());
    gateway.put("bodyBuffer", g.bodyBuffer());
    gateway
        .putObject("authThrottle")
        .put("failuresPerName", g.authThrottle().failuresPerName())
        .put("failuresPerAddress", g.authThrottle().failuresPerAddress())
        .put("window", g.authThrottle().window().toSeconds())
        .put("maxTracked", g.authThrottle().maxTracked());
    root.putObject("admin").put("listen", config.admin().listen().toString());
    StoreConfig s = config.store();
    if (s.url() != null || s.username() != null) {
      ObjectNode store = root.putObject("store");
      if (s.url() != null) store.put("url", s.url());
      if (s.username() != null) store.put("username", s.username());
    }
    if (config.demo() != null) {
      root.putObject("demo").put("echoUpstream", config.demo().echoUpstream().toString());
    }
    PortalConfig portal = config.portal();
    root.putObject("portal")
        .put("enabled", portal.enabled())
        .put("signUp", portal.signUp().name().toLowerCase(java.util.Locale.ROOT))
        .put("accessRequests", portal.accessRequests().name().toLowerCase(java.util.Locale.ROOT))
        .put("authorizationServer", portal.authorizationServer());
    root.setAll(codec.writeContent(config.content(), true));
    return write(root);
  }

  private String write(ObjectNode root) {
    try {
      return yaml.writeValueAsString(escaped(root));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written as YAML", e);
    }
  }

  /** A copy of the tree with {@code ${} written as {@code $${} in every key and string. */
  private static JsonNode escaped(JsonNode node) {
    if (node.isTextual()) return NODES.textNode(escape(node.textValue()));
    if (node.isArray()) {
      ArrayNode a = NODES.arrayNode();
      node.forEach(item -> a.add(escaped(item)));
      return a;
    }
    if (node.isObject()) {
      ObjectNode o = NODES.objectNode();
      for (Map.Entry<String, JsonNode> e : node.properties())
        o.set(escape(e.getKey()), escaped(e.getValue()));
      return o;
    }
    return node;
  }

  private static String escape(String s) {
    return s.replace("${", "$${");
  }
}
