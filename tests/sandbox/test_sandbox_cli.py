"""Sandbox: `python -m heygen.sandbox` prints its base URL, serves, and exits cleanly on SIGTERM."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def start(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-m", "heygen.sandbox", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def read_base_url(process) -> str:
    line = process.stdout.readline().strip()
    assert line.startswith("HEYGEN_API_BASE_URL=http://127.0.0.1:"), line
    return line.split("=", 1)[1]


def test_module_serves_until_sigterm():
    process = start("--key", "cli-key", "--render-seconds", "0.5", "--latency-ms", "0")
    try:
        base = read_base_url(process)
        assert requests.get(base + "/_sandbox/health", timeout=10).json() == {"ok": True}
        assert requests.get(base + "/v3/users/me", headers={"X-Api-Key": "cli-key"}, timeout=10).status_code == 200
        assert requests.get(base + "/v3/users/me", headers={"X-Api-Key": "sandbox-key"}, timeout=10).status_code == 401
        config = requests.get(base + "/_sandbox/config", timeout=10).json()["data"]
        assert config["render_seconds"] == 0.5
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert process.stderr.read() == ""
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()


def test_module_default_key_and_sigint():
    process = start()
    try:
        base = read_base_url(process)
        response = requests.get(base + "/v3/users/me", headers={"X-Api-Key": "sandbox-key"}, timeout=10)
        assert response.status_code == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()
