"""`python -m heygen.sandbox`: serve in the foreground until SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from .service import Sandbox


def main(argv=None) -> int:
    """Start the sandbox, print its base URL line, wait for a stop signal."""
    parser = argparse.ArgumentParser(prog="python -m heygen.sandbox", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = any free port)")
    parser.add_argument("--key", default="sandbox-key", help="API key clients must send")
    parser.add_argument("--render-seconds", type=float, default=20.0, help="time a render takes")
    parser.add_argument("--latency-ms", type=float, default=0, help="delay added to every API answer")
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")
    args = parser.parse_args(argv)

    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    sandbox = Sandbox(api_key=args.key, port=args.port, render_seconds=args.render_seconds,
                      latency_ms=args.latency_ms, verbose=args.verbose).start()
    print(f"HEYGEN_API_BASE_URL={sandbox.base_url}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
