package io.portcullis.web;

/** Versions of the WebJars the pages load; kept equal to pom.xml's properties. */
final class WebVersions {
  static final String HTMX = "2.0.4";

  private WebVersions() {}
}
