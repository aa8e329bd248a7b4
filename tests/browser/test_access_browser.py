"""Who is who, in a real browser: only the owner's cookie opens the studio; every other browser, however
it arrives (a TCP relay, proxy headers, a foreign host name, a fresh profile), gets only the private
page or a review room."""

from __future__ import annotations

import socket
import threading
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from heygen.studio import access
from tests.browser.conftest import OWNER_SECRET, owner_cookie

PRIVATE = "Open the address you were given"
OWNER_PAGES = ("/", "/settings", "/studio", "/present", "/videos?job=0123456789abcdef", "/batch", "/agent")


class Relay:
    """A plain TCP relay on another loopback port, as `ssh -R`, socat or a bare proxy_pass give: it adds
    no header and hides nothing, every connection arrives from 127.0.0.1."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self.listener.close()


@pytest.fixture(scope="module")
def base(module_streamlit_server):
    return module_streamlit_server()


def _private(page) -> None:
    expect(page.get_by_role("heading", name=PRIVATE)).to_be_visible()
    expect(page.get_by_text("Owner address:")).to_be_visible()
    for owner_only in ("Settings", "Videos", "Present", "API key"):
        expect(page.get_by_role("link", name=owner_only)).to_have_count(0)
    expect(page.get_by_text("HeyGen API key")).to_have_count(0)
    expect(page.get_by_text("sandbox", exact=False)).to_have_count(0)


def _studio(page) -> None:
    expect(page.get_by_role("link", name="Settings")).to_be_visible()
    expect(page.get_by_role("heading", name=PRIVATE)).to_have_count(0)


def test_the_owner_address_signs_in_and_leaves_no_secret_in_the_address_bar(browser, base, screenshot):
    owner = browser.new_context()
    page = owner.new_page()
    page.goto(f"{base}/?{access.OWNER_PARAM}={OWNER_SECRET}")
    _studio(page)
    assert OWNER_SECRET not in page.url and urlsplit(page.url).query == ""
    (cookie,) = [c for c in owner.cookies() if c["name"] == access.OWNER_COOKIE]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert OWNER_SECRET not in cookie["value"]
    page.goto(f"{base}/settings")
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    screenshot(page, "owner-settings")
    owner.close()


def test_a_wrong_secret_gets_the_private_page(browser, base):
    stranger = browser.new_context()
    page = stranger.new_page()
    page.goto(f"{base}/?{access.OWNER_PARAM}=not-the-secret")
    _private(page)
    assert "not-the-secret" not in page.url
    assert not [c for c in stranger.cookies() if c["name"] == access.OWNER_COOKIE]
    stranger.close()


@pytest.mark.parametrize("path", OWNER_PAGES)
def test_a_fresh_browser_gets_only_the_private_page(browser, base, path, screenshot):
    stranger = browser.new_context()
    page = stranger.new_page()
    page.goto(base + path)
    _private(page)
    if path == "/settings":
        screenshot(page, "private")
    stranger.close()


@pytest.mark.parametrize("header", [{"X-Forwarded-For": "203.0.113.7"}, {"Forwarded": "for=203.0.113.7"},
                                    {"X-Real-Ip": "203.0.113.7"}])
def test_proxy_headers_from_loopback_change_nothing(browser, base, header):
    stranger = browser.new_context(extra_http_headers=header)
    page = stranger.new_page()
    page.goto(f"{base}/settings")
    _private(page)
    stranger.close()
    owner = browser.new_context(extra_http_headers=header)
    owner.add_cookies([owner_cookie()])
    page = owner.new_page()
    page.goto(f"{base}/settings")
    _studio(page)
    owner.close()


def test_a_plain_tcp_relay_gives_a_stranger_nothing(browser, base, screenshot):
    relay = Relay(urlsplit(base).port)
    try:
        relayed = f"http://127.0.0.1:{relay.port}"
        stranger = browser.new_context()
        page = stranger.new_page()
        for path in ("/", "/settings", "/present"):
            page.goto(relayed + path)
            _private(page)
        screenshot(page, "through-relay")
        stranger.close()
        assert relay.connections > 0
        owner = browser.new_context()
        owner.add_cookies([owner_cookie()])
        page = owner.new_page()
        page.goto(relayed + "/settings")
        _studio(page)
        owner.close()
    finally:
        relay.close()


def test_a_foreign_host_name_is_refused_even_with_the_owner_cookie(browser_type, browser_type_launch_args, base):
    """DNS rebinding: a name that resolves to 127.0.0.1 is not one of the studio's addresses."""
    port = urlsplit(base).port
    args = [*browser_type_launch_args["args"], "--host-resolver-rules=MAP rebind.example 127.0.0.1"]
    rebinding = browser_type.launch(**{**browser_type_launch_args, "args": args})
    try:
        context = rebinding.new_context()
        context.add_cookies([owner_cookie(host="rebind.example")])
        page = context.new_page()
        response = page.goto(f"http://rebind.example:{port}/settings")
        assert response.status == 403
        expect(page.get_by_text("not one of this studio's")).to_be_visible()
        expect(page.get_by_role("link", name="Settings")).to_have_count(0)
    finally:
        rebinding.close()


def test_a_foreign_host_cannot_open_the_websocket(base):
    port = urlsplit(base).port
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall((f"GET /_stcore/stream HTTP/1.1\r\nHost: rebind.example:{port}\r\nUpgrade: websocket\r\n"
                      "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                      "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: streamlit\r\n\r\n").encode())
        answer = sock.recv(4096).decode("latin-1")
    assert answer.startswith("HTTP/1.1 403"), answer.splitlines()[0]


def test_pages_forbid_framing(page, base):
    response = page.goto(base)
    headers = response.headers
    assert headers["content-security-policy"] == "frame-ancestors 'none'"
    assert headers["x-frame-options"] == "DENY"
