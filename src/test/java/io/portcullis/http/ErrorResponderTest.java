package io.portcullis.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ErrorResponderTest {
  private static Vertx vertx;
  private static HttpServer server;
  private static final HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                request -> {
                  switch (request.path()) {
                    case "/rest" ->
                        ErrorResponder.PROBLEM_JSON.respond(
                            request, HttpError.of(401, "invalid_token", "expired"));
                    case "/soap" ->
                        ErrorResponder.SOAP_FAULT.respond(request, HttpError.of(504, "slow"));
                    case "/problem" ->
                        ErrorResponder.respond(
                            request.response(), Problem.of(422, "bad").with("field", "name"));
                    default -> {
                      request.response().setChunked(true).write("partial");
                      ErrorResponder.PROBLEM_JSON.respond(request, HttpError.of(502, "late"));
                    }
                  }
                })
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  private static HttpResponse<String> call(String path, String contentType) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path));
    if (contentType != null) {
      request.header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString("<x/>"));
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void respondWhenProblemJsonThenStatusMediaTypeAndErrorMember() throws Exception {
    HttpResponse<String> response = call("/rest", null);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(response.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("invalid_token");
  }

  @Test
  void respondWhenSoapFaultThenVersionFollowsRequestContentType() throws Exception {
    HttpResponse<String> soap12 = call("/soap", "application/soap+xml; charset=utf-8");
    HttpResponse<String> soap11 = call("/soap", "text/xml");

    assertThat(soap12.statusCode()).isEqualTo(504);
    assertThat(soap12.headers().firstValue("content-type"))
        .hasValue("application/soap+xml; charset=utf-8");
    assertThat(soap12.body()).contains("<env:Value>env:Receiver</env:Value>");
    assertThat(soap11.headers().firstValue("content-type")).hasValue("text/xml; charset=utf-8");
    assertThat(soap11.body()).contains("<faultcode>soap:Server</faultcode>");
  }

  @Test
  void respondWhenProblemBuiltByCallerThenItsMembersAreKept() throws Exception {
    HttpResponse<String> response = call("/problem", null);

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(new JsonObject(response.body()).getString("field")).isEqualTo("name");
  }

  @Test
  void respondWhenHeadAlreadyWrittenThenResponseIsReset() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> call("/late", null))
        .isInstanceOf(java.io.IOException.class);
  }
}
