package dev.orrery.interop;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Service A of the interoperability test, in Java: calls service B with the JDK's
 * java.net.http.HttpClient, with no tracing code at all; the OpenTelemetry Java agent makes
 * the CLIENT spans and injects the W3C traceparent header.
 *
 * <p>Usage: {@code Frontend URL CALLS}. Exits 1 if any call fails; exits through System.exit so
 * the agent's shutdown hook flushes the buffered spans.
 */
public final class Frontend {
  public static void main(String[] args) throws Exception {
    URI url = URI.create(args[0]);
    int calls = Integer.parseInt(args[1]);
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    for (int i = 0; i < calls; i++) {
      HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).GET().build();
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        System.err.println("GET " + url + " answered " + response.statusCode());
        System.exit(1);
      }
    }
    System.out.println("DONE " + calls);
    System.out.flush();
    System.exit(0);
  }
}
