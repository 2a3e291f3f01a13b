package io.portcullis.gateway.proxy;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;

/**
 * The hop-by-hop header fields of RFC 9110 §7.6.1, which describe one connection and must not be
 * forwarded: the fixed set, plus every field the message's {@code Connection} header names.
 */
public final class HopByHop {

  /** Always connection-specific, whether {@code Connection} names them or not. */
  public static final List<String> FIELDS =
      List.of(
          "Connection",
          "Keep-Alive",
          "Proxy-Connection",
          "TE",
          "Trailer",
          "Transfer-Encoding",
          "Upgrade",
          "Proxy-Authorization",
          "Proxy-Authenticate");

  private HopByHop() {}

  /** Removes every hop-by-hop field from the headers (which are case-insensitive). */
  public static void strip(MultiMap headers) {
    List<String> named = new ArrayList<>();
    for (String connection : headers.getAll("Connection")) {
      for (String option : connection.split(",")) {
        String name = option.trim();
        if (!name.isEmpty()) named.add(name);
      }
    }
    for (String name : named) headers.remove(name);
    for (String name : FIELDS) headers.remove(name);
  }
}
