package io.portcullis.e2e;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser without a page renderer: one cookie jar for every port of 127.0.0.1 (browsers keep
 * cookies apart by host, not by port, which is what several nodes behind one address look like), no
 * redirects followed, forms posted with the page's CSRF token.
 */
final class PageClient {
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  private final CookieManager cookies = new CookieManager();
  private final HttpClient http =
      HttpClient.newBuilder()
          .cookieHandler(cookies)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  HttpResponse<String> get(String base, String path, String... headers) {
    HttpRequest.Builder request = request(base, path, headers).GET();
    return send(request.build());
  }

  HttpResponse<String> post(String base, String path, Map<String, String> form, String... headers) {
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return send(
        request(base, path, headers)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  /** The CSRF token of the page's first form. */
  static String csrf(HttpResponse<String> page) {
    Matcher m = CSRF.matcher(page.body());
    if (!m.find()) throw new AssertionError("no CSRF token in the page: " + page.body());
    return m.group(1);
  }

  /**
   * Signs in through a sign-in page ({@code /login} of the Manager, {@code /portal/login}); returns
   * the answer to the POST.
   */
  HttpResponse<String> signIn(String base, String loginPath, String user, String password) {
    HttpResponse<String> page = get(base, loginPath);
    Map<String, String> form = new LinkedHashMap<>();
    form.put("_csrf", csrf(page));
    form.put("username", user);
    form.put("password", password);
    return post(base, loginPath, form);
  }

  /** Posts a form of the page at {@code pagePath} to {@code action} with its CSRF token. */
  HttpResponse<String> submit(
      String base, String pagePath, String action, Map<String, String> form) {
    Map<String, String> all = new LinkedHashMap<>(form);
    all.put("_csrf", csrf(get(base, pagePath)));
    return post(base, action, all);
  }

  CookieManager cookies() {
    return cookies;
  }

  private static HttpRequest.Builder request(String base, String path, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    for (int i = 0; i < headers.length; i += 2) request.header(headers[i], headers[i + 1]);
    return request;
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
