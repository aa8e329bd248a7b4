"""A small HeyGen-shaped server on 127.0.0.1 for the one case the sandbox cannot produce: a Video
Agent answer without a ``video_id``, followed through ``GET /v3/video-agents/{id}``.

Served over real HTTP (standard library only). ``names_video_after`` session checks answer without
a video id before one is named; ``outcome`` "video" names it, "failed" ends the session, "gone"
answers 404. Every request is logged as (method, path).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SessionServer:
    def __init__(self, api_key: str, *, names_video_after: int = 2, outcome: str = "video") -> None:
        self.api_key = api_key
        self.names_video_after = names_video_after
        self.outcome = outcome
        self.log: list[tuple[str, str]] = []
        self.session_checks = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _send(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _answer(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                owner.log.append((method, self.path))
                if self.headers.get("X-Api-Key") != owner.api_key:
                    self._send(401, {"error": {"code": "authentication_failed", "message": "Invalid key."}})
                    return
                status, body = owner.route(method, self.path)
                self._send(status, body)

            def do_GET(self) -> None:
                self._answer("GET")

            def do_POST(self) -> None:
                self._answer("POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def route(self, method: str, path: str) -> tuple[int, dict]:
        if method == "POST" and path == "/v3/video-agents":
            return 200, {"data": {"session_id": "sess_1", "status": "generating", "video_id": None,
                                  "created_at": int(time.time())}}
        if method == "GET" and path == "/v3/video-agents/sess_1":
            self.session_checks += 1
            if self.outcome == "gone":
                return 404, {"error": {"code": "not_found", "message": "Session not found."}}
            named = self.session_checks > self.names_video_after
            status = "processing"
            if named and self.outcome == "failed":
                status = "failed"
            video_id = "v_1" if named and self.outcome == "video" else None
            return 200, {"data": {"session_id": "sess_1", "status": "generating" if video_id else status,
                                  "progress": 40, "title": "Running shoe intro", "video_id": video_id,
                                  "created_at": int(time.time()), "messages": []}}
        if method == "GET" and path == "/v3/videos/v_1":
            return 200, {"data": {"id": "v_1", "status": "completed", "video_url": f"{self.base_url}/v.mp4",
                                  "duration": 12.0}}
        return 404, {"error": {"code": "not_found", "message": f"No endpoint {method} {path}."}}

    def __enter__(self) -> SessionServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
