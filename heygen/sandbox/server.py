"""The HTTP layer: request parsing, faults, logging, media with Range support, control routing."""

from __future__ import annotations

import json
import socket
import struct
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from urllib.parse import parse_qs, unquote, urlsplit

from . import api, control, direct, files, media, translations
from .errors import ApiError, default_code, error_body, invalid
from .state import SandboxState

JSON_BODY_LIMIT = 64 * 1024 * 1024
DRAIN_LIMIT = 64 * 1024 * 1024
SMALL_BODY = 1024 * 1024
HTML_GATEWAY = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n<hr><center>gateway</center>\r\n"
    "</body>\r\n</html>\r\n"
)


class Request:
    """One incoming request: method, path, query, headers and a lazily read body."""

    def __init__(self, handler: "Handler", method: str):
        self.handler = handler
        self.method = method
        url = urlsplit(handler.path)
        self.path = unquote(url.path) or "/"
        self.query = parse_qs(url.query, keep_blank_values=True)
        self._body: bytes | None = None
        self._json_cache = ...
        self.content_type = handler.headers.get("Content-Type")
        self.chunked = "chunked" in (handler.headers.get("Transfer-Encoding") or "").lower()
        raw_length = handler.headers.get("Content-Length")
        try:
            self.content_length = int(raw_length) if raw_length is not None else None
        except ValueError:
            self.content_length = None
        if self.content_length is not None and self.content_length < 0:
            self.content_length = None

    def header(self, name: str) -> str | None:
        """A request header (case-insensitive)."""
        return self.handler.headers.get(name)

    @property
    def consumed(self) -> bool:
        """Whether the body has been read."""
        return self._body is not None or (not self.content_length and not self.chunked)

    def body(self, limit: int = JSON_BODY_LIMIT) -> bytes:
        """The request body (at most `limit` bytes, else 413)."""
        if self._body is not None:
            return self._body
        rfile = self.handler.rfile
        if self.chunked:
            parts, total = [], 0
            while True:
                size_line = rfile.readline(1024)
                try:
                    size = int(size_line.split(b";")[0].strip() or b"0", 16)
                except ValueError:
                    self.handler.close_connection = True
                    raise invalid(None, "Malformed chunked request body.") from None
                if size == 0:
                    while rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                total += size
                if total > limit:
                    self.handler.close_connection = True
                    raise ApiError(413, "payload_too_large")
                parts.append(rfile.read(size))
                rfile.readline(1024)
            self._body = b"".join(parts)
        elif self.content_length:
            if self.content_length > limit:
                raise ApiError(413, "payload_too_large")
            self._body = rfile.read(self.content_length)
        else:
            self._body = b""
        return self._body

    def mark_consumed(self) -> None:
        """Note that a handler has read the body itself (a streamed upload)."""
        if self._body is None:
            self._body = b""

    def json(self):
        """The body parsed as JSON (400 when it is not JSON)."""
        if self._json_cache is ...:
            raw = self.body()
            if not raw.strip():
                raise invalid(None, "The request body must be a JSON object.")
            try:
                self._json_cache = json.loads(raw)
            except (ValueError, UnicodeDecodeError):
                raise invalid(None, "The request body is not valid JSON.") from None
        return self._json_cache

    def logged_json(self):
        """The parsed JSON body for the log, or None."""
        if self._json_cache is not ...:
            return self._json_cache
        if self._body and "json" in (self.content_type or "").lower():
            try:
                return json.loads(self._body)
            except (ValueError, UnicodeDecodeError):
                return None
        return None

    def drain(self) -> bool:
        """Read a small unread body so the connection can be reused; False when it is large."""
        if self.consumed:
            return True
        if self.chunked or self.content_length is None or self.content_length > SMALL_BODY:
            return False
        try:
            self.body(SMALL_BODY)
        except (ApiError, OSError):
            return False
        return True

    def discard(self) -> None:
        """Read and throw away what is left of a large body (after the answer was sent)."""
        remaining = min(self.content_length or 0, DRAIN_LIMIT)
        try:
            self.handler.connection.settimeout(5)
            while remaining > 0:
                chunk = self.handler.rfile.read(min(remaining, 1 << 20))
                if not chunk:
                    break
                remaining -= len(chunk)
        except OSError:
            pass


class Handler(BaseHTTPRequestHandler):
    """Routes control, media and /v3 requests; applies faults, latency and logging."""

    protocol_version = "HTTP/1.1"
    server_version = "HeyGenSandbox/1.0"
    sys_version = ""
    timeout = 60
    disable_nagle_algorithm = True

    @property
    def state(self) -> SandboxState:
        return self.server.state

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        if self.server.verbose:
            sys.stderr.write("sandbox: %s - %s\n" % (self.address_string(), format % args))

    def do_GET(self):
        self._handle("GET")

    def do_HEAD(self):
        self._handle("HEAD")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")

    def do_PATCH(self):
        self._handle("PATCH")

    def do_DELETE(self):
        self._handle("DELETE")

    def do_OPTIONS(self):
        self._handle("OPTIONS")

    # ------------------------------------------------------------ sending

    def _send(self, status, data: bytes, content_type: str, headers=None, req=None):
        late_discard = False
        if req is not None and not self.close_connection and not req.drain():
            self.close_connection = True
            late_discard = True
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, str(value))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD" and status not in (204, 304):
                self.wfile.write(data)
        except OSError:
            self.close_connection = True
            return
        if late_discard:
            req.discard()

    def _send_json(self, status, body, headers=None, req=None):
        data = json.dumps(body, separators=(",", ":")).encode("utf-8")
        self._send(status, data, "application/json", headers, req)

    def _drop(self):
        """Close the connection without any answer (the client sees a reset)."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    # ------------------------------------------------------------ routing

    def _handle(self, method: str):
        req = Request(self, method)
        if req.path.startswith("/_sandbox/"):
            self._control(req)
            return
        is_api = req.path.startswith("/v3/") or req.path == "/v3"
        is_media = req.path.startswith(("/media/", "/videos/"))
        entry = {
            "t": time.time(), "method": method, "path": req.path,
            "query": {k: v[0] if len(v) == 1 else v for k, v in req.query.items()},
            "status": None, "idempotency_key": req.header("Idempotency-Key"),
            "request_json": None, "response_json": None, "fault": None,
            "key_sent": req.header("X-Api-Key") is not None,
        }
        fault = self.state.take_fault(method, req.path, is_api, entry["query"])
        if fault is not None and not fault.after:
            entry["fault"] = fault.kind
            self.state.wait_fault(fault)
            if fault.kind != "slow":
                self._apply_fault(fault, req, entry, is_media)
                return
        if is_media:
            self._media(req, entry)
            return
        try:
            status, body, headers = api.dispatch(self.state, req)
        except ApiError as exc:
            status, body, headers = exc.status, exc.body(), exc.headers
        except Exception as exc:  # an unexpected bug answers like the real service would
            if self.server.verbose:
                import traceback
                traceback.print_exc()
            status, body, headers = 500, error_body("internal_error", f"Internal error ({type(exc).__name__})."), {}
        entry["status"] = status
        req.drain()
        entry["request_json"] = req.logged_json()
        entry["response_json"] = body
        if fault is not None and fault.after:
            # The work is done (a video may exist now); the answer is what gets lost.
            entry["fault"] = f"{fault.kind} after"
            entry["processed_status"] = status
            entry["processed_json"] = body
            if fault.kind == "slow":  # done and logged now; only the answer is late
                self.state.record(entry)
                self.state.wait_fault(fault)
                self._send_json(status, body, headers, req)
                return
            self.state.wait_fault(fault)
            entry["response_json"] = None
            self._apply_fault(fault, req, entry, is_media)
            return
        self.state.record(entry)  # before answering, so a client that got the answer sees the entry
        self._send_json(status, body, headers, req)

    def _apply_fault(self, fault, req, entry, is_media):
        if fault.kind == "drop":
            self.state.record(entry, media=is_media)
            self._drop()
            return
        status = fault.status or 500
        entry["status"] = status
        if fault.kind == "redirect":
            req.drain()
            self.state.record(entry, media=is_media)
            self._send(status, b"", "text/plain", {"Location": fault.location}, req)
            return
        if fault.kind == "html":
            reason = self.responses.get(status, ("Error",))[0]
            page = HTML_GATEWAY.format(status=status, reason=reason).encode()
            req.drain()
            entry["request_json"] = req.logged_json()
            self.state.record(entry, media=is_media)
            self._send(status, page, "text/html", None, req)
            return
        code = fault.code or default_code(status)
        body = error_body(code, fault.message)
        headers = {}
        if fault.retry_after is not None:
            value = fault.retry_after
            headers["Retry-After"] = str(int(value)) if float(value).is_integer() else str(value)
        req.drain()
        entry["request_json"] = req.logged_json()
        entry["response_json"] = body
        self.state.record(entry, media=is_media)
        self._send_json(status, body, headers, req)

    def _control(self, req):
        if not control.is_loopback(self.client_address[0]):
            self._send_json(403, error_body("forbidden", "Control endpoints answer loopback clients only."), req=req)
            return

        def read_json():
            try:
                return req.json()
            except ApiError:
                return None

        status, body = control.handle(self.state, req.method, req.path, req.query, read_json)
        self._send_json(status, body, req=req)

    def _media(self, req, entry):
        if req.method == "PUT" and req.path.startswith(direct.UPLOAD_PATH):
            self._receive_upload(req, entry)
            return
        if req.method not in ("GET", "HEAD"):
            answer = files.MediaAnswer.error(405, "MethodNotAllowed", "Only GET and HEAD are allowed.")
            entry["status"] = 405
            self.state.record(entry, media=True)
            self._send(answer.status, answer.data, answer.content_type, {"Allow": "GET, HEAD"}, req)
            return
        answer = files.answer(self.state, req.path, req.query, shelves=(translations.media_answer,))
        headers = {"Accept-Ranges": "bytes"} if answer.status == 200 else {}
        if answer.cache:
            headers["Cache-Control"] = answer.cache
        data, status = answer.data, answer.status
        if status == 200:
            span = media.parse_range(req.header("Range"), len(data))
            if span is False:
                status = 416
                headers = {"Content-Range": f"bytes */{len(data)}", "Accept-Ranges": "bytes"}
                data = b""
            elif span is not None:
                start, end = span
                status = 206
                headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
                data = data[start:end + 1]
        entry["status"] = status
        entry["media"] = True
        self.state.record(entry, media=True)
        self._send(status, data, answer.content_type if status != 416 else "text/plain", headers, req)


    def _receive_upload(self, req, entry):
        """The presigned PUT of a direct upload; errors are S3-style XML, success an empty 200."""
        try:
            status, code, message, received = direct.receive(self.state, req)
        except OSError:
            status, code, message, received = 400, "IncompleteBody", "The connection ended during the upload.", 0
            self.close_connection = True
        entry.update(status=status, media=True, upload=True, bytes_received=received)
        self.state.record(entry, media=True)
        if code is None:
            self._send(200, b"", "text/plain", {"ETag": '"' + entry["path"].rsplit("/", 1)[-1] + '"'}, req)
            return
        answer = files.MediaAnswer.error(status, code, message)
        self._send(answer.status, answer.data, answer.content_type, None, req)


class SandboxHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that carries the sandbox state and stays quiet."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, state: SandboxState, verbose: bool = False):
        self.state = state
        self.verbose = verbose
        super().__init__(address, Handler)

    def server_bind(self):
        # The base class resolves the host name here; a sandbox on loopback does not need it.
        TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = host
        self.server_port = port

    def handle_error(self, request, client_address):
        if self.verbose:
            super().handle_error(request, client_address)
