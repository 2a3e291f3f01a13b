package io.portcullis.http;

import io.vertx.core.buffer.Buffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A SOAP Fault envelope, in the SOAP version the request used.
 *
 * <p>SOAP 1.1 ({@code text/xml}) carries {@code faultcode} {@code soap:Client} or {@code
 * soap:Server} and a {@code faultstring}; SOAP 1.2 ({@code application/soap+xml}) carries {@code
 * env:Code/env:Value} {@code env:Sender} or {@code env:Receiver} and an {@code env:Reason}. The
 * detail entries become children of one {@code problem} element of the namespace {@value
 * #DETAIL_NAMESPACE}. All text is XML-escaped; characters XML 1.0 cannot carry become {@code ?}.
 *
 * @param version the envelope version
 * @param code whose fault it is
 * @param reason the human-readable fault string
 * @param detail detail element name (an XML NCName) to text, in order; may be empty
 */
public record SoapFault(Version version, Code code, String reason, Map<String, String> detail) {

  public static final String DETAIL_NAMESPACE = "urn:portcullis:fault";

  /** The SOAP version, which decides the envelope namespace and the media type. */
  public enum Version {
    SOAP_11("http://schemas.xmlsoap.org/soap/envelope/", "text/xml; charset=utf-8"),
    SOAP_12("http://www.w3.org/2003/05/soap-envelope", "application/soap+xml; charset=utf-8");

    private final String namespace;
    private final String contentType;

    Version(String namespace, String contentType) {
      this.namespace = namespace;
      this.contentType = contentType;
    }

    public String namespace() {
      return namespace;
    }

    /** The Content-Type of a message in this version. */
    public String contentType() {
      return contentType;
    }

    /**
     * The version of a request with this Content-Type: {@code application/soap+xml} is SOAP 1.2,
     * anything else (including none, as for a GET) is SOAP 1.1.
     */
    public static Version ofContentType(String contentType) {
      if (contentType == null) return SOAP_11;
      String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      return mediaType.equals("application/soap+xml") ? SOAP_12 : SOAP_11;
    }
  }

  /** Whose fault it is: the sender of the message (client) or its receiver (server). */
  public enum Code {
    SENDER("soap:Client", "env:Sender"),
    RECEIVER("soap:Server", "env:Receiver");

    private final String soap11;
    private final String soap12;

    Code(String soap11, String soap12) {
      this.soap11 = soap11;
      this.soap12 = soap12;
    }

    /** The qualified fault code in the given version's envelope prefix. */
    public String qualifiedName(Version version) {
      return version == Version.SOAP_11 ? soap11 : soap12;
    }
  }

  public SoapFault {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(code, "code");
    reason = reason == null ? "" : reason;
    detail = Collections.unmodifiableMap(new LinkedHashMap<>(detail == null ? Map.of() : detail));
    for (String name : detail.keySet()) {
      if (!name.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
        throw new IllegalArgumentException("detail entry name must be an XML NCName, was " + name);
      }
    }
  }

  /**
   * The fault that describes an error answer: a client error (4xx) is the sender's fault, anything
   * else the receiver's; the detail carries the status, the error code (if any), the title and the
   * detail text.
   */
  public static SoapFault of(Version version, HttpError error) {
    Map<String, String> detail = new LinkedHashMap<>();
    detail.put("status", Integer.toString(error.status()));
    if (error.errorCode() != null) detail.put("error", error.errorCode());
    detail.put("title", error.title());
    if (error.detail() != null) detail.put("detail", error.detail());
    String reason = error.detail() == null ? error.title() : error.title() + ": " + error.detail();
    return new SoapFault(
        version, error.clientFault() ? Code.SENDER : Code.RECEIVER, reason, detail);
  }

  /** The envelope as XML text, UTF-8 declared. */
  public String toXml() {
    StringBuilder xml = new StringBuilder(512);
    xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    if (version == Version.SOAP_11) {
      xml.append("<soap:Envelope xmlns:soap=\"").append(version.namespace()).append("\">");
      xml.append("<soap:Body><soap:Fault>");
      xml.append("<faultcode>").append(code.qualifiedName(version)).append("</faultcode>");
      xml.append("<faultstring>").append(escape(reason)).append("</faultstring>");
      if (!detail.isEmpty()) {
        xml.append("<detail>");
        appendDetailEntries(xml);
        xml.append("</detail>");
      }
      xml.append("</soap:Fault></soap:Body></soap:Envelope>");
    } else {
      xml.append("<env:Envelope xmlns:env=\"").append(version.namespace()).append("\">");
      xml.append("<env:Body><env:Fault>");
      xml.append("<env:Code><env:Value>")
          .append(code.qualifiedName(version))
          .append("</env:Value></env:Code>");
      xml.append("<env:Reason><env:Text xml:lang=\"en\">")
          .append(escape(reason))
          .append("</env:Text></env:Reason>");
      if (!detail.isEmpty()) {
        xml.append("<env:Detail>");
        appendDetailEntries(xml);
        xml.append("</env:Detail>");
      }
      xml.append("</env:Fault></env:Body></env:Envelope>");
    }
    return xml.toString();
  }

  public Buffer toBuffer() {
    return Buffer.buffer(toXml());
  }

  private void appendDetailEntries(StringBuilder xml) {
    xml.append("<pc:problem xmlns:pc=\"").append(DETAIL_NAMESPACE).append("\">");
    for (Map.Entry<String, String> entry : detail.entrySet()) {
      String name = entry.getKey();
      xml.append("<pc:").append(name).append('>');
      xml.append(escape(entry.getValue()));
      xml.append("</pc:").append(name).append('>');
    }
    xml.append("</pc:problem>");
  }

  static String escape(String text) {
    if (text == null) return "";
    StringBuilder out = new StringBuilder(text.length() + 16);
    text.codePoints()
        .forEach(
            c -> {
              switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                  if (isXmlChar(c)) {
                    out.appendCodePoint(c);
                  } else {
                    out.append('?');
                  }
                }
              }
            });
    return out.toString();
  }

  private static boolean isXmlChar(int c) {
    return c == 0x9
        || c == 0xA
        || c == 0xD
        || (c >= 0x20 && c <= 0xD7FF)
        || (c >= 0xE000 && c <= 0xFFFD)
        || (c >= 0x10000 && c <= 0x10FFFF);
  }
}
