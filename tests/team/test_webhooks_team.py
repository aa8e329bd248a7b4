"""Webhooks in team mode for real: an app server with a public address (loopback) and a ``python -m
heygen.worker`` process on one Redis queue and one PostgreSQL database. The app server registers the
endpoint and receives the events; the worker, which polls every 1-2 s without webhooks, only keeps a safety
net while the registration in the database is healthy: each render costs its create and one detail GET."""

from __future__ import annotations

import subprocess
import sys

import pytest

from heygen import Client
from heygen.sandbox import Sandbox
from heygen.studio import archive
from heygen.studio import webhooks as hooks
from heygen.studio.config import account_fingerprint
from heygen.studio.jobs import JobStore
from tests.support import wait_for
from tests.webhooks.studio_server import REPO, StudioServer, api_requests, launch

KEY = "sk-webhooks-team-9a8b7c6d5e4f3a2b"
pytestmark = [pytest.mark.team, pytest.mark.timeout(240)]


def test_team_servers_finish_renders_from_webhooks_with_one_detail_get_each(redis_url, postgres_url, tmp_path):
    with Sandbox(api_key=KEY, render_seconds=2.0, max_concurrent_renders=50) as sandbox, \
            Client(KEY, sandbox.base_url) as client:
        env = {"HEYGEN_API_KEY": KEY, "HEYGEN_API_BASE_URL": sandbox.base_url,
               "HEYGEN_STUDIO_QUEUE_URL": redis_url, "HEYGEN_STUDIO_DATABASE_URL": postgres_url,
               "HEYGEN_STUDIO_DATA_DIR": str(tmp_path / "data"), "HEYGEN_STUDIO_MEDIA_DIR": str(tmp_path / "media"),
               "HEYGEN_POLL_SECONDS": "1", "HEYGEN_MAX_POLL_SECONDS": "2"}
        server = StudioServer(tmp_path, env).start()
        worker = subprocess.Popen([sys.executable, "-m", "heygen.worker", "--threads", "3"], cwd=REPO,
                                  env={**server.env}, stdin=subprocess.DEVNULL,
                                  stdout=open(tmp_path / "worker.log", "wb"), stderr=subprocess.STDOUT)
        store = JobStore(postgres_url)
        try:
            account = account_fingerprint(KEY, client.base_url)
            wait_for(lambda: hooks.WebhookStore(store.db).get(account) is not None, timeout=60,
                     message="the app server never registered its webhook endpoint")
            [endpoint] = client.webhooks.endpoints()
            assert endpoint.url == server.url + hooks.PATH
            jobs = launch(client, store, account, 5, prefix="Team hook")
            wait_for(lambda: all(store.get(j.id).status == "completed" for j in jobs), timeout=120,
                     message="the team never finished the renders")
            wait_for(lambda: all(archive.VIDEO in archive.local_files(store.get(j.id), tmp_path / "media")
                                 for j in jobs), timeout=90,
                     message="the worker did not keep the videos finished by webhooks, as it does after polling")
            counts = api_requests(sandbox, [j.video_id for j in jobs])
            assert counts == {"create": 5, "detail": 5, "bulk": 0}, counts
        finally:
            worker.terminate()
            worker.wait(timeout=30)
            server.stop()
            store.close()
