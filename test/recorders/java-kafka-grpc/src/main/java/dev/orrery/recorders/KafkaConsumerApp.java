package dev.orrery.recorders;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Polls until {@code count} records have been processed, iterating each batch (the loop the
 * OpenTelemetry Java agent wraps in process spans), commits and exits. No tracing code.
 * Arguments: bootstrap servers, topic, count, group id.
 */
public final class KafkaConsumerApp {
  public static void main(String[] args) {
    String bootstrap = args[0];
    String topic = args[1];
    int count = Integer.parseInt(args[2]);
    String group = args[3];

    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "fulfilment-consumer");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    int seen = 0;
    long deadline = System.currentTimeMillis() + 120_000;
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(topic));
      System.out.println("subscribed");
      while (seen < count) {
        if (System.currentTimeMillis() > deadline) throw new IllegalStateException("only " + seen + " of " + count + " records arrived");
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
        for (ConsumerRecord<String, String> record : records) {
          seen++;
          System.out.println("processed " + record.key() + " from " + record.topic() + "-" + record.partition() + "@" + record.offset());
        }
        if (!records.isEmpty()) consumer.commitSync();
      }
    }
    System.out.println("done");
  }
}
