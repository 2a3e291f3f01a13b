package io.portcullis.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;

class SoapFaultTest {
  private static final String SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/";
  private static final String SOAP12 = "http://www.w3.org/2003/05/soap-envelope";

  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      value = {
        "application/soap+xml; charset=utf-8; action=\"urn:x\", SOAP_12",
        "Application/SOAP+XML, SOAP_12",
        "text/xml; charset=utf-8, SOAP_11",
        "application/xml, SOAP_11",
        "null, SOAP_11"
      })
  void ofContentTypeWhenRequestContentTypeThenVersion(String contentType, SoapFault.Version v) {
    assertThat(SoapFault.Version.ofContentType(contentType)).isEqualTo(v);
  }

  @Test
  void toXmlWhenSoap11ClientErrorThenClientFaultWithDetail() throws Exception {
    SoapFault fault =
        SoapFault.of(SoapFault.Version.SOAP_11, HttpError.of(401, "invalid_token", "expired"));

    Document xml = parse(fault.toXml());

    assertThat(xml.getDocumentElement().getNamespaceURI()).isEqualTo(SOAP11);
    assertThat(xml.getElementsByTagNameNS(SOAP11, "Fault").getLength()).isEqualTo(1);
    assertThat(text(xml, null, "faultcode")).isEqualTo("soap:Client");
    assertThat(text(xml, null, "faultstring")).isEqualTo("Unauthorized: expired");
    assertThat(text(xml, SoapFault.DETAIL_NAMESPACE, "status")).isEqualTo("401");
    assertThat(text(xml, SoapFault.DETAIL_NAMESPACE, "error")).isEqualTo("invalid_token");
    assertThat(SoapFault.Version.SOAP_11.contentType()).isEqualTo("text/xml; charset=utf-8");
  }

  @Test
  void toXmlWhenSoap12ServerErrorThenReceiverFault() throws Exception {
    SoapFault fault =
        SoapFault.of(SoapFault.Version.SOAP_12, HttpError.of(502, "upstream refused"));

    Document xml = parse(fault.toXml());

    assertThat(xml.getDocumentElement().getNamespaceURI()).isEqualTo(SOAP12);
    assertThat(text(xml, SOAP12, "Value")).isEqualTo("env:Receiver");
    assertThat(text(xml, SOAP12, "Text")).isEqualTo("Bad Gateway: upstream refused");
    assertThat(
            xml.getElementsByTagNameNS(SOAP12, "Text")
                .item(0)
                .getAttributes()
                .getNamedItem("xml:lang")
                .getNodeValue())
        .isEqualTo("en");
    assertThat(text(xml, SoapFault.DETAIL_NAMESPACE, "status")).isEqualTo("502");
    assertThat(xml.getElementsByTagNameNS(SoapFault.DETAIL_NAMESPACE, "error").getLength())
        .isZero();
  }

  @Test
  void toXmlWhenTextHasMarkupAndIllegalCharactersThenEscapedAndStillWellFormed() throws Exception {
    String nasty = "<x>&\"'</x>\u0000\u0007\uD83D\uDE00]]>";
    SoapFault fault =
        new SoapFault(
            SoapFault.Version.SOAP_11, SoapFault.Code.SENDER, nasty, Map.of("detail", nasty));

    Document xml = parse(fault.toXml());

    assertThat(text(xml, null, "faultstring")).isEqualTo("<x>&\"'</x>??\uD83D\uDE00]]>");
  }

  @Test
  void newWhenDetailNameIsNotXmlNameThenRejected() {
    assertThatThrownBy(
            () ->
                new SoapFault(
                    SoapFault.Version.SOAP_11, SoapFault.Code.SENDER, "r", Map.of("a b", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a b");
  }

  private static String text(Document xml, String namespace, String name) {
    return (namespace == null
            ? xml.getElementsByTagName(name)
            : xml.getElementsByTagNameNS(namespace, name))
        .item(0)
        .getTextContent();
  }

  private static Document parse(String xml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    return factory
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }
}
