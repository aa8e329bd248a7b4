"""The command: read the key and base URL from the environment, run the checks, print the table."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from typing import TextIO

import requests

from heygen.api.client import Client

from .checks import RENDER_TITLE, Checks, HeaderLog
from .report import SKIPPED, Redactor, Row, exit_code, summary, table

NO_KEY = 2
DEFAULT_POLL_SECONDS = 5.0
DEFAULT_TIMEOUT_MINUTES = 20.0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m heygen.smoke",
        description="Check that the HeyGen account in HEYGEN_API_KEY (at HEYGEN_API_BASE_URL, default "
                    "https://api.heygen.com) answers the way the studio assumes. Read-only unless --render.",
    )
    p.add_argument("--render", action="store_true",
                   help="also make one short 720p video (a few credits) and follow it to the end")
    p.add_argument("--poll-seconds", type=float, default=DEFAULT_POLL_SECONDS,
                   help=f"seconds between status checks while rendering (default {DEFAULT_POLL_SECONDS:g})")
    p.add_argument("--timeout-minutes", type=float, default=DEFAULT_TIMEOUT_MINUTES,
                   help=f"give up following the video after this long (default {DEFAULT_TIMEOUT_MINUTES:g})")
    return p


def run(environ: Mapping[str, str], *, render: bool = False, poll_seconds: float = DEFAULT_POLL_SECONDS,
        timeout_minutes: float = DEFAULT_TIMEOUT_MINUTES, out: TextIO = sys.stdout,
        err: TextIO = sys.stderr) -> int:
    """Run every check against the account in ``environ``; print the table to ``out``; the exit code."""
    key = (environ.get("HEYGEN_API_KEY") or "").strip()
    if not key:
        print("HEYGEN_API_KEY is not set. Set it to the API key from your HeyGen account "
              "(Settings -> API) and run again.", file=err)
        return NO_KEY
    redact = Redactor(key)
    headers = HeaderLog()
    session = requests.Session()
    session.hooks["response"].append(headers)
    try:
        client = Client.from_env(environ, session=session, max_retry_wait=10.0)
    except ValueError as exc:
        print(redact(exc), file=err)
        return NO_KEY
    mode = "read-only checks and one short video" if render else "read-only checks"
    print(f"Checking the HeyGen account at {client.base_url} ({mode}).", file=out, flush=True)
    checks = Checks(client, redact, headers, progress=lambda line: print(redact(line), file=err, flush=True))
    steps = [("key", checks.key), ("looks", checks.looks), ("voices", checks.voices),
             ("bulk-statuses", checks.statuses), ("agent-sessions", checks.sessions)]
    if render:
        steps.append(("render", lambda: checks.render(poll_seconds=max(0.05, poll_seconds),
                                                      timeout_seconds=max(1.0, timeout_minutes * 60))))
    stopped = False
    try:
        for name, step in steps:
            try:
                step()
            except KeyboardInterrupt:
                stopped = True
                checks.rows.append(Row(name, "stopped by the user", SKIPPED, "interrupted", unreached=True))
                break
            except Exception as exc:  # a bug here must not print a traceback that could carry answers
                checks.rows.append(Row(name, "the check itself", SKIPPED,
                                       f"the check failed unexpectedly ({type(exc).__name__})", unreached=True))
    finally:
        client.close()
    rows = checks.rows
    if stopped and render:
        print(f"Stopped: a video already sent keeps rendering on HeyGen (title \"{RENDER_TITLE}\").", file=err)
    print(table(rows), file=out)
    print("", file=out)
    print(summary(rows), file=out)
    if checks.found.key_refused:
        print("HeyGen refused the key in HEYGEN_API_KEY: copy it again from your HeyGen account "
              "(Settings -> API).", file=out)
    unreached = sum(1 for row in rows if row.unreached)
    if unreached:
        print(f"{unreached} check(s) got no usable answer (network trouble, HeyGen busy or failing): "
              "run again later.", file=out)
    if not render:
        print("Run with --render to also make one short video and check it end to end.", file=out)
    out.flush()
    return exit_code(rows)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return run(os.environ, render=args.render, poll_seconds=args.poll_seconds, timeout_minutes=args.timeout_minutes)
