package io.portcullis.admin;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * A successful answer of an admin call, built off the event loop and sent on it.
 *
 * @param status the status code
 * @param contentType the body's media type, or null without a body
 * @param body the body, or null
 * @param location the {@code Location} of a created resource, or null
 * @param etag the {@code ETag} of the entity the body shows, or null
 */
record Reply(int status, String contentType, Buffer body, String location, String etag) {

  Reply(int status, String contentType, Buffer body, String location) {
    this(status, contentType, body, location, null);
  }

  /** The same answer with the {@code ETag} of this entity version. */
  Reply withVersion(long version) {
    return new Reply(status, contentType, body, location, EntityTags.of(version));
  }

  static Reply json(int status, Buffer body) {
    return new Reply(status, JsonBodies.MEDIA_TYPE, body, null);
  }

  /** 201 when {@code created} (with the resource's location), else 200. */
  static Reply saved(boolean created, Buffer body, String location) {
    return created
        ? new Reply(201, JsonBodies.MEDIA_TYPE, body, location)
        : new Reply(200, JsonBodies.MEDIA_TYPE, body, null);
  }

  static Reply noContent() {
    return new Reply(204, null, null, null);
  }

  static Reply text(String contentType, String text) {
    return new Reply(200, contentType, Buffer.buffer(text), null);
  }

  void send(RoutingContext ctx) {
    var response = ctx.response();
    if (response.ended() || response.closed()) return;
    response.setStatusCode(status).putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    if (location != null) response.putHeader(HttpHeaders.LOCATION, location);
    if (etag != null) response.putHeader(HttpHeaders.ETAG, etag);
    if (body == null) {
      response.end();
    } else {
      response.putHeader(HttpHeaders.CONTENT_TYPE, contentType).end(body);
    }
  }
}
