"""Service A of the interoperability test, in Python: calls service B over HTTP with the
standard library's urllib, which `opentelemetry-instrument` instruments (CLIENT spans, W3C
traceparent injected). Usage: frontend.py URL CALLS. Exits non-zero if any call fails; the
SDK's atexit hook flushes the spans on the way out.
"""
import sys
import urllib.request


def main() -> None:
    url, calls = sys.argv[1], int(sys.argv[2])
    for _ in range(calls):
        with urllib.request.urlopen(url, timeout=10) as response:
            if response.status != 200:
                sys.exit(f"GET {url} answered {response.status}")
            response.read()
    print(f"DONE {calls}", flush=True)


if __name__ == "__main__":
    main()
