package io.portcullis.portal.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ApiDocumentsTest {
  /** The start of a minimal OpenAPI 3 document. */
  private static final String HEAD = "openapi: 3.0.3\ninfo: {title: T, version: 1}\n";

  private static final String CALCULATOR_ADD_ENVELOPE =
      """
      <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" \
      xmlns:tns="http://tempuri.org/">
         <soapenv:Header/>
         <soapenv:Body>
            <tns:Add>
               <tns:intA>0</tns:intA>
               <tns:intB>0</tns:intB>
            </tns:Add>
         </soapenv:Body>
      </soapenv:Envelope>
      """;

  static String resource(String name) {
    try (InputStream in = ApiDocumentsTest.class.getResourceAsStream("/documents/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ApiDocument parse(String text) {
    return ApiDocuments.parse(text);
  }

  private static void refused(String text, String message) {
    assertThatThrownBy(() -> ApiDocuments.parse(text))
        .isInstanceOf(ApiDocumentException.class)
        .hasMessage(message);
  }

  private static void refusedContaining(String text, String... fragments) {
    assertThatThrownBy(() -> ApiDocuments.parse(text))
        .isInstanceOf(ApiDocumentException.class)
        .hasMessageContainingAll(fragments);
  }

  // --- OpenAPI ---

  @Test
  void parseWhenPetstoreYamlThenOperationsParametersAndGeneratedBody() {
    ApiDocument doc = parse(resource("petstore.yaml"));

    assertThat(doc.kind()).isEqualTo(ApiDocument.Kind.OPENAPI);
    assertThat(doc.title()).isEqualTo("Swagger Petstore");
    assertThat(doc.version()).isEqualTo("1.0.0");
    assertThat(doc.resources())
        .extracting(r -> r.method() + " " + r.path() + " " + r.summary())
        .containsExactly(
            "GET /pets List all pets",
            "POST /pets Create a pet",
            "GET /pets/{petId} Info for a specific pet");
    Resource list = doc.resources().get(0);
    assertThat(list.parameters())
        .containsExactly(
            new Parameter(
                "limit",
                "query",
                false,
                "integer",
                "How many items to return at one time (max 100)"));
    assertThat(list.requestBodyExample()).isEmpty();
    assertThat(list.soap()).isFalse();
    assertThat(doc.resources().get(1).requestBodyExample())
        .isEqualToIgnoringWhitespace("{\"id\":0,\"name\":\"string\",\"tag\":\"string\"}");
    assertThat(doc.resources().get(2).parameters())
        .containsExactly(
            new Parameter("petId", "path", true, "string", "The id of the pet to retrieve"));
  }

  @Test
  void parseWhenPetstoreJsonThenSameDocumentAsYaml() {
    assertThat(parse(resource("petstore.json"))).isEqualTo(parse(resource("petstore.yaml")));
  }

  @Test
  void parseWhenPetstoreExpandedJsonThenAllOfAndOperationIdsRead() {
    ApiDocument doc = parse(resource("petstore-expanded.json"));

    assertThat(doc.resources())
        .extracting(r -> r.method() + " " + r.path() + " " + r.summary())
        .containsExactly(
            "GET /pets findPets",
            "POST /pets addPet",
            "GET /pets/{id} find pet by id",
            "DELETE /pets/{id} deletePet");
    assertThat(doc.resources().get(0).parameters())
        .extracting(p -> p.name() + ":" + p.type())
        .containsExactly("tags:array", "limit:integer");
    assertThat(doc.resources().get(1).requestBodyExample())
        .isEqualToIgnoringWhitespace("{\"name\":\"string\",\"tag\":\"string\"}");
  }

  @Test
  void parseWhenMediaHasExampleOrExamplesThenTheyAreUsed() {
    String base =
        """
        openapi: 3.1.0
        info: {title: T, version: "2"}
        components:
          examples:
            cat: {value: {name: Tom}}
        paths:
          /a:
            post:
              requestBody:
                content:
                  application/xml: {schema: {type: string}}
                  application/json:
                    example: {name: Rex, tags: [dog]}
          /b:
            put:
              requestBody:
                content:
                  application/json:
                    examples:
                      first: {$ref: '#/components/examples/cat'}
                      second: {value: {name: Other}}
          /c:
            patch:
              requestBody:
                content:
                  text/plain:
                    example: hello
        """;
    ApiDocument doc = parse(base);

    assertThat(doc.resources())
        .extracting(Resource::requestBodyExample)
        .map(s -> s.replaceAll("\\s", ""))
        .containsExactly("{\"name\":\"Rex\",\"tags\":[\"dog\"]}", "{\"name\":\"Tom\"}", "hello");
  }

  @Test
  void parseWhenPathAndOperationParametersThenMergedAndOperationWins() {
    String text =
        HEAD
            + """
        components:
          parameters:
            trace: {name: X-Trace, in: header, schema: {type: [string, "null"]}}
        paths:
          /items/{id}:
            parameters:
              - {name: id, in: path, required: true, schema: {type: string}}
              - {$ref: '#/components/parameters/trace'}
            get:
              parameters:
                - {name: id, in: path, required: true, description: the item, schema: {type: integer}}
                - {name: session, in: cookie}
        """;
    Resource get = parse(text).resources().get(0);

    assertThat(get.parameters())
        .containsExactly(
            new Parameter("id", "path", true, "integer", "the item"),
            new Parameter("X-Trace", "header", false, "string", ""),
            new Parameter("session", "cookie", false, "string", ""));
  }

  @Test
  void parseWhenSchemaContainsItselfThenExampleStopsWhereItWouldRepeat() {
    String text =
        """
        {"openapi": "3.0.3", "info": {"title": "Tree", "version": "1"},
         "paths": {"/nodes": {"post": {"requestBody": {"content": {"application/json":
           {"schema": {"$ref": "#/components/schemas/Node"}}}}}}},
         "components": {"schemas": {"Node": {"type": "object", "properties": {
           "id": {"type": "string", "format": "uuid", "readOnly": true},
           "name": {"type": "string"},
           "created": {"type": "string", "format": "date-time"},
           "kind": {"type": "string", "enum": ["leaf", "branch"]},
           "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}}}}}
        """;

    assertThat(parse(text).resources().get(0).requestBodyExample())
        .isEqualToIgnoringWhitespace(
            "{\"name\":\"string\",\"created\":\"2024-01-01T00:00:00Z\",\"kind\":\"leaf\","
                + "\"children\":[]}");
  }

  @Test
  void parseWhenYamlHasFewAliasesThenTheyAreExpanded() {
    String text =
        HEAD
            + """
        paths:
          /a:
            get:
              parameters: &common
                - {name: q, in: query}
          /b:
            get:
              parameters: *common
        """;

    assertThat(parse(text).resources())
        .extracting(r -> r.parameters().get(0).name())
        .containsExactly("q", "q");
  }

  // --- WSDL ---

  @Test
  void parseWhenCalculatorWsdlThenOperationsOfTheSoap11BindingWithActionsAndEnvelopes() {
    ApiDocument doc = parse(resource("calculator.wsdl"));

    assertThat(doc.kind()).isEqualTo(ApiDocument.Kind.WSDL);
    assertThat(doc.title()).isEqualTo("Calculator");
    assertThat(doc.version()).isEmpty();
    assertThat(doc.resources())
        .extracting(r -> r.method() + " " + r.summary() + " " + r.soapAction())
        .containsExactly(
            "POST Add http://tempuri.org/Add",
            "POST Subtract http://tempuri.org/Subtract",
            "POST Multiply http://tempuri.org/Multiply",
            "POST Divide http://tempuri.org/Divide");
    Resource add = doc.resources().get(0);
    assertThat(add.path()).isEmpty();
    assertThat(add.parameters()).isEmpty();
    assertThat(add.soap()).isTrue();
    assertThat(add.soapEnvelope()).isEqualTo(CALCULATOR_ADD_ENVELOPE);
  }

  @Test
  void parseWhenOnlySoap12BindingThenSoap12EnvelopeNamespace() {
    String wsdl = resource("calculator.wsdl");
    int from = wsdl.indexOf("<wsdl:binding name=\"CalculatorSoap\"");
    int to = wsdl.indexOf("<wsdl:binding name=\"CalculatorSoap12\"");
    ApiDocument doc = parse(wsdl.substring(0, from) + wsdl.substring(to));

    assertThat(doc.resources()).hasSize(4);
    assertThat(doc.resources().get(0).soapEnvelope())
        .isEqualTo(
            CALCULATOR_ADD_ENVELOPE.replace(
                "http://schemas.xmlsoap.org/soap/envelope/",
                "http://www.w3.org/2003/05/soap-envelope"));
  }

  @Test
  void parseWhenRpcStyleWithNamedTypesThenWrapperNamedAfterOperation() {
    String wsdl =
        """
        <definitions name="Orders" xmlns="http://schemas.xmlsoap.org/wsdl/"
            xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
            xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:o="urn:orders"
            targetNamespace="urn:orders">
          <types>
            <xsd:schema targetNamespace="urn:orders">
              <xsd:complexType name="Base"><xsd:sequence>
                <xsd:element name="id" type="xsd:long"/></xsd:sequence></xsd:complexType>
              <xsd:complexType name="Order"><xsd:complexContent><xsd:extension base="o:Base">
                <xsd:sequence><xsd:element name="placed" type="xsd:dateTime"/>
                  <xsd:element name="status" type="o:Status"/>
                  <xsd:choice><xsd:element name="email" type="xsd:string"/>
                    <xsd:element name="phone" type="xsd:string"/></xsd:choice>
                </xsd:sequence></xsd:extension></xsd:complexContent></xsd:complexType>
              <xsd:simpleType name="Status"><xsd:restriction base="xsd:string">
                <xsd:enumeration value="open&amp;new"/><xsd:enumeration value="closed"/>
              </xsd:restriction></xsd:simpleType>
            </xsd:schema>
          </types>
          <message name="PlaceIn"><part name="order" type="o:Order"/>
            <part name="urgent" type="xsd:boolean"/></message>
          <portType name="OrdersPort">
            <operation name="Place"><input message="o:PlaceIn"/></operation>
            <operation name="Watch"><output message="o:PlaceIn"/></operation>
          </portType>
          <binding name="OrdersBinding" type="o:OrdersPort">
            <soap:binding style="rpc" transport="http://schemas.xmlsoap.org/soap/http"/>
            <operation name="Place"><soap:operation soapAction=""/>
              <input><soap:body use="literal" namespace="urn:orders:rpc"/></input></operation>
            <operation name="Watch"><soap:operation soapAction="watch"/></operation>
          </binding>
        </definitions>
        """;
    ApiDocument doc = parse(wsdl);

    assertThat(doc.title()).isEqualTo("Orders");
    assertThat(doc.resources()).hasSize(1);
    Resource place = doc.resources().get(0);
    assertThat(place.summary()).isEqualTo("Place");
    assertThat(place.soapAction()).isEmpty();
    assertThat(place.soapEnvelope())
        .isEqualTo(
            """
            <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" \
            xmlns:tns="urn:orders:rpc">
               <soapenv:Header/>
               <soapenv:Body>
                  <tns:Place>
                     <order>
                        <id>0</id>
                        <placed>2024-01-01T00:00:00Z</placed>
                        <status>open&amp;new</status>
                        <email>?</email>
                     </order>
                     <urgent>false</urgent>
                  </tns:Place>
               </soapenv:Body>
            </soapenv:Envelope>
            """);
  }

  // --- rejections: size, kind, syntax ---

  @Test
  void parseWhenLargerThanOneMebibyteThenRefused() {
    String text = "openapi: 3.0.0\n#" + "x".repeat(ApiDocuments.MAX_CHARS);

    refused(
        text, "document: too large: " + text.length() + " characters; at most 1048576 are read");
  }

  @Test
  void parseWhenNotADocumentThenRefusedNamingWhatWasExpected() {
    refused(
        "just some words",
        "document: expected an OpenAPI 3 document (a JSON or YAML mapping with 'openapi') or a"
            + " WSDL 1.1 document (XML); was a text");
    refused(
        "[1, 2]",
        "document: expected an OpenAPI 3 document (a JSON or YAML mapping with 'openapi') or a"
            + " WSDL 1.1 document (XML); was a list");
    refused("  \n ", "document: the document is empty");
    refused(
        "{\"name\": \"x\"}",
        "openapi: not an OpenAPI 3 document: 'openapi' (the version, such as \"3.0.3\") is"
            + " missing");
    refused(
        "<html><body>hi</body></html>",
        "document: expected an OpenAPI 3 document or a WSDL 1.1 document (<definitions> in"
            + " http://schemas.xmlsoap.org/wsdl/); the XML's root element is 'html' in no"
            + " namespace");
  }

  @Test
  void parseWhenSwagger2ThenRefusedAsOnlyOpenApi3() {
    refused(
        "{\"swagger\": \"2.0\", \"info\": {\"title\": \"Petstore\", \"version\": \"1\"},"
            + " \"paths\": {}}",
        "openapi: swagger: only OpenAPI 3 documents are read; this is Swagger/OpenAPI '2.0':"
            + " convert it to OpenAPI 3 first");
  }

  @Test
  void parseWhenOpenApiVersionIsNot3ThenRefused() {
    refused(
        "openapi: 4.0.0\ninfo: {title: T, version: 1}\n",
        "openapi: openapi: must be an OpenAPI 3 version such as \"3.0.3\" or \"3.1.0\"; was"
            + " '4.0.0'");
  }

  @Test
  void parseWhenInfoIncompleteThenRefusedNamingTheField() {
    refused("openapi: 3.0.0\n", "openapi: info: must be a mapping with 'title' and 'version'");
    refused("openapi: 3.0.0\ninfo: {version: 1}\n", "openapi: info.title: is required");
    refused(
        "openapi: 3.0.0\ninfo: {title: [a], version: 1}\n",
        "openapi: info.title: must be a text; was a list");
    refused(
        "openapi: 3.0.0\ninfo: {title: ' ', version: 1}\n",
        "openapi: info.title: must not be blank");
  }

  @Test
  void parseWhenYamlSyntaxBrokenThenRefusedWithLine() {
    refusedContaining(
        "openapi: 3.0.0\ninfo:\n  title: [unclosed\n", "document: YAML syntax at line ");
  }

  @Test
  void parseWhenJsonSyntaxBrokenOrTrailingTextThenRefusedWithLine() {
    refusedContaining("{\"openapi\": \"3.0.0\",\n \"info\": }", "document: JSON syntax at line 2");
    refused(
        "{\"openapi\": \"3.0.0\"}\n{}", "document: JSON syntax at line 2: text after the document");
  }

  @Test
  void parseWhenDuplicateKeysThenRefused() {
    refused(
        "openapi: 3.0.0\ninfo: {title: A, title: B, version: 1}\n",
        "document: info.title: line 2: duplicate key 'title'");
    refusedContaining(
        "{\"openapi\": \"3.0.0\", \"openapi\": \"3.1.0\"}",
        "document: JSON syntax at line 1: Duplicate field 'openapi'");
  }

  // --- rejections: hostile YAML/JSON ---

  /**
   * Key 'a' holds {@code first}; keys 'b' to {@code last} each hold {@code width} aliases of the
   * previous.
   */
  private static String aliasLadder(String first, char last, int width) {
    StringBuilder text = new StringBuilder("a: &a ").append(first).append('\n');
    for (char c = 'b'; c <= last; c++) {
      text.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < width; i++)
        text.append(i == 0 ? "" : ",").append('*').append((char) (c - 1));
      text.append("]\n");
    }
    return text.toString();
  }

  @Test
  void parseWhenYamlBillionLaughsThenRefusedBeforeExpansion() {
    refused(
        aliasLadder("[lol,lol,lol,lol,lol]", 'j', 9),
        "document: YAML refused: Number of aliases for non-scalar nodes exceeds the specified"
            + " max=20");
  }

  @Test
  void parseWhenYamlAliasesExpandPastTheNodeBudgetThenRefused() {
    // 4 levels of 5 aliases: 20 aliases (allowed), but 2,001 × 5^4 values once expanded.
    refusedContaining(
        aliasLadder("[" + "x,".repeat(2000) + "x]", 'e', 5),
        "values once aliases are expanded (an alias bomb?)",
        "more than 250000");
  }

  @Test
  void parseWhenYamlAliasContainsItselfThenRefused() {
    refusedContaining(
        "openapi: &loop [1, *loop]\n",
        "document: openapi[1][1][1]",
        "…: nested deeper than 100 levels (a recursive alias?)");
  }

  @Test
  void parseWhenNestedTooDeeplyThenRefused() {
    refused(
        "{\"a\":".repeat(150) + "1" + "}".repeat(150),
        "document: nested deeper than 100 levels or a value too long");
    refused(
        "a: " + "[".repeat(150) + "]".repeat(150),
        "document: YAML refused: Nesting Depth exceeded max 100");
  }

  @Test
  void parseWhenYamlHasGlobalTagThenRefused() {
    refused(
        "openapi: 3.0.0\ninfo: {title: !!javax.script.ScriptEngineManager [x], version: 1}\n",
        "document: YAML syntax at line 2: Global tag is not allowed:"
            + " tag:yaml.org,2002:javax.script.ScriptEngineManager");
  }

  // --- rejections: OpenAPI structure and references ---

  @Test
  void parseWhenParameterLocationInvalidThenRefusedNamingTheParameter() {
    refused(
        HEAD
            + """
        paths:
          /pets:
            get:
              parameters:
                - {name: pet, in: body}
        """,
        "openapi: paths./pets.get.parameters[0]: 'in' must be one of query, header, path, cookie;"
            + " was 'body' (a body is 'requestBody' in OpenAPI 3)");
    refused(
        HEAD
            + """
        paths:
          /pets:
            parameters:
              - {name: pet}
        """,
        "openapi: paths./pets.parameters[0]: 'in' must be one of query, header, path, cookie;"
            + " missing");
  }

  @Test
  void parseWhenStructureWrongThenRefusedNamingWhere() {
    refused(
        HEAD + "paths: [1]\n",
        "openapi: paths: must be a mapping of paths to operations; was a list");
    refused(HEAD + "paths: {pets: {}}\n", "openapi: paths.pets: a path must start with '/'");
    refused(
        HEAD + "paths: {/p: 3}\n",
        "openapi: paths./p: must be a mapping of methods to operations; was a number");
    refused(
        HEAD + "paths: {/p: {get: x}}\n",
        "openapi: paths./p.get: must be a mapping (an operation); was a text");
    refused(
        HEAD + "paths: {/p: {get: {parameters: {}}}}\n",
        "openapi: paths./p.get.parameters: must be a list of parameters; was a mapping");
    refused(
        HEAD + "paths: {/p: {get: {parameters: [x]}}}\n",
        "openapi: paths./p.get.parameters[0]: must be a mapping (a parameter); was a text");
    refused(
        HEAD + "paths: {/p: {get: {parameters: [{in: query}]}}}\n",
        "openapi: paths./p.get.parameters[0].name: is required");
    refused(
        HEAD + "paths: {/p: {get: {parameters: [{name: q, in: query, required: 'yes'}]}}}\n",
        "openapi: paths./p.get.parameters[0]: 'required' must be true or false; was a text");
    refused(
        HEAD + "paths: {/p: {post: {requestBody: [1]}}}\n",
        "openapi: paths./p.post.requestBody: must be a mapping (a request body); was a list");
    refused(
        HEAD + "paths: {/p: {post: {requestBody: {content: 1}}}}\n",
        "openapi: paths./p.post.requestBody.content: must be a mapping of media types; was a number");
    refused(
        HEAD + "paths: {/p: {post: {requestBody: {content: {application/json: 1}}}}}\n",
        "openapi: paths./p.post.requestBody.content.application/json: must be a mapping (a media"
            + " type); was a number");
  }

  @Test
  void parseWhenReferenceLeavesTheDocumentThenRefusedAndNothingFetched() {
    refused(
        HEAD
            + """
        paths:
          /pets:
            get:
              parameters:
                - $ref: 'http://127.0.0.1:9/params.yaml#/limit'
        """,
        "openapi: paths./pets.get.parameters[0].$ref: only references inside the document"
            + " ('#/…') are followed; was 'http://127.0.0.1:9/params.yaml#/limit'");
  }

  @Test
  void parseWhenReferencePointsToNothingOrIsNotTextThenRefused() {
    refused(
        HEAD + "paths: {/p: {$ref: '#/components/pathItems/p'}}\n",
        "openapi: paths./p.$ref: '#/components/pathItems/p' points to nothing in the document");
    refused(
        HEAD + "paths: {/p: {$ref: 7}}\n",
        "openapi: paths./p.$ref: must be a text such as '#/components/schemas/Pet'; was a number");
    refused(
        HEAD + "paths: {/p: {$ref: '#/components/%zz'}}\n",
        "openapi: paths./p.$ref: not a JSON pointer such as '#/components/schemas/Pet':"
            + " '#/components/%zz'");
  }

  @Test
  void parseWhenReferencesFormACycleThenRefused() {
    refused(
        HEAD
            + """
        components:
          parameters:
            a: {$ref: '#/components/parameters/b'}
            b: {$ref: '#/components/parameters/a'}
        paths:
          /p:
            get:
              parameters: [{$ref: '#/components/parameters/a'}]
        """,
        "openapi: paths./p.get.parameters[0].$ref: reference cycle through"
            + " '#/components/parameters/a'");
  }

  @Test
  void parseWhenReferenceChainTooLongThenRefused() {
    StringBuilder text =
        new StringBuilder(
            "openapi: 3.0.3\ninfo: {title: T, version: 1}\ncomponents:\n  parameters:\n");
    for (int i = 0; i < 40; i++) {
      text.append("    p")
          .append(i)
          .append(": {$ref: '#/components/parameters/p")
          .append(i + 1)
          .append("'}\n");
    }
    text.append("    p40: {name: q, in: query}\n");
    text.append("paths: {/p: {get: {parameters: [{$ref: '#/components/parameters/p0'}]}}}\n");

    refused(
        text.toString(),
        "openapi: paths./p.get.parameters[0].$ref: more than 32 references in a chain");
  }

  @Test
  void parseWhenPointerIsEscapedThenResolved() {
    String text =
        HEAD
            + """
        paths:
          /a/{id}:
            get:
              parameters: [{name: id, in: path, schema: {type: integer}}]
          /b:
            $ref: '#/paths/~1a~1%7Bid%7D'
        """;

    assertThat(parse(text).resources())
        .extracting(r -> r.path() + " " + r.parameters().get(0).type())
        .containsExactly("/a/{id} integer", "/b integer");
  }

  // --- rejections: hostile XML and WSDL structure ---

  @Test
  void parseWhenWsdlDeclaresExternalEntityThenRefusedAndFileNotRead() {
    String xxe =
        """
        <?xml version="1.0"?>
        <!DOCTYPE definitions [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
        <definitions xmlns="http://schemas.xmlsoap.org/wsdl/" name="&xxe;"/>
        """;

    assertThatThrownBy(() -> ApiDocuments.parse(xxe))
        .isInstanceOf(ApiDocumentException.class)
        .hasMessage("wsdl: line 2: a DOCTYPE is not allowed (no DTD, no entities)")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("root:"));
  }

  @Test
  void parseWhenWsdlLoadsExternalDtdThenRefused() {
    refused(
        "<!DOCTYPE definitions SYSTEM \"http://127.0.0.1:9/evil.dtd\">\n"
            + "<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\"/>",
        "wsdl: line 1: a DOCTYPE is not allowed (no DTD, no entities)");
  }

  @Test
  void parseWhenXmlBillionLaughsThenRefused() {
    StringBuilder bomb = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n");
    bomb.append(" <!ENTITY lol \"lol\">\n");
    for (int i = 1; i <= 9; i++) {
      bomb.append(" <!ENTITY lol").append(i).append(" \"");
      bomb.append(("&lol" + (i == 1 ? "" : String.valueOf(i - 1)) + ";").repeat(10));
      bomb.append("\">\n");
    }
    bomb.append("]>\n<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\">&lol9;</definitions>");

    refused(bomb.toString(), "wsdl: line 2: a DOCTYPE is not allowed (no DTD, no entities)");
  }

  @Test
  void parseWhenXmlNestedTooDeeplyThenRefused() {
    String text =
        "<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\">"
            + "<documentation>".repeat(150)
            + "</documentation>".repeat(150)
            + "</definitions>";

    refused(text, "wsdl: elements nested deeper than 100 levels");
  }

  @Test
  void parseWhenXmlMalformedThenRefusedWithLine() {
    refusedContaining(
        "<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\">\n<types>\n</definitions>",
        "wsdl: XML syntax at line 3: ");
  }

  @Test
  void parseWhenWsdl2ThenRefusedAsOnlyWsdl11() {
    refused(
        "<description xmlns=\"http://www.w3.org/ns/wsdl\"/>",
        "wsdl: WSDL 2.0 is not read; only WSDL 1.1 (<definitions> in"
            + " http://schemas.xmlsoap.org/wsdl/)");
  }

  @Test
  void parseWhenWsdlHasNoSoapBindingThenRefused() {
    String wsdl = resource("calculator.wsdl");
    String httpOnly =
        wsdl.substring(0, wsdl.indexOf("<wsdl:binding name=\"CalculatorSoap\""))
            + wsdl.substring(wsdl.indexOf("<wsdl:service"));

    refused(
        httpOnly, "wsdl: binding: no SOAP 1.1 or SOAP 1.2 binding; only SOAP bindings are read");
  }

  @Test
  void parseWhenWsdlReferencesUndefinedPartsThenRefusedNamingThem() {
    String wsdl = resource("calculator.wsdl");
    refused(
        wsdl.replace(
            "<wsdl:binding name=\"CalculatorSoap\" type=\"tns:CalculatorSoap\">",
            "<wsdl:binding name=\"CalculatorSoap\" type=\"tns:Nope\">"),
        "wsdl: binding[CalculatorSoap].type: names portType 'Nope', which is not defined");
    refused(
        wsdl.replace(
            "<wsdl:input message=\"tns:AddSoapIn\" />", "<wsdl:input message=\"tns:Gone\" />"),
        "wsdl: portType[CalculatorSoap].operation[Add].input: names message 'Gone', which is not"
            + " defined");
    refused(
        wsdl.replace(
            "<wsdl:operation name=\"Divide\">\n      <wsdl:input",
            "<wsdl:operation name=\"Div\">\n      <wsdl:input"),
        "wsdl: binding[CalculatorSoap].operation[Divide]: portType 'CalculatorSoap' has no such"
            + " operation");
    refusedContaining(
        wsdl.replace("element=\"tns:Add\"", "element=\"zz:Add\""),
        "wsdl: <wsdl:part> names 'zz:Add' but the prefix 'zz' is not declared");
  }

  @Test
  void parseWhenPartElementIsNotInTheDocumentThenPlaceholder() {
    String wsdl =
        resource("calculator.wsdl").replace("element=\"tns:Add\"", "element=\"tns:Imported\"");

    assertThat(parse(wsdl).resources().get(0).soapEnvelope())
        .contains("      <tns:Imported>?</tns:Imported>\n");
  }
}
