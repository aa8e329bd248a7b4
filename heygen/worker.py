"""``python -m heygen.worker``: the studio's background worker as a process of its own.

For team mode (``HEYGEN_STUDIO_QUEUE_URL=redis://…``, ``HEYGEN_STUDIO_DATABASE_URL=postgresql://…``)
run as many as wanted, on any machine that sees the same Redis, database and media folder; or on a
single machine to keep work going while no app server is open. It acts for the account of the
``HEYGEN_API_KEY`` in its environment (the built-in sandbox has no worker of its own).
"""

from __future__ import annotations

import argparse
import logging
import sys

from huey.consumer import Consumer

from heygen.api.client import Client
from heygen.studio import preferences
from heygen.studio import webhooks
from heygen.studio import worker as background
from heygen.studio.batch.store import BatchStore
from heygen.studio.config import Settings, account_fingerprint
from heygen.studio.kinds import KINDS, poll_policy
from heygen.studio.datadir import private_dir
from heygen.studio.jobs import JobStore


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m heygen.worker", description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=4, help="tasks run at once by this process")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env()
    if not settings.api_key:
        print("HEYGEN_API_KEY is not set: the worker needs the key of the account it works for.", file=sys.stderr)
        return 2
    base_url = settings.base_url or "https://api.heygen.com"
    client = Client(settings.api_key, base_url, max_retries=0)
    background.accounts.register(account_fingerprint(settings.api_key, client.base_url), client)
    store = JobStore(settings.database_url or private_dir(settings.data_dir), kinds=KINDS)
    # While an app server receives HeyGen's webhooks for the account, single renders are only checked as a safety net.
    pushed = (webhooks.Health(webhooks.WebhookStore(store.db), pace=settings.webhook_poll_seconds) if settings.webhooks
              else (lambda account: False))
    worker = background.Worker(
        background.make_huey(settings.data_dir, settings.queue_url),
        store,
        BatchStore(store),
        policy_for=lambda kind: poll_policy(settings, kind),
        policy_for_job=lambda job: poll_policy(settings, job.kind, pushed=pushed(job.account)),
        media_root=settings.media_root,
        retention=lambda: preferences.get_retention(settings.data_dir),
    )
    class StudioConsumer(Consumer):
        def _handle_signal(self, signum, frame):  # a stop signal also ends the batch steps' loops
            worker.stop_steps()
            super()._handle_signal(signum, frame)

    consumer = StudioConsumer(worker.huey, workers=max(1, args.threads), worker_type="thread", periodic=False,
                        scheduler_interval=background.SCHEDULER_SECONDS, initial_delay=0.1, backoff=1.15, max_delay=0.5)
    worker.start_chain()
    consumer.run()  # until SIGINT/SIGTERM
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
