package io.portcullis.portal;

import io.portcullis.portal.PortalViews.ParameterView;
import io.portcullis.portal.PortalViews.ResourceView;
import io.portcullis.portal.document.ApiDocument;
import io.portcullis.portal.document.ApiDocumentException;
import io.portcullis.portal.document.ApiDocuments;
import io.portcullis.portal.document.Resource;
import io.portcullis.registry.Api;
import io.portcullis.registry.ApiPortal;
import io.portcullis.registry.OutboundPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An API's document (its {@code portal.openapi} or {@code portal.wsdl}, inline or a file) read into
 * the resources the API page and the Try API console list. Blocking (it may read a file): call it
 * on a worker. A file is read only where the node's {@link OutboundPolicy} lets files be read, and
 * only up to 1 MiB.
 */
public final class ApiDocumentSource {
  static final int MAX_FILE = 1024 * 1024;

  private final OutboundPolicy files;

  /** Resources and, when there are none, why, in words for the page. */
  public record Resources(List<ResourceView> list, String note) {}

  public ApiDocumentSource(OutboundPolicy files) {
    this.files = files;
  }

  /** The API's resources; never throws for a bad document (the note says what is wrong). */
  public Resources resources(Api api) {
    String document = api.portal().document();
    if (document == null) {
      return new Resources(List.of(), "This API has no OpenAPI or WSDL document.");
    }
    String text;
    try {
      text = text(document);
    } catch (IOException | IllegalArgumentException e) {
      return new Resources(List.of(), "The API's document cannot be read: " + e.getMessage());
    }
    return parse(text);
  }

  /** The document's resources, or none and what is wrong with it. */
  private static Resources parse(String text) {
    ApiDocument document;
    try {
      document = ApiDocuments.parse(text);
    } catch (ApiDocumentException e) {
      return new Resources(List.of(), "The API's document cannot be read: " + e.getMessage());
    }
    List<ResourceView> views = new ArrayList<>();
    for (Resource r : document.resources()) {
      views.add(
          new ResourceView(
              String.valueOf(views.size()),
              r.method(),
              r.path(),
              r.summary(),
              r.parameters().stream()
                  .map(
                      p ->
                          new ParameterView(
                              p.name(), p.in(), p.required(), p.type(), p.description()))
                  .toList(),
              r.soap() ? r.soapEnvelope() : r.requestBodyExample(),
              r.soapAction()));
    }
    return new Resources(views, views.isEmpty() ? "The API's document describes no resource." : "");
  }

  private String text(String document) throws IOException {
    if (ApiPortal.isInline(document)) return document;
    files
        .checkFile(document)
        .ifPresent(
            why -> {
              throw new IllegalArgumentException(why);
            });
    Path path = Path.of(document.strip());
    if (Files.size(path) > MAX_FILE) {
      throw new IllegalArgumentException("the file is over " + MAX_FILE + " bytes");
    }
    return Files.readString(path, StandardCharsets.UTF_8);
  }
}
