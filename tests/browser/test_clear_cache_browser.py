"""Streamlit's "clear cache" message, which any browser session can send, resets nothing of the studio:
the worker, the job store and the sandbox are process objects, and a visitor's request is dropped."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from playwright.sync_api import expect
from websockets.sync.client import connect
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from heygen.studio import access
from tests.browser.conftest import owner_cookie
from tests.support import settle


def _listening_ports(pid: int) -> set[int]:
    """The TCP ports process ``pid`` listens on (from /proc: its sockets' inodes in the LISTEN state)."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for table in ("tcp", "tcp6"):
        with open(f"/proc/{pid}/net/{table}") as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                if fields[3] == "0A" and fields[9] in inodes:
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def _threads(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


def _run(socket) -> None:
    """Ask for a run of the app, as a page does, and wait until it has finished."""
    run = BackMsg()
    run.rerun_script.query_string = ""
    socket.send(run.SerializeToString())
    while True:
        msg = ForwardMsg()
        msg.ParseFromString(socket.recv(timeout=60))
        if msg.WhichOneof("type") == "script_finished":
            return


def _clear_cache(socket) -> None:
    msg = BackMsg()
    msg.clear_cache = True
    socket.send(msg.SerializeToString())


def test_clear_cache_from_any_session_resets_no_process_object(streamlit_server, page, tmp_path):
    base = streamlit_server({"HEYGEN_SANDBOX_RENDER_SECONDS": "1"})
    pid = base.pid
    page.goto(base)  # the owner's first page starts the sandbox (no key: the studio runs on it)
    expect(page.get_by_text("Sandbox — no real videos", exact=False).first).to_be_visible()
    page.close()
    owner = f"{access.OWNER_COOKIE}={owner_cookie()['value']}"
    port = urlsplit(base).port

    def sessions(clears: int) -> None:
        for cookie in (None, owner):  # a visitor's request (dropped) and the owner's (Streamlit clears its caches)
            with connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"], open_timeout=30,
                         additional_headers={"Cookie": cookie} if cookie else {}) as socket:
                _run(socket)
                for _ in range(clears):
                    _clear_cache(socket)
                _run(socket)  # a run after the clears, as the page makes

    sessions(clears=0)  # the same sessions without a clear first: the threads a session's work starts
    before_ports = _listening_ports(pid)
    assert len(before_ports) >= 2, before_ports  # the studio's port and the sandbox's
    before_threads = settle(lambda: _threads(pid), quiet=2, timeout=60, message="the server kept starting threads")
    sessions(clears=3)

    after_ports = _listening_ports(pid)
    assert after_ports == before_ports, "a clear cache moved the sandbox or opened another server"
    after_threads = settle(lambda: _threads(pid), quiet=2, timeout=60, message="the server kept starting threads")
    # A worker made again per clear would add its consumer's threads (3 or more) and a sandbox its server's, for
    # each of the owner's 3 clears (9 or more in all); the server's own short-lived threads (a script run, a
    # cache Streamlit really empties fetching again) come and go by a few.
    assert after_threads <= before_threads + 6, f"threads went from {before_threads} to {after_threads}"
