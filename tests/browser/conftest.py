"""Fixtures for real-browser tests: Debian's chromium through pytest-playwright, a live
Streamlit server per test (or per module) on 127.0.0.1, and screenshots into test-results/.

Every test collected under tests/browser gets the `browser` marker.

Fixtures:
    streamlit_server(env_overrides=None, *, app="streamlit_app.py", cwd=REPO_ROOT) -> base URL
        function-scoped factory; each call starts one server, stopped after the test.
    module_streamlit_server(...)  the same factory, servers stopped after the module.
    screenshot(page, label="") -> Path   saves test-results/<test name>[-<label>].png
    browser_type_launch_args, browser_context_args   chromium at /usr/bin/chromium, 1400x1800.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from heygen.studio import access

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1400, "height": 1800}
STARTUP_TIMEOUT_S = 90.0  # a ceiling, not a wait: on two busy cores a start took over 30 s once (run L)
STOP_TIMEOUT_S = 10.0
SECRET_ENV = ("HEYGEN_API_KEY",)
# The owner's secret every test server is started with; the `context` fixture carries its cookie, so a
# test's `page` is the owner's browser unless it makes a fresh context of its own (a visitor).
OWNER_SECRET = "test-owner-secret-0123456789abcdef"


class ServerURL(str):
    """A test server's base URL, which also knows the server's process id (``pid``)."""

    pid: int

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # Closed network: no background fetches, updates, sync, first-run pages or QUIC.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# What the page shows is waited for up to 30 s (Playwright's own default is 5 s): these tests check what
# the page does, not how fast; on two cores kept busy by other tests a first run once took over 15 s.
expect.set_options(timeout=30_000)


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Browser tests need Debian's chromium at {CHROMIUM}; scripts/test.sh installs it.")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Streamlit scrolls inside its own container, so a tall viewport shows whole pages.
    return {**browser_context_args, "viewport": VIEWPORT}


def owner_cookie(secret: str = OWNER_SECRET, host: str = "127.0.0.1") -> dict:
    """The owner's cookie, as the owner address sets it, for a Playwright context on ``host``."""
    return {"name": access.OWNER_COOKIE, "value": access.owner_cookie(secret), "domain": host, "path": "/",
            "httpOnly": True, "sameSite": "Strict"}


@pytest.fixture
def context(context):
    """pytest-playwright's context, signed in as the studio's owner (the cookie the owner address sets)."""
    context.add_cookies([owner_cookie()])
    return context


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(port: int) -> bool:
    # http.client rather than requests/urllib: no proxy settings can reroute loopback.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/_stcore/health")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no output)"
    return "\n".join(text.splitlines()[-lines:]) or "(no output)"


class StreamlitServers:
    """Starts Streamlit apps as child processes and stops them all on close()."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory):
        self._tmp = tmp_path_factory
        self._running: list[subprocess.Popen] = []
        self.logs: list[Path] = []  # every started server's output, shown when a test fails

    def start(self, env_overrides: dict | None = None, *, app: str | os.PathLike = "streamlit_app.py",
              cwd: str | os.PathLike = REPO_ROOT, args: tuple[str, ...] = ()) -> str:
        """Start `app` (relative to `cwd`) and return its base URL once /_stcore/health answers 200.

        The child gets this process's environment without the API key, plus a fresh
        HEYGEN_STUDIO_DATA_DIR, plus `env_overrides` (which may replace either).
        """
        workdir = self._tmp.mktemp("streamlit")
        env = {k: v for k, v in os.environ.items() if k not in SECRET_ENV}
        env["HEYGEN_STUDIO_DATA_DIR"] = str(workdir / "studio-data")
        env["PYTHONUNBUFFERED"] = "1"
        env["HEYGEN_STUDIO_WORKER"] = "on"  # a real server runs its background worker, as users get it
        env["HEYGEN_STUDIO_OWNER_SECRET"] = OWNER_SECRET
        env.update({k: str(v) for k, v in (env_overrides or {}).items()})
        if not (Path(cwd) / app).is_file():
            pytest.fail(f"Streamlit app not found: {Path(cwd) / app}")

        log = workdir / "server.log"
        self.logs.append(log)
        # A free port can be taken between choosing and binding it: try a few.
        for _attempt in range(3):
            port = _free_port()
            cmd = [
                sys.executable, "-m", "streamlit", "run", str(app),
                "--server.headless", "true",
                "--server.port", str(port),
                "--server.address", "127.0.0.1",
                "--browser.gatherUsageStats", "false",
                "--server.fileWatcherType", "none",
                *args,
            ]
            with open(log, "wb") as out:
                proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                        stdout=out, stderr=subprocess.STDOUT)
            self._running.append(proc)
            deadline = time.monotonic() + STARTUP_TIMEOUT_S
            while time.monotonic() < deadline and proc.poll() is None:
                if _healthy(port):
                    url = ServerURL(f"http://127.0.0.1:{port}")
                    url.pid = proc.pid
                    return url
                time.sleep(0.2)
            self._stop(proc)
            output = _tail(log)
            if f"Port {port} is already in use" not in output:
                break
        reason = "exited" if proc.returncode not in (None, -signal.SIGTERM) else "did not become healthy"
        pytest.fail(
            f"Streamlit server for {app} {reason} within {STARTUP_TIMEOUT_S:.0f} s "
            f"(exit code {proc.returncode}). Last output:\n{output}",
            pytrace=False,
        )

    def _stop(self, proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc in self._running:
            self._running.remove(proc)

    def close(self) -> None:
        for proc in list(self._running):
            self._stop(proc)


def settled(page, timeout: float = 60_000) -> None:
    """Wait until the page's current run has ended (Streamlit marks the app "notRunning")."""
    expect(page.locator("[data-testid=stApp]")).to_have_attribute("data-test-script-state", "notRunning",
                                                                  timeout=timeout)


def _stem(name: str) -> str:
    """A test or label name as a file name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test's report says what each of its browser's pages showed (text, and a screenshot
    test-results/<test name>-at-failure[-N].png) and ends with each of its Streamlit servers' output."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    page = item.funcargs.get("page")
    if page is not None:
        browser = page.context.browser
        pages = [p for context in browser.contexts for p in context.pages] if browser else [page]
        base = _stem(item.name) + "-at-failure"
        for number, shown in enumerate([page] + [p for p in pages if p is not page]):
            name = f"{base}-{number}.png" if number else f"{base}.png"
            try:
                text = shown.evaluate(
                    "() => (document.querySelector('[data-testid=stMain]') || document.body).innerText")
                shot = Path(item.config.rootpath) / "test-results" / name
                shot.parent.mkdir(parents=True, exist_ok=True)
                shown.screenshot(path=str(shot), full_page=True)
                report.sections.append((f"what page {number} showed", f"{shown.url}  ({name})\n{text[-3000:]}"))
            except Exception as exc:  # a closed page or browser: the failure itself is what matters
                report.sections.append((f"what page {number} showed", f"could not be read: {exc}"))
    for name in ("streamlit_server", "module_streamlit_server"):
        servers = getattr(item.funcargs.get(name), "__self__", None)
        for log in getattr(servers, "logs", ()):
            report.sections.append((f"server output {log.parent.name}", _tail(log, 30)))


@pytest.fixture
def streamlit_server(tmp_path_factory):
    """Factory: streamlit_server(env_overrides=None, *, app=..., cwd=...) -> base URL; stopped after the test."""
    servers = StreamlitServers(tmp_path_factory)
    yield servers.start
    servers.close()


@pytest.fixture(scope="module")
def module_streamlit_server(tmp_path_factory):
    """Like streamlit_server, but the servers live until the end of the test module."""
    servers = StreamlitServers(tmp_path_factory)
    yield servers.start
    servers.close()


@pytest.fixture
def screenshot(request):
    """Callable screenshot(page, label="") -> Path saving test-results/<test name>[-<label>].png."""
    out_dir = Path(request.config.rootpath) / "test-results"
    base = _stem(request.node.name)

    def save(page, label: str = "") -> Path:
        name = f"{base}-{_stem(label)}" if label else base
        path = out_dir / f"{name}.png"
        out_dir.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


def show_complete_lists(page, data_dir: str | os.PathLike) -> None:
    """Once the server has fetched the avatar and voice lists (it then keeps them in ``data_dir``),
    bring the page up to date as a user does: the loading note's "Show what has arrived" button (the
    page does not redraw itself while the lists load). Call it after the page's first run is drawn."""
    folder = Path(data_dir) / "catalogues"
    deadline = time.monotonic() + 60
    while not any(folder.glob("catalogue-*.json")):
        if time.monotonic() > deadline:
            raise AssertionError("the server never finished fetching the avatar and voice lists (waited 60 s)")
        time.sleep(0.1)
    more = page.get_by_role("button", name="Show what has arrived")
    loading = page.get_by_text("Loading more", exact=False)
    deadline = time.monotonic() + 60
    # Press the note's button until a run has drawn the complete lists: the first run may not have
    # drawn the button yet, and a press made while a run is still drawing may be overtaken by it.
    while True:
        settled(page)
        if not loading.count():
            break
        if time.monotonic() > deadline:
            raise AssertionError("the page still says the lists are loading (waited 60 s)")
        if more.count():
            try:
                more.first.click(timeout=5_000)
            except PlaywrightTimeout:
                pass  # a run the user had already started drew the complete lists: the note has gone
        time.sleep(0.2)
    # That run has drawn the whole page before the test goes on (a click in the middle of a run
    # starts another one, which can leave the run's old elements on the page for a moment).
    settled(page)


def download(page, button, *, tries: int = 3, timeout: float = 20_000):
    """The download a press of ``button`` (a download button) starts. A download button's file address
    is made anew by every run of the page, and the file a press makes is kept by no run: a run that
    ends as the press falls (a check arriving redraws the page, any session's run) retires the address
    or deletes the file before the browser fetches it. Nothing downloads, or the browser shows a failed
    download named after the address: the user presses again."""
    for attempt in range(1, tries):
        try:
            with page.expect_download(timeout=timeout) as info:
                button.click()
        except PlaywrightTimeout:
            print(f"press {attempt} of {button} started no download; pressing again")
            continue
        failure = info.value.failure()  # waits for the download to end
        if failure is None:
            return info.value
        print(f"press {attempt} of {button}: the download failed ({failure}); pressing again")
    with page.expect_download(timeout=timeout) as info:  # the last press: its outcome is the test's
        button.click()
    return info.value
