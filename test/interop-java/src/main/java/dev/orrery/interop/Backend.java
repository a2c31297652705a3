package dev.orrery.interop;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Service B of the interoperability test, in Java: the JDK's own HTTP server, with no tracing
 * code at all; the OpenTelemetry Java agent (-javaagent) makes its SERVER spans.
 *
 * <p>Usage: {@code Backend PORT}. Prints {@code READY <port>} on stdout once listening. Exits when
 * stdin reaches EOF (a crashed parent never leaves it running) or on SIGTERM; either way through
 * System.exit, so the agent's shutdown hook flushes the buffered spans.
 */
public final class Backend {
  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(args[0]);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    byte[] body = "{\"price\": 42}".getBytes(StandardCharsets.UTF_8);
    server.createContext("/price", exchange -> {
      try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
        in.readAllBytes();
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        out.write(body);
      }
    });
    server.start();
    System.out.println("READY " + port);
    System.out.flush();

    while (System.in.read() != -1) {
      // Only EOF matters.
    }
    server.stop(0);
    System.exit(0);
  }
}
