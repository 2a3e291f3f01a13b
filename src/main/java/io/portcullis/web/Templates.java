package io.portcullis.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * The precompiled JTE templates (built from {@code src/main/jte} by the jte-maven-plugin; nothing
 * is compiled at run time). Every value a template writes is escaped for its HTML context by JTE.
 */
public final class Templates {
  private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

  /** Renders the template (such as {@code manager/apis.jte}) with its one model. */
  public String render(String template, Object model) {
    StringOutput out = new StringOutput();
    engine.render(template, model, out);
    return out.toString();
  }

  /** Renders the template and sends it as the response with the given status. */
  public void send(RoutingContext ctx, int status, String template, Object model) {
    String html = render(template, model);
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .end(html);
  }
}
