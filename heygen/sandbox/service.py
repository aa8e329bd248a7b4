"""`Sandbox`: start, drive and stop a sandbox server from Python."""

from __future__ import annotations

import socket
import threading

from . import misspeak, translations
from .server import SandboxHTTPServer
from .state import SandboxState

_UNSET = object()


class Sandbox:
    """A HeyGen-v3-compatible server on 127.0.0.1, served from a daemon thread."""

    def __init__(
        self,
        api_key: str = "sandbox-key",
        port: int = 0,
        render_seconds: float = 20.0,
        latency_ms: float = 0,
        username: str = "sandbox",
        *,
        host: str = "127.0.0.1",
        balance: float = 120.0,
        verbose: bool = False,
        **config,
    ):
        self._api_key = api_key
        self._host = host
        self._port = port
        self._verbose = verbose
        config = {"render_seconds": render_seconds, "latency_ms": latency_ms,
                  "balance": balance, **config}
        self.state = SandboxState(api_key, config, username=username)
        self._server: SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ lifecycle

    def start(self) -> "Sandbox":
        """Bind and serve in a daemon thread; returns self."""
        if self._server is not None:
            return self
        self.state.stopping.clear()
        self._server = SandboxHTTPServer((self._host, self._port), self.state, self._verbose)
        self.state.base_url = f"http://{self._host}:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.5},
            name="heygen-sandbox", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self.state.stopping.set()
        stopper = threading.Thread(target=server.shutdown, daemon=True)
        stopper.start()
        while stopper.is_alive():
            self._poke(server.server_port)  # wakes the accept loop so it sees the request
            stopper.join(0.02)
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def _poke(self, port: int) -> None:
        try:
            socket.create_connection((self._host, port), timeout=0.2).close()
        except OSError:
            pass

    def serve_forever(self) -> None:
        """Serve in the calling thread until `stop` is called from elsewhere."""
        self.start()
        self._thread.join()

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"Sandbox(base_url={self.base_url!r}, running={self.running})"

    # ------------------------------------------------------------ facts

    @property
    def base_url(self) -> str:
        """'http://127.0.0.1:<port>' once started, else ''."""
        return self.state.base_url if self._server is not None else ""

    @property
    def port(self) -> int | None:
        """The bound port once started."""
        return self._server.server_port if self._server is not None else None

    @property
    def api_key(self) -> str:
        """The key /v3 requests must send in X-Api-Key."""
        return self._api_key

    @property
    def running(self) -> bool:
        """Whether the server is serving."""
        return self._server is not None

    # ------------------------------------------------------------ control

    def configure(self, **changes) -> dict:
        """Change render_seconds, agent_render_seconds, latency_ms, render_outcome, failure_code,
        failure_message, balance, url_ttl_seconds, max_upload_bytes or waiting_phase; returns the
        whole config."""
        return self.state.configure(**changes)

    @property
    def config(self) -> dict:
        """A copy of the current config."""
        return self.state.get_config()

    def add_fault(self, method=None, path=None, kind="status", status=None, retry_after=None,
                  code=None, message=None, delay_ms=0, times=1, after=False, location=None, query=None) -> dict:
        """Inject a fault for requests matching method and path prefix (a "*" in the path stands for
        one segment, e.g. "/v3/assets/*/complete"; with `query`, carrying those parameters; "*" for
        any value); `times=None` = forever.

        `kind` is status, html, drop, slow or redirect (to `location`). With `after=True` the
        request is carried out first (a create makes its video) and only its answer is replaced
        (a "slow" one is answered late). `delay_ms` may be long (a 30 s create): `release_faults()` or the
        sandbox stopping ends it early. A 504 "status" fault says gateway_timeout (an input download
        timed out), after the work (`after=True`) or before it.
        """
        return self.state.add_fault(method=method, path=path, kind=kind, status=status,
                                    retry_after=retry_after, code=code, message=message,
                                    delay_ms=delay_ms, times=times, after=after, location=location,
                                    query=query)

    def release_faults(self) -> int:
        """End every pending fault delay now: a held slow answer goes out at once."""
        return self.state.release_faults()

    def faults(self) -> list:
        """The active faults."""
        return self.state.list_faults()

    def clear_faults(self) -> None:
        """Remove every fault."""
        self.state.clear_faults()

    def set_video_outcome(self, video_id: str, outcome: str, failure_code=None,
                          failure_message=None, render_seconds=None) -> None:
        """Change one video's fate: complete, fail, never or vanish."""
        self.state.set_video_fate(video_id, outcome, failure_code, failure_message, render_seconds)

    def set_lipsync_outcome(self, lipsync_id: str, outcome: str, failure_message=None, render_seconds=None) -> None:
        """Change one lip-sync's fate: complete, fail, never or vanish."""
        self.state.set_lipsync_fate(lipsync_id, outcome, failure_message, render_seconds)

    def misspeak(self, *, nth: int | None = None, match: str | None = None, kind: str | None = None,
                 times: int | None = 1, video_id: str | None = None, swap=None, change_number=None,
                 drop_sentence: int | bool | None = None, placeholder=None, stretch: float | None = None) -> dict:
        """Make videos say the wrong thing on purpose (their SRT, and for some mistakes their length).

        Which: the ``nth`` create after this call (1 = the next), only creates whose title or script
        contains ``match``, of ``kind`` "video", "agent", "lipsync" (None: any of them) or
        "translation"; ``times`` videos in all (None: every one); or the existing ``video_id``, at once.
        What: ``swap=("John", "Jon")`` (or "John", or True: the first name), ``change_number=("14", "15")``
        (or "14", or True), ``drop_sentence=2`` (-1 or True: the last), ``placeholder="{{company}}"`` (said
        for the first name; or ("Acme", "{{company}}")), ``stretch=1.6``. Returns the rule as JSON; its
        ``applied`` lists what it changed. See heygen.sandbox.misspeak.
        """
        return misspeak.add(self.state, translations.book(self.state).translations.get, nth=nth, match=match, kind=kind, times=times, video_id=video_id,
                            swap=swap, change_number=change_number, drop_sentence=drop_sentence,
                            placeholder=placeholder, stretch=stretch)

    def misspeak_rules(self) -> list:
        """Every misspeak rule since the last clear or reset, each with what it changed (``applied``)."""
        return misspeak.listing(self.state)

    def clear_misspeak(self) -> None:
        """Forget the misspeak rules (videos already changed keep what they say)."""
        misspeak.clear(self.state)

    def reset(self) -> None:
        """Forget videos, assets, idempotency keys, faults, misspeak rules and logs; keep catalogue and config."""
        self.state.reset()

    def requests_log(self, media: bool = False) -> list:
        """Logged /v3 requests (or media requests), oldest first; never holds the API key."""
        return self.state.requests_log(media=media)

    def clear_requests_log(self) -> None:
        """Forget logged requests."""
        self.state.clear_log()
