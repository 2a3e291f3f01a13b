package io.portcullis.web;

import static io.portcullis.web.FormField.Input.CHECKBOX;
import static io.portcullis.web.FormField.Input.CHOICES;
import static io.portcullis.web.FormField.Input.CLAIM_SETS;
import static io.portcullis.web.FormField.Input.JSON;
import static io.portcullis.web.FormField.Input.LINES;
import static io.portcullis.web.FormField.Input.MAP;
import static io.portcullis.web.FormField.Input.NUMBER;
import static io.portcullis.web.FormField.Input.PASSWORD;
import static io.portcullis.web.FormField.Input.TEXT;
import static io.portcullis.web.FormField.Input.WORDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormDocumentTest {
  static final List<FormField> FIELDS =
      List.of(
          FormField.of("name", "Name", TEXT, ""),
          FormField.of("secret", "Secret", PASSWORD, ""),
          FormField.of("timeouts.connect", "Connect", NUMBER, ""),
          FormField.of("active", "Active", CHECKBOX, ""),
          new FormField("policy.methods", "Methods", CHOICES, "", List.of("JWT", "API_KEY")),
          FormField.of("upstream", "Upstream", LINES, ""),
          FormField.of("scopes", "Scopes", WORDS, ""),
          FormField.of("headers", "Headers", MAP, ""),
          FormField.of("identifiers", "Identifiers", CLAIM_SETS, ""),
          FormField.of("jwks", "JWKS", JSON, ""));

  @Test
  void readWhenEveryKindOfInputThenTheEntityDocument() {
    MultiMap form =
        MultiMap.caseInsensitiveMultiMap()
            .add("name", " photos ")
            .add("secret", "")
            .add("timeouts.connect", "1500")
            .add("policy.methods", "JWT")
            .add("policy.methods", "API_KEY")
            .add("upstream", "http://a:1\r\n\r\nhttp://b:2")
            .add("scopes", "read, write  admin")
            .add("headers", "X-Dept=department\nX-Sub = sub")
            .add("identifiers", "sub=photo-app, iss=https://idp\nsub=other")
            .add("jwks", "{\"keys\":[]}");
    Map<String, String> problems = new LinkedHashMap<>();
    ObjectNode doc = FormDocument.read(FIELDS, form, problems);
    assertThat(problems).isEmpty();
    assertThat(doc.toString())
        .isEqualTo(
            "{\"name\":\"photos\",\"timeouts\":{\"connect\":1500},\"active\":false,"
                + "\"policy\":{\"methods\":[\"JWT\",\"API_KEY\"]},"
                + "\"upstream\":[\"http://a:1\",\"http://b:2\"],"
                + "\"scopes\":[\"read\",\"write\",\"admin\"],"
                + "\"headers\":{\"X-Dept\":\"department\",\"X-Sub\":\"sub\"},"
                + "\"identifiers\":[{\"claims\":{\"sub\":\"photo-app\",\"iss\":\"https://idp\"}},"
                + "{\"claims\":{\"sub\":\"other\"}}],\"jwks\":{\"keys\":[]}}");
  }

  @Test
  void readWhenShapesAreWrongThenProblemsNameTheFieldsAndNumbersGoToTheReader() {
    MultiMap form =
        MultiMap.caseInsensitiveMultiMap()
            .add("timeouts.connect", "soon")
            .add("headers", "no equals sign")
            .add("identifiers", "sub")
            .add("jwks", "{not json");
    Map<String, String> problems = new LinkedHashMap<>();
    ObjectNode doc = FormDocument.read(FIELDS, form, problems);
    assertThat(problems).containsOnlyKeys("headers", "identifiers", "jwks");
    assertThat(problems.get("headers")).contains("key=value", "no equals sign");
    assertThat(doc.at("/timeouts/connect").asText()).isEqualTo("soon");
  }

  @Test
  void valuesWhenStoredDocumentThenInputTextsAndNeverASecret() throws Exception {
    ObjectNode stored =
        (ObjectNode)
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(
                    "{\"name\":\"photos\",\"secret\":\"hash\",\"active\":true,"
                        + "\"upstream\":[\"http://a:1\",\"http://b:2\"],"
                        + "\"identifiers\":[{\"claims\":{\"sub\":\"photo-app\"}}],"
                        + "\"headers\":{\"X-Dept\":\"department\"}}");
    Map<String, String> values = FormDocument.values(FIELDS, stored);
    assertThat(values)
        .containsEntry("name", "photos")
        .containsEntry("active", "true")
        .containsEntry("upstream", "http://a:1\nhttp://b:2")
        .containsEntry("identifiers", "sub=photo-app")
        .containsEntry("headers", "X-Dept=department")
        .doesNotContainKey("secret");
  }
}
