package dev.orrery.recorders;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Creates the topic, then publishes {@code count} records to it with a plain KafkaProducer and no
 * tracing code: the OpenTelemetry Java agent instruments the send.
 * Arguments: bootstrap servers, topic, count.
 */
public final class KafkaProducerApp {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = args[1];
    int count = Integer.parseInt(args[2]);

    Properties adminProps = new Properties();
    adminProps.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(adminProps)) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) throw e;
    }

    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "checkout-producer");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      for (int i = 1; i <= count; i++) {
        var metadata = producer.send(new ProducerRecord<>(topic, "order-" + i, "{\"order\":" + i + "}")).get();
        System.out.println("sent order-" + i + " to " + metadata.topic() + "-" + metadata.partition() + "@" + metadata.offset());
      }
    }
    System.out.println("done");
  }
}
