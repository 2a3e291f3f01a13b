package io.portcullis.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A minimal HTTP/2 (prior knowledge, cleartext) client that sends header values as given, without
 * the validation every real client applies: what a hostile peer can put on the wire. The request's
 * header block is HPACK-encoded by Netty; the framing is written here. Of the answer only the body
 * is read (the gateway's errors carry their status in it).
 */
final class RawH2 {
  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int DATA = 0x0;
  private static final int HEADERS = 0x1;
  private static final int RST_STREAM = 0x3;
  private static final int SETTINGS = 0x4;
  private static final int END_STREAM = 0x1;
  private static final int END_HEADERS = 0x4;
  private static final int PADDED = 0x8;
  private static final int PRIORITY = 0x20;

  /**
   * @param headerBlocks how many header blocks stream 1 got (the response head: 1)
   * @param body the DATA of stream 1
   */
  record Answer(int headerBlocks, String body) {}

  private RawH2() {}

  /** GET {@code path} on stream 1 with one extra header, and the answer of stream 1. */
  static Answer get(int port, String path, String name, String value) throws Exception {
    byte[] encoded =
        encode(new DefaultHttp2HeadersEncoder(), 1, request(port, path).add(name, value));
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(PREFACE);
      frame(out, SETTINGS, 0, 0, new byte[0]);
      frame(out, HEADERS, END_STREAM | END_HEADERS, 1, encoded);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      int headerBlocks = 0;
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        Frame frame = read(in, out);
        int type = frame.type();
        int flags = frame.flags();
        byte[] payload = frame.payload();
        if (frame.stream() != 1) continue;
        if (type == HEADERS) {
          headerBlocks++;
        } else if (type == DATA) {
          body.write(payload);
        }
        if ((flags & END_STREAM) != 0) {
          return new Answer(headerBlocks, body.toString(StandardCharsets.UTF_8));
        }
      }
    }
  }

  /**
   * GETs each path on its own stream of one connection, all sent before any answer is read, and the
   * {@code :status} answered on each stream, in order; -1 for a stream that was reset instead.
   */
  static List<Integer> statuses(int port, List<String> paths) throws Exception {
    DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
    DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
    Map<Integer, Integer> statuses = new TreeMap<>();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(PREFACE);
      frame(out, SETTINGS, 0, 0, new byte[0]);
      for (int i = 0; i < paths.size(); i++) {
        byte[] encoded = encode(encoder, 1 + 2 * i, request(port, paths.get(i)));
        frame(out, HEADERS, END_STREAM | END_HEADERS, 1 + 2 * i, encoded);
      }
      DataInputStream in = new DataInputStream(socket.getInputStream());
      int ended = 0;
      while (ended < paths.size()) {
        Frame frame = read(in, out);
        int type = frame.type();
        int flags = frame.flags();
        int stream = frame.stream();
        byte[] payload = frame.payload();
        if (stream == 0) continue;
        if (type == HEADERS) {
          ByteBuf block = Unpooled.wrappedBuffer(payload);
          int padding = (flags & PADDED) != 0 ? block.readUnsignedByte() : 0;
          if ((flags & PRIORITY) != 0) block.skipBytes(5);
          block.writerIndex(block.writerIndex() - padding);
          CharSequence status = decoder.decodeHeaders(stream, block).status();
          block.release();
          // A second HEADERS block (trailers) has no :status.
          if (status != null) statuses.put(stream, Integer.parseInt(status.toString()));
        } else if (type == RST_STREAM) {
          statuses.put(stream, -1);
          ended++;
          continue;
        }
        if ((flags & END_STREAM) != 0) ended++;
      }
    }
    return new ArrayList<>(statuses.values());
  }

  private record Frame(int type, int flags, int stream, byte[] payload) {}

  /** Reads the next frame; acknowledges the server's SETTINGS. */
  private static Frame read(DataInputStream in, OutputStream out) throws Exception {
    int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
    int type = in.readUnsignedByte();
    int flags = in.readUnsignedByte();
    int stream = in.readInt() & 0x7fffffff;
    byte[] payload = in.readNBytes(length);
    if (type == SETTINGS && (flags & 0x1) == 0) frame(out, SETTINGS, 0x1, 0, new byte[0]);
    return new Frame(type, flags, stream, payload);
  }

  private static Http2Headers request(int port, String path) {
    return new DefaultHttp2Headers(false)
        .method("GET")
        .scheme("http")
        .path(path)
        .authority("127.0.0.1:" + port);
  }

  private static byte[] encode(DefaultHttp2HeadersEncoder encoder, int stream, Http2Headers headers)
      throws Exception {
    ByteBuf block = Unpooled.buffer();
    encoder.encodeHeaders(stream, headers, block);
    byte[] encoded = new byte[block.readableBytes()];
    block.readBytes(encoded);
    block.release();
    return encoded;
  }

  private static void frame(OutputStream out, int type, int flags, int stream, byte[] payload)
      throws Exception {
    out.write(payload.length >>> 16);
    out.write(payload.length >>> 8);
    out.write(payload.length);
    out.write(type);
    out.write(flags);
    out.write(stream >>> 24);
    out.write(stream >>> 16);
    out.write(stream >>> 8);
    out.write(stream);
    out.write(payload);
    out.flush();
  }
}
