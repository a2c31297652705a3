"""py-billing, the estate's Python service: consumes `orders.created` from RabbitMQ with pika,
writes an invoice to PostgreSQL with psycopg, and while processing each message calls out over
HTTP with requests: the ledger (traced) and the payment gateway (a partner API that reports no
traces). No tracing code: run under `opentelemetry-instrument`, configured by OTEL_* variables.

Settings: DATABASE_URL, AMQP_URL, LEDGER_URL, PAYMENT_GATEWAY_URL. Prints `READY 0` once
consuming and `HANDLED <orderId>` per acknowledged message; stops consuming when stdin reaches
EOF (or on SIGTERM) and returns normally, so the SDK's atexit hook flushes the spans.
"""
import json
import os
import signal
import sys
import threading

import pika
import psycopg
import requests

ORDERS_QUEUE = "orders.created"


def main() -> None:
    database = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    ledger_url = os.environ["LEDGER_URL"]
    gateway_url = os.environ["PAYMENT_GATEWAY_URL"]
    http = requests.Session()

    connection = pika.BlockingConnection(pika.URLParameters(os.environ["AMQP_URL"]))
    channel = connection.channel()
    channel.queue_declare(queue=ORDERS_QUEUE, durable=True)
    channel.basic_qos(prefetch_count=1)

    def on_order(ch, method, properties, body):
        order = json.loads(body)
        with database.cursor() as cursor:
            cursor.execute(
                "INSERT INTO invoices (order_id, amount) VALUES (%s, %s)",
                (order["orderId"], order["amount"]),
            )
        http.post(f"{ledger_url}/entries", json={"orderId": order["orderId"], "amount": order["amount"]}, timeout=10).raise_for_status()
        http.post(f"{gateway_url}/charge", json={"orderId": order["orderId"], "amount": order["amount"]}, timeout=10).raise_for_status()
        ch.basic_ack(delivery_tag=method.delivery_tag)
        print(f"HANDLED {order['orderId']}", flush=True)

    channel.basic_consume(queue=ORDERS_QUEUE, on_message_callback=on_order)

    def stop(*_):
        connection.add_callback_threadsafe(channel.stop_consuming)

    def watch_stdin():
        while sys.stdin.buffer.read(4096):
            pass
        stop()

    signal.signal(signal.SIGTERM, stop)
    threading.Thread(target=watch_stdin, daemon=True).start()
    print("READY 0", flush=True)
    channel.start_consuming()
    connection.close()
    database.close()


if __name__ == "__main__":
    main()
