package io.portcullis.portal;

import io.portcullis.control.PublicKeys;
import java.util.List;

/** The models of the developer portal's templates (src/main/jte/portal); each page takes one. */
public final class PortalViews {
  private PortalViews() {}

  /**
   * What every signed-in page's layout shows.
   *
   * @param nav {@code apis} or {@code applications}
   * @param theme {@code system}, {@code light} or {@code dark}
   * @param path the current path, for the theme switch to come back to
   * @param flash what just happened; empty for none
   * @param extraScript whether {@code /portal/assets/portal-extra.js} exists and is loaded
   */
  public record Chrome(
      String title,
      String nav,
      String username,
      String csrf,
      String theme,
      String path,
      String flash,
      boolean extraScript) {}

  /** The sign-in page. */
  public record LoginPage(
      String token, String error, String notice, String username, boolean signUp, String theme) {}

  /** The sign-up page. */
  public record SignUpPage(
      String token, String error, String username, boolean approval, String theme) {}

  /**
   * An API as the gallery card and the API page's header show it.
   *
   * @param security how calls are identified, in words
   */
  public record Card(
      String href,
      String name,
      String version,
      String summary,
      String type,
      String security,
      String basePath) {}

  /** The gallery. */
  public record GalleryPage(Chrome chrome, String q, List<Card> cards) {}

  /** One parameter of a resource. */
  public record ParameterView(
      String name, String in, boolean required, String type, String description) {}

  /** One resource (an operation) of the API's document. */
  public record ResourceView(
      String id,
      String method,
      String path,
      String summary,
      List<ParameterView> parameters,
      String body,
      String soapAction) {}

  /** One of the developer's applications and whether it may call the API. */
  public record AppChoice(String name, String clientId, String access) {}

  /**
   * The API page, with the <b>Request API access token</b> dialog when {@code dialog} is true.
   *
   * @param documentNote why no resources are listed; empty when they are
   */
  public record ApiPage(
      Chrome chrome,
      Card api,
      String description,
      List<ResourceView> resources,
      String documentNote,
      List<AppChoice> apps,
      boolean dialog,
      String dialogError,
      String appName,
      String appDescription) {}

  /** The page after <b>Get access token</b> or a new secret: the client secret, shown once. */
  public record SecretPage(
      Chrome chrome,
      String application,
      String clientId,
      String secret,
      String api,
      String status,
      String tryHref,
      boolean created) {}

  /** The Try API console. */
  public record ConsolePage(
      Chrome chrome,
      Card api,
      List<AppChoice> apps,
      String selectedApp,
      List<ResourceView> resources,
      String authorizationServer) {}

  /** A row of My applications. */
  public record AppRow(String href, String name, String clientId, String apis, String pending) {}

  /** My applications. */
  public record AppsPage(Chrome chrome, List<AppRow> rows) {}

  /** One access request as the developer sees it. */
  public record RequestRow(String api, String status, String created, String decidedBy) {}

  /**
   * One application of the developer's.
   *
   * @param traffic the last day's figures: requests, errors, p95 latency; empty when unknown
   */
  public record AppPage(
      Chrome chrome,
      String name,
      String description,
      String clientId,
      String authorizationServer,
      List<String> apis,
      List<RequestRow> requests,
      List<String> traffic,
      List<PublicKeys.Summary> keys,
      String keysError,
      String jwks,
      String pem) {}

  /** A message page (not found, refused). */
  public record MessagePage(Chrome chrome, String heading, String text) {}
}
