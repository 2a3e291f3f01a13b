package io.portcullis.portal.document;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Reads the portal's view of a WSDL 1.1 document: the operations of its first SOAP 1.1 or SOAP 1.2
 * binding, each with its {@code soapAction} and an envelope skeleton built from the input message's
 * parts and the schema elements they name (document/literal or rpc).
 *
 * <p>The XML is parsed with no DOCTYPE allowed at all, so neither external nor internal entities
 * exist and no DTD is ever fetched; nesting is capped at {@link #MAX_DEPTH} elements. Imported
 * schemas are not fetched: an element they define gets a {@code ?} placeholder.
 */
final class WsdlReader {
  private static final String KIND = "wsdl";
  static final String WSDL = "http://schemas.xmlsoap.org/wsdl/";
  static final String WSDL_2 = "http://www.w3.org/ns/wsdl";
  static final String SOAP_11 = "http://schemas.xmlsoap.org/wsdl/soap/";
  static final String SOAP_12 = "http://schemas.xmlsoap.org/wsdl/soap12/";
  static final String XSD = "http://www.w3.org/2001/XMLSchema";
  static final String ENVELOPE_11 = "http://schemas.xmlsoap.org/soap/envelope/";
  static final String ENVELOPE_12 = "http://www.w3.org/2003/05/soap-envelope";

  /** Deepest nesting of elements in the document. */
  static final int MAX_DEPTH = 100;

  /** Deepest nesting of elements in an envelope's body, and most elements in it. */
  static final int ENVELOPE_DEPTH = 8;

  static final int ENVELOPE_ELEMENTS = 200;

  private record Name(String namespace, String local) {}

  private final Element root;
  private final Map<Name, Element> elements = new HashMap<>();
  private final Map<Name, Element> types = new HashMap<>();
  private final Map<String, Element> messages = new HashMap<>();
  private final Map<String, Element> portTypes = new HashMap<>();

  private WsdlReader(Element root) {
    this.root = root;
  }

  static ApiDocument read(String text) {
    Element root = parse(text).getDocumentElement();
    String ns = root.getNamespaceURI() == null ? "" : root.getNamespaceURI();
    if (WSDL_2.equals(ns)) {
      throw fail("", "WSDL 2.0 is not read; only WSDL 1.1 (<definitions> in " + WSDL + ")");
    }
    if (!WSDL.equals(ns) || !"definitions".equals(root.getLocalName())) {
      throw new ApiDocumentException(
          "document",
          "",
          "expected an OpenAPI 3 document or a WSDL 1.1 document (<definitions> in "
              + WSDL
              + "); the XML's root element is "
              + OpenApiReader.quote(root.getTagName())
              + (ns.isEmpty() ? " in no namespace" : " in namespace " + OpenApiReader.quote(ns)));
    }
    checkDepth(root);
    return new WsdlReader(root).read();
  }

  private static Document parse(String text) {
    DocumentBuilder builder;
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      builder = f.newDocumentBuilder();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser cannot be made safe", e);
    }
    builder.setEntityResolver(
        (publicId, systemId) -> {
          throw new SAXException("external entities are not read");
        });
    builder.setErrorHandler(
        new ErrorHandler() {
          @Override
          public void warning(SAXParseException e) {}

          @Override
          public void error(SAXParseException e) throws SAXException {
            throw e;
          }

          @Override
          public void fatalError(SAXParseException e) throws SAXException {
            throw e;
          }
        });
    try {
      return builder.parse(new InputSource(new StringReader(text)));
    } catch (SAXParseException e) {
      if (e.getMessage() != null && e.getMessage().contains("DOCTYPE")) {
        throw fail(
            "", "line " + e.getLineNumber() + ": a DOCTYPE is not allowed (no DTD, no entities)");
      }
      throw fail("", "XML syntax at line " + e.getLineNumber() + ": " + e.getMessage());
    } catch (SAXException e) {
      throw fail("", "XML refused: " + e.getMessage());
    } catch (IOException e) {
      throw fail("", "cannot read: " + e.getMessage());
    }
  }

  /** Refuses a document nested deeper than {@link #MAX_DEPTH} (walked without recursion). */
  private static void checkDepth(Element root) {
    Deque<Node> nodes = new ArrayDeque<>();
    Deque<Integer> depths = new ArrayDeque<>();
    nodes.push(root);
    depths.push(1);
    while (!nodes.isEmpty()) {
      Node node = nodes.pop();
      int depth = depths.pop();
      if (depth > MAX_DEPTH) throw fail("", "elements nested deeper than " + MAX_DEPTH + " levels");
      for (Node c = node.getFirstChild(); c != null; c = c.getNextSibling()) {
        if (c.getNodeType() == Node.ELEMENT_NODE) {
          nodes.push(c);
          depths.push(depth + 1);
        }
      }
    }
  }

  private ApiDocument read() {
    for (Element types : children(root, WSDL, "types")) {
      for (Element schema : children(types, XSD, "schema")) indexSchema(schema);
    }
    for (Element message : children(root, WSDL, "message")) {
      messages.put(message.getAttribute("name"), message);
    }
    for (Element portType : children(root, WSDL, "portType")) {
      portTypes.put(portType.getAttribute("name"), portType);
    }
    Element binding = null;
    Element soapBinding = null;
    for (Element candidate : children(root, WSDL, "binding")) {
      soapBinding = first(candidate, SOAP_11, "binding");
      if (soapBinding == null) soapBinding = first(candidate, SOAP_12, "binding");
      if (soapBinding != null) {
        binding = candidate;
        break;
      }
    }
    if (binding == null) {
      throw fail("binding", "no SOAP 1.1 or SOAP 1.2 binding; only SOAP bindings are read");
    }
    boolean soap12 = SOAP_12.equals(soapBinding.getNamespaceURI());
    String bindingName = binding.getAttribute("name");
    String bindingAt = "binding[" + bindingName + "]";
    String portTypeName = local(binding.getAttribute("type"));
    Element portType = portTypes.get(portTypeName);
    if (portType == null) {
      throw fail(
          bindingAt + ".type",
          "names portType " + OpenApiReader.quote(portTypeName) + ", which is not defined");
    }
    String defaultStyle = attribute(soapBinding, "style", "document");
    List<Resource> resources = new ArrayList<>();
    for (Element operation : children(binding, WSDL, "operation")) {
      String name = operation.getAttribute("name");
      String at = bindingAt + ".operation[" + name + "]";
      Element soapOperation = first(operation, soapBinding.getNamespaceURI(), "operation");
      String action = soapOperation == null ? "" : soapOperation.getAttribute("soapAction");
      String style =
          soapOperation == null ? defaultStyle : attribute(soapOperation, "style", defaultStyle);
      Element abstractOperation = null;
      for (Element o : children(portType, WSDL, "operation")) {
        if (o.getAttribute("name").equals(name)) abstractOperation = o;
      }
      if (abstractOperation == null) {
        throw fail(at, "portType " + OpenApiReader.quote(portTypeName) + " has no such operation");
      }
      Element input = first(abstractOperation, WSDL, "input");
      if (input == null) continue; // an output-only operation: nothing to send
      String messageName = local(input.getAttribute("message"));
      Element message = messages.get(messageName);
      if (message == null) {
        throw fail(
            "portType[" + portTypeName + "].operation[" + name + "].input",
            "names message " + OpenApiReader.quote(messageName) + ", which is not defined");
      }
      Element bindingInput = first(operation, WSDL, "input");
      Element soapBody =
          bindingInput == null ? null : first(bindingInput, soapBinding.getNamespaceURI(), "body");
      String rpcNamespace =
          soapBody == null || soapBody.getAttribute("namespace").isEmpty()
              ? root.getAttribute("targetNamespace")
              : soapBody.getAttribute("namespace");
      Envelope envelope = new Envelope();
      if ("rpc".equals(style)) {
        envelope.rpc(name, rpcNamespace, children(message, WSDL, "part"));
      } else {
        envelope.document(children(message, WSDL, "part"));
      }
      resources.add(new Resource("POST", "", name, List.of(), "", action, envelope.text(soap12)));
    }
    String title = root.getAttribute("name");
    if (title.isBlank()) {
      Element service = first(root, WSDL, "service");
      title = service == null ? "" : service.getAttribute("name");
    }
    if (title.isBlank()) title = bindingName;
    return new ApiDocument(ApiDocument.Kind.WSDL, title, "", resources);
  }

  private void indexSchema(Element schema) {
    String ns = schema.getAttribute("targetNamespace");
    for (Element e : children(schema, XSD, "element")) {
      elements.put(new Name(ns, e.getAttribute("name")), e);
    }
    for (Element e : children(schema, XSD, "complexType")) {
      types.put(new Name(ns, e.getAttribute("name")), e);
    }
    for (Element e : children(schema, XSD, "simpleType")) {
      types.put(new Name(ns, e.getAttribute("name")), e);
    }
  }

  /** An envelope's body, written as elements are visited; prefixes chosen per namespace. */
  private final class Envelope {
    private final Map<String, String> prefixes = new LinkedHashMap<>();
    private final StringBuilder body = new StringBuilder();
    private int written;

    void document(List<Element> parts) {
      for (Element part : parts) {
        if (part.hasAttribute("element")) {
          Name name = qname(part, part.getAttribute("element"));
          Element declaration = elements.get(name);
          if (declaration == null) {
            open(name.namespace(), name.local(), 2);
            body.append("?");
            close(name.namespace(), name.local(), 2);
          } else {
            element(declaration, 2, 0);
          }
        } else {
          open("", part.getAttribute("name"), 2);
          typed(part, part.getAttribute("type"), 2, 0);
          close("", part.getAttribute("name"), 2);
        }
      }
    }

    void rpc(String operation, String namespace, List<Element> parts) {
      open(namespace, operation, 2);
      body.append('\n');
      for (Element part : parts) {
        String partName = part.getAttribute("name");
        if (part.hasAttribute("element")) {
          Element declaration = elements.get(qname(part, part.getAttribute("element")));
          if (declaration != null) {
            element(declaration, 3, 1);
            continue;
          }
        }
        open("", partName, 3);
        typed(part, part.getAttribute("type"), 3, 1);
        close("", partName, 3);
      }
      close(namespace, operation, 2);
    }

    /** Writes one element declaration (following {@code ref}) with its content. */
    private void element(Element declaration, int indent, int depth) {
      if (depth > ENVELOPE_DEPTH || ++written > ENVELOPE_ELEMENTS) return;
      if (declaration.hasAttribute("ref")) {
        Element global = elements.get(qname(declaration, declaration.getAttribute("ref")));
        if (global != null) element(global, indent, depth);
        return;
      }
      Element schema = schemaOf(declaration);
      String ns = schema == null ? "" : schema.getAttribute("targetNamespace");
      boolean global = declaration.getParentNode() == schema;
      boolean qualified =
          global
              || "qualified".equals(declaration.getAttribute("form"))
              || schema != null
                  && "qualified".equals(schema.getAttribute("elementFormDefault"))
                  && !"unqualified".equals(declaration.getAttribute("form"));
      String elementNs = qualified ? ns : "";
      String name = declaration.getAttribute("name");
      open(elementNs, name, indent);
      Element complex = first(declaration, XSD, "complexType");
      Element simple = first(declaration, XSD, "simpleType");
      if (complex != null) {
        complex(complex, indent, depth);
      } else if (simple != null) {
        body.append(simpleSample(simple));
      } else if (declaration.hasAttribute("type")) {
        typed(declaration, declaration.getAttribute("type"), indent, depth);
      } else {
        body.append('?');
      }
      close(elementNs, name, indent);
    }

    /** The content of an element or part of a named type. */
    private void typed(Element context, String type, int indent, int depth) {
      if (type.isEmpty()) {
        body.append('?');
        return;
      }
      Name name = qname(context, type);
      if (XSD.equals(name.namespace())) {
        body.append(builtInSample(name.local()));
        return;
      }
      Element definition = types.get(name);
      if (definition == null) {
        body.append('?');
      } else if ("complexType".equals(definition.getLocalName())) {
        complex(definition, indent, depth);
      } else {
        body.append(simpleSample(definition));
      }
    }

    private void complex(Element complexType, int indent, int depth) {
      List<Element> fields = new ArrayList<>();
      collectFields(complexType, fields, 0);
      if (fields.isEmpty()) {
        if (first(complexType, XSD, "simpleContent") != null) body.append('?');
        return;
      }
      body.append('\n');
      for (Element field : fields) element(field, indent + 1, depth + 1);
    }

    /** The element declarations of a complex type: sequence, all, the first of a choice, bases. */
    private void collectFields(Element container, List<Element> fields, int depth) {
      if (depth > ENVELOPE_DEPTH) return;
      for (Node c = container.getFirstChild(); c != null; c = c.getNextSibling()) {
        if (!(c instanceof Element e) || !XSD.equals(e.getNamespaceURI())) continue;
        switch (e.getLocalName()) {
          case "element" -> fields.add(e);
          case "sequence", "all" -> collectFields(e, fields, depth + 1);
          case "choice" -> {
            List<Element> options = new ArrayList<>();
            collectFields(e, options, depth + 1);
            if (!options.isEmpty()) fields.add(options.get(0));
          }
          case "complexContent" -> collectFields(e, fields, depth + 1);
          case "extension", "restriction" -> {
            if (e.hasAttribute("base") && "complexContent".equals(container.getLocalName())) {
              Element base = types.get(qname(e, e.getAttribute("base")));
              if (base != null && "complexType".equals(base.getLocalName())) {
                collectFields(base, fields, depth + 1);
              }
            }
            collectFields(e, fields, depth + 1);
          }
          default -> {}
        }
      }
    }

    private void open(String namespace, String name, int indent) {
      body.append("   ".repeat(indent)).append('<').append(prefixed(namespace, name));
      body.append('>');
    }

    /** Closes an element: on its own line, indented, when its content ended with a line. */
    private void close(String namespace, String name, int indent) {
      if (body.charAt(body.length() - 1) == '\n') body.append("   ".repeat(indent));
      body.append("</").append(prefixed(namespace, name)).append(">\n");
    }

    private String prefixed(String namespace, String name) {
      if (namespace.isEmpty()) return name;
      String prefix =
          prefixes.computeIfAbsent(
              namespace, ns -> prefixes.isEmpty() ? "tns" : "ns" + (prefixes.size() + 1));
      return prefix + ":" + name;
    }

    String text(boolean soap12) {
      StringBuilder s = new StringBuilder("<soapenv:Envelope xmlns:soapenv=\"");
      s.append(soap12 ? ENVELOPE_12 : ENVELOPE_11).append('"');
      prefixes.forEach(
          (ns, prefix) ->
              s.append(" xmlns:").append(prefix).append("=\"").append(escape(ns)).append('"'));
      s.append(">\n   <soapenv:Header/>\n   <soapenv:Body>\n");
      s.append(body);
      s.append("   </soapenv:Body>\n</soapenv:Envelope>\n");
      return s.toString();
    }
  }

  private static String simpleSample(Element simpleType) {
    Element restriction = first(simpleType, XSD, "restriction");
    if (restriction == null) return "?";
    Element enumeration = first(restriction, XSD, "enumeration");
    if (enumeration != null) return escape(enumeration.getAttribute("value"));
    String base = local(restriction.getAttribute("base"));
    return builtInSample(base);
  }

  private static String builtInSample(String xsdType) {
    return switch (xsdType) {
      case "int",
          "integer",
          "long",
          "short",
          "byte",
          "decimal",
          "unsignedInt",
          "unsignedLong",
          "unsignedShort",
          "unsignedByte",
          "nonNegativeInteger",
          "positiveInteger" ->
          "0";
      case "double", "float" -> "0.0";
      case "boolean" -> "false";
      case "dateTime" -> "2024-01-01T00:00:00Z";
      case "date" -> "2024-01-01";
      default -> "?";
    };
  }

  private static Element schemaOf(Element e) {
    for (Node n = e.getParentNode(); n instanceof Element p; n = p.getParentNode()) {
      if (XSD.equals(p.getNamespaceURI()) && "schema".equals(p.getLocalName())) return p;
    }
    return null;
  }

  /** A QName attribute value resolved with the namespace declarations in scope at the element. */
  private static Name qname(Element context, String value) {
    int colon = value.indexOf(':');
    String prefix = colon < 0 ? null : value.substring(0, colon);
    String ns = context.lookupNamespaceURI(prefix);
    if (ns == null && prefix != null) {
      throw fail(
          "",
          "<"
              + context.getTagName()
              + "> names "
              + OpenApiReader.quote(value)
              + " but the prefix '"
              + prefix
              + "' is not declared");
    }
    return new Name(ns == null ? "" : ns, value.substring(colon + 1));
  }

  private static String local(String qname) {
    return qname.substring(qname.indexOf(':') + 1);
  }

  private static String attribute(Element e, String name, String otherwise) {
    return e.hasAttribute(name) ? e.getAttribute(name) : otherwise;
  }

  private static List<Element> children(Element parent, String ns, String local) {
    List<Element> found = new ArrayList<>();
    for (Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
      if (c instanceof Element e
          && ns.equals(e.getNamespaceURI())
          && local.equals(e.getLocalName())) {
        found.add(e);
      }
    }
    return found;
  }

  private static Element first(Element parent, String ns, String local) {
    List<Element> found = children(parent, ns, local);
    return found.isEmpty() ? null : found.get(0);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static ApiDocumentException fail(String at, String problem) {
    return new ApiDocumentException(KIND, at, problem);
  }
}
