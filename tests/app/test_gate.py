"""The gate in front of Streamlit (ui.server.Gate), called as the ASGI server calls it: host names, the owner
address and invite links turned into cookies, headers, and who each browser is (never by its address)."""

from __future__ import annotations

import asyncio
from http.cookies import SimpleCookie

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg

from heygen.studio import access
from ui import process, server

SECRET = "gate-test-owner-secret-0123456789"


@pytest.fixture(autouse=True)
def studio(tmp_path, monkeypatch):
    monkeypatch.setenv("HEYGEN_STUDIO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HEYGEN_STUDIO_OWNER_SECRET", SECRET)
    monkeypatch.setenv("HEYGEN_STUDIO_WORKER", "off")
    monkeypatch.delenv("HEYGEN_STUDIO_DATABASE_URL", raising=False)
    monkeypatch.delenv("HEYGEN_STUDIO_PUBLIC_URL", raising=False)
    process.reset()
    yield
    process.reset()


def call(path: str = "/", query: str = "", headers: dict | None = None, kind: str = "http"):
    """Run one request through the gate; returns (what reached Streamlit or None, messages sent back)."""
    reached, sent = [], []

    async def app(scope, receive, send):
        reached.append(scope)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": b"page"})

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    given = {"host": "127.0.0.1:8501", **(headers or {})}
    scope = {"type": kind, "path": path, "root_path": "", "query_string": query.encode(), "scheme": "http",
             "headers": [(k.lower().encode(), v.encode()) for k, v in given.items()]}
    asyncio.run(server.Gate(app)(scope, receive, send))
    return (reached[0] if reached else None), sent


def response_headers(sent) -> list[tuple[str, str]]:
    start = next(m for m in sent if m["type"] == "http.response.start")
    return [(k.decode(), v.decode()) for k, v in start["headers"]]


def test_the_owner_address_sets_the_cookie_and_drops_the_secret():
    reached, sent = call("/settings", f"owner={SECRET}&job=abc")
    assert reached is None
    start = sent[0]
    assert start["status"] == 303
    headers = response_headers(sent)
    assert ("location", "/settings?job=abc") in headers
    (cookie_line,) = [v for k, v in headers if k == "set-cookie"]
    cookie = SimpleCookie(cookie_line)[access.OWNER_COOKIE]
    assert cookie.value == access.owner_cookie(SECRET) and SECRET not in cookie_line
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/"


def test_a_wrong_secret_sets_nothing():
    _, sent = call("/", "owner=guess")
    assert sent[0]["status"] == 303
    assert not [v for k, v in response_headers(sent) if k == "set-cookie"]


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8501", "127.0.0.1.nip.example", "[::2]:8501"])
def test_a_foreign_host_is_refused(host):
    reached, sent = call(headers={"host": host, "cookie": f"{access.OWNER_COOKIE}={access.owner_cookie(SECRET)}"})
    assert reached is None and sent[0]["status"] == 403


@pytest.mark.parametrize("host", ["localhost:8501", "127.0.0.1", "[::1]:8501", "LOCALHOST"])
def test_this_computers_names_are_served_with_headers_that_forbid_framing(host):
    reached, sent = call(headers={"host": host})
    assert reached is not None
    headers = dict(response_headers(sent))
    assert headers["content-security-policy"] == "frame-ancestors 'none'" and headers["x-frame-options"] == "DENY"


def test_the_public_address_is_served(monkeypatch):
    monkeypatch.setenv("HEYGEN_STUDIO_PUBLIC_URL", "https://studio.example.com/")
    process.reset()
    assert call(headers={"host": "studio.example.com"})[0] is not None


def test_a_new_browser_gets_a_visitor_cookie_once():
    _, sent = call()
    (line,) = [v for k, v in response_headers(sent) if k == "set-cookie"]
    assert line.startswith(f"{access.VISITOR_COOKIE}=")
    _, sent = call(headers={"cookie": f"{access.VISITOR_COOKIE}=abc"})
    assert not [v for k, v in response_headers(sent) if k == "set-cookie"]


@pytest.mark.parametrize("proxy", [{}, {"x-forwarded-for": "203.0.113.9"}, {"forwarded": "for=203.0.113.9"},
                                   {"x-real-ip": "203.0.113.9"}])
def test_who_is_who_depends_on_the_cookie_only(proxy):
    assert server.role_for({}) == ("visitor", None)
    assert server.role_for({access.OWNER_COOKIE: "forged"}) == ("visitor", None)
    assert server.role_for({access.OWNER_COOKIE: access.owner_cookie(SECRET)}) == ("owner", None)
    assert server.role_for({access.OWNER_COOKIE: access.owner_cookie("another secret")}) == ("visitor", None)


def test_an_invite_signs_a_member_in_until_it_is_revoked():
    member, token = process.members().invite("  Dana   Lee ")
    assert member.name == "Dana Lee"
    assert token not in str(process.job_store().db.run(
        lambda c: c.exec_driver_sql("SELECT * FROM members").fetchall(), write=False))
    _, sent = call("/", f"invite={token}")
    (line,) = [v for k, v in response_headers(sent) if k == "set-cookie"]
    assert SimpleCookie(line)[access.MEMBER_COOKIE].value == token
    assert server.role_for({access.MEMBER_COOKIE: token}) == ("member", "Dana Lee")
    process.members().revoke(member.id)
    assert server.role_for({access.MEMBER_COOKIE: token}) == ("visitor", None)
    _, sent = call("/", f"invite={token}")
    assert ("location", "/?signin=invalid") in response_headers(sent)


def test_a_review_only_server_makes_everyone_a_visitor(monkeypatch):
    monkeypatch.setenv("HEYGEN_STUDIO_REVIEW_ONLY", "1")
    process.reset()
    assert server.role_for({access.OWNER_COOKIE: access.owner_cookie(SECRET)}) == ("visitor", None)


def test_the_owner_secret_is_made_once_and_kept_private(tmp_path):
    first = access.owner_secret(tmp_path / "data")
    assert access.owner_secret(tmp_path / "data") == first and len(first) >= 32
    assert (tmp_path / "data" / access.SECRET_FILE).stat().st_mode & 0o077 == 0
    assert access.owner_secret(tmp_path / "data", "given") == "given"


@pytest.mark.parametrize("owner", [False, True])
def test_only_the_owner_can_clear_streamlits_caches(owner):
    clear, rerun = BackMsg(), BackMsg()
    clear.clear_cache = True
    rerun.rerun_script.query_string = ""
    incoming = [{"type": "websocket.receive", "bytes": m.SerializeToString()} for m in (clear, rerun)]
    seen = []

    async def app(scope, receive, send):
        for _ in range(len(incoming) - (0 if owner else 1)):
            seen.append(BackMsg.FromString((await receive())["bytes"]).WhichOneof("type"))

    async def receive():
        return incoming.pop(0)

    async def send(message):
        raise AssertionError(message)

    cookie = f"{access.OWNER_COOKIE}={access.owner_cookie(SECRET)}" if owner else ""
    scope = {"type": "websocket", "path": "/_stcore/stream", "query_string": b"",
             "headers": [(b"host", b"127.0.0.1:8501"), (b"cookie", cookie.encode())]}
    asyncio.run(server.Gate(app)(scope, receive, send))
    assert seen == (["clear_cache", "rerun_script"] if owner else ["rerun_script"])


def styled_call(path: str, content_type: bytes = b"text/html; charset=utf-8", method: str = "GET"):
    """A page of two chunks through the gate, as Streamlit sends its index.html: (status, headers, body)."""
    page = [b"<html><head><title>S</title>", b"</head><body></body></html>"]
    sent, asked = [], []

    async def app(scope, receive, send):
        asked.append(dict(scope["headers"]))
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", content_type), (b"content-length", str(sum(map(len, page))).encode()),
                                (b"etag", b'"abc"'), (b"last-modified", b"Mon, 07 Dec 2026 08:00:00 GMT")]})
        await send({"type": "http.response.body", "body": page[0], "more_body": True})
        await send({"type": "http.response.body", "body": page[1]})

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "root_path": "", "query_string": b"", "scheme": "http",
             "headers": [(b"host", b"127.0.0.1:8501"), (b"accept-encoding", b"gzip, deflate, br")]}
    asyncio.run(server.Gate(app)(scope, receive, send))
    headers = dict(response_headers(sent))
    headers["asked-encoding"] = asked[0].get(b"accept-encoding", b"").decode()
    return sent[0]["status"], headers, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


@pytest.mark.parametrize("path", ["/", "/batch", "/videos"])
def test_every_page_carries_the_studios_styles_in_its_head(path):
    status, headers, body = styled_call(path)
    assert status == 200 and body.count(server.STYLES) == 1
    assert body.index(server.STYLES) < body.index(b"</head>") < body.index(b"<body>")
    assert b".hg-thumb" in server.STYLES and b'"_av_card_"' in server.STYLES  # the gallery's, reserved heights too
    assert int(headers["content-length"]) == len(body)
    assert "etag" not in headers and "last-modified" not in headers, "a browser must not keep an unstyled copy"
    assert headers["asked-encoding"] == "", "a compressed page could not be styled (Streamlit compresses on request)"


@pytest.mark.parametrize("path, content_type, method", [("/static/js/main.js", b"text/javascript", "GET"),
                                                        ("/", b"application/json", "GET"), ("/", b"text/html", "HEAD")])
def test_anything_but_a_page_passes_unchanged(path, content_type, method):
    _, headers, body = styled_call(path, content_type, method)
    assert server.STYLES not in body and headers["etag"] == '"abc"'
    if path.startswith("/static/"):
        assert headers["asked-encoding"].startswith("gzip"), "the studio's code may still come compressed"
