"""Service B of the interoperability test, in Python: a WSGI app on the standard library's
wsgiref server, traced by the official opentelemetry-instrumentation-wsgi middleware.

Run under `opentelemetry-instrument` (the SDK, exporter and resource all come from OTEL_*
variables). Prints `READY <port>` on stdout once listening; shuts down when stdin reaches EOF
(a crashed parent never leaves it running) or on SIGTERM, and returns normally so the SDK's
atexit hook flushes the buffered spans.
"""
import signal
import sys
import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

from opentelemetry.instrumentation.wsgi import OpenTelemetryMiddleware


def app(environ, start_response):
    body = b'{"price": 42}'
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


class QuietHandler(WSGIRequestHandler):
    # stdout is the protocol with the parent (one READY line); access logs would go to stderr
    # anyway, but they add nothing to a test log.
    def log_message(self, format, *args):
        pass


def main() -> None:
    port = int(sys.argv[1])
    server = make_server("127.0.0.1", port, OpenTelemetryMiddleware(app), handler_class=QuietHandler)

    def stop(*_):
        # shutdown() blocks until serve_forever returns, so it must not run on the serving thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    def watch_stdin():
        while sys.stdin.buffer.read(4096):
            pass
        stop()

    signal.signal(signal.SIGTERM, stop)
    threading.Thread(target=watch_stdin, daemon=True).start()
    print(f"READY {port}", flush=True)
    server.serve_forever(poll_interval=0.1)
    server.server_close()


if __name__ == "__main__":
    main()
