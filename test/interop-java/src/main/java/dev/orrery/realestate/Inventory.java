package dev.orrery.realestate;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * java-inventory, the real-instrumentation estate's Java service (test/src/real-estate/): the
 * JDK's HTTP server, JDBC to PostgreSQL (the pgjdbc driver) and the RabbitMQ Java client, with no
 * tracing code; the OpenTelemetry Java agent (-javaagent) traces all three.
 *
 * <p>POST /reserve {"orderId","sku","quantity"} reserves stock with one UPDATE and publishes the
 * order to {@code shipments.requested} through the default exchange (exchange "", routing key =
 * queue name). Settings from the environment: JDBC_URL, AMQP_URL. Prints {@code READY <port>}
 * once listening; exits when stdin reaches EOF, through System.exit, so the agent's shutdown hook
 * flushes the buffered spans.
 */
public final class Inventory {
  private static final String SHIPMENTS_QUEUE = "shipments.requested";
  private static final Pattern FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*(\"([^\"]*)\"|(-?\\d+))");

  public static void main(String[] args) throws Exception {
    java.sql.Connection database = DriverManager.getConnection(System.getenv("JDBC_URL"));
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(System.getenv("AMQP_URL"));
    Connection broker = factory.newConnection("java-inventory");
    Channel channel = broker.createChannel();
    channel.queueDeclare(SHIPMENTS_QUEUE, true, false, false, null);
    channel.confirmSelect();
    PreparedStatement reserve = database.prepareStatement("UPDATE stock SET reserved = reserved + ? WHERE sku = ?");

    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/reserve", exchange -> {
      try {
        if (!"POST".equals(exchange.getRequestMethod())) {
          respond(exchange, 405, "");
          return;
        }
        String body;
        try (InputStream in = exchange.getRequestBody()) {
          body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String sku = field(body, "sku");
        int quantity = Integer.parseInt(field(body, "quantity"));
        reserve.setInt(1, quantity);
        reserve.setString(2, sku);
        if (reserve.executeUpdate() != 1) {
          respond(exchange, 409, "{\"reserved\":false}");
          return;
        }
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).build();
        channel.basicPublish("", SHIPMENTS_QUEUE, properties, body.getBytes(StandardCharsets.UTF_8));
        channel.waitForConfirmsOrDie(10_000);
        respond(exchange, 200, "{\"reserved\":true}");
      } catch (Exception error) {
        System.err.println("reserve failed: " + error);
        respond(exchange, 500, "");
      }
    });
    server.start();
    System.out.println("READY " + server.getAddress().getPort());
    System.out.flush();

    while (System.in.read() != -1) {
      // Only EOF matters.
    }
    server.stop(0);
    channel.close();
    broker.close();
    database.close();
    System.exit(0);
  }

  private static String field(String json, String name) {
    Matcher matcher = FIELD.matcher(json);
    while (matcher.find()) {
      if (matcher.group(1).equals(name)) return matcher.group(3) != null ? matcher.group(3) : matcher.group(4);
    }
    throw new IllegalArgumentException("no field " + name + " in " + json);
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
