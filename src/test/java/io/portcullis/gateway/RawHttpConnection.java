package io.portcullis.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP/1.1 connection over a plain socket, for what regular clients will not send (two
 * Authorization headers, bare hop-by-hop headers) and for checking that several requests share one
 * connection.
 */
public final class RawHttpConnection implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public RawHttpConnection(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(30_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** One response as read off the wire. */
  public record Response(int status, Map<String, List<String>> headers, byte[] bytes) {
    public String body() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : values.get(0);
    }
  }

  public RawHttpConnection send(String head) throws IOException {
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return this;
  }

  public RawHttpConnection sendBytes(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Reads one response: status line, headers, and a Content-Length or chunked body. */
  public Response read() throws IOException {
    String statusLine = line();
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, List<String>> headers = new TreeMap<>();
    String line;
    while (!(line = line()).isEmpty()) {
      int colon = line.indexOf(':');
      headers
          .computeIfAbsent(
              line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(line.substring(colon + 1).trim());
    }
    if (status == 100) return read();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    List<String> length = headers.get("content-length");
    List<String> encoding = headers.get("transfer-encoding");
    if (length != null) {
      body.write(in.readNBytes(Integer.parseInt(length.get(0))));
    } else if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
      int size;
      while ((size = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0) {
        body.write(in.readNBytes(size));
        line();
      }
      while (!line().isEmpty()) {
        // trailers
      }
    }
    return new Response(status, headers, body.toByteArray());
  }

  /** Reads an interim 100 Continue, if that is what comes next. */
  public int readStatusOnly() throws IOException {
    String statusLine = line();
    while (!line().isEmpty()) {
      // headers of the interim response
    }
    return Integer.parseInt(statusLine.split(" ")[1]);
  }

  /** Whether the server has closed the connection (end of stream on the next read). */
  public boolean closedByServer() throws IOException {
    try {
      return in.read() == -1;
    } catch (java.net.SocketException e) {
      return true;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') break;
      if (b != '\r') line.write(b);
    }
    if (b == -1 && line.size() == 0) throw new IOException("connection closed by the server");
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
