"""A real studio server (``streamlit run streamlit_app.py``) whose public address is its own loopback port, so
the sandbox can deliver webhooks to it; and a helper to launch renders into its job store from the test."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from heygen import Client, VideoSpec
from heygen.studio.jobs import JobStore
from heygen.studio.launch import create_job, submit

REPO = Path(__file__).resolve().parents[2]
OWNER_SECRET = "webhooks-test-owner-secret-0123456789"
START_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(port: int) -> bool:
    """Whether a Streamlit server answers its health check on ``port``."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/_stcore/health")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


class StudioServer:
    """``streamlit run`` on a fixed port with HEYGEN_STUDIO_PUBLIC_URL set to it; start, stop, start again."""

    def __init__(self, workdir: Path, env: dict[str, str], port: int | None = None) -> None:
        self.workdir = workdir
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**{k: v for k, v in os.environ.items() if k != "HEYGEN_API_KEY"},
                    "PYTHONUNBUFFERED": "1", "HEYGEN_STUDIO_OWNER_SECRET": OWNER_SECRET,
                    "HEYGEN_STUDIO_PUBLIC_URL": self.url, **env}
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> "StudioServer":
        self.starts += 1
        log = self.workdir / f"server{self.starts}.log"
        cmd = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
               "--server.port", str(self.port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(cmd, cwd=REPO, env=self.env, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline and self.proc.poll() is None:
            if healthy(self.port):
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the studio did not start; its output:\n{log.read_text(errors='replace')[-3000:]}")

    def log(self) -> str:
        return "\n".join((self.workdir / f"server{i}.log").read_text(errors="replace")
                         for i in range(1, self.starts + 1))

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def post(self, path: str, body: bytes, headers: dict | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("POST", path, body=body, headers={"Content-Type": "application/json", **(headers or {})})
            answer = conn.getresponse()
            return answer.status, answer.read()
        finally:
            conn.close()


def launch(client: Client, store: JobStore, account: str, n: int, prefix: str = "Hook") -> list:
    """``n`` avatar videos recorded in ``store`` and sent once each, as the Studio page does."""
    look = client.avatars.looks(ownership="public", limit=1)[0]
    jobs = []
    for i in range(n):
        spec = VideoSpec(avatar_id=look.id, voice_id=look.default_voice_id, script=f"Hello number {i}.",
                         title=f"{prefix} {i}")
        jobs.append(submit(client, store, create_job(store, account=account, spec=spec)))
    return jobs


def api_requests(sandbox, video_ids) -> dict[str, int]:
    """The sandbox's /v3 requests about these videos, by kind: creates, detail GETs and bulk status checks."""
    wanted = set(video_ids)
    counts = {"create": 0, "detail": 0, "bulk": 0}
    for entry in sandbox.requests_log():
        if entry["method"] == "POST" and entry["path"] == "/v3/videos":
            made = ((entry.get("response_json") or {}).get("data") or {}).get("video_id")
            counts["create"] += made in wanted
        elif entry["method"] == "GET" and entry["path"].startswith("/v3/videos/"):
            tail = entry["path"].rsplit("/", 1)[1]
            if tail == "statuses":
                ids = ",".join(entry["query"].get("video_ids") or []).split(",")
                counts["bulk"] += bool(wanted & set(ids))
            else:
                counts["detail"] += tail in wanted
    return counts
