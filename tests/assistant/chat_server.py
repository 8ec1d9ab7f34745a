"""A real HTTP server on 127.0.0.1 that speaks the chat-completions API, scripted per test.

Each request takes the next scripted step; a request with no step left gets a 500 that names
the problem, so a test that sends more than it expects fails loudly.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Step:
    """One scripted answer: an HTTP status, a JSON body, headers, and an optional delay."""

    status: int = 200
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    raw: bytes | None = None
    trickle: tuple[int, float] | None = None
    """Send the body this many bytes at a time, waiting this many seconds between pieces."""
    drop_after: int | None = None
    """Send the headers and this many bytes of the body, then close the connection."""


def completion(
    content: str,
    *,
    model: str = "test-model-2026",
    prompt_tokens: int = 100,
    completion_tokens: int = 50,
    finish_reason: str = "stop",
) -> Step:
    """A proper ``chat.completion`` answer with usage."""
    return Step(
        body={
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": finish_reason,
                    "logprobs": None,
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }
    )


def json_answer(data: dict[str, Any], **kwargs: Any) -> Step:
    return completion(json.dumps(data), **kwargs)


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Step:
    return Step(
        status=status,
        body={"error": {"message": message, "type": "test_error", "code": None}},
        headers=headers or {},
    )


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    raw: bytes = b""
    """The request body exactly as it arrived."""


class ChatServer:
    def __init__(self, responder: Callable[[dict[str, Any]], Step] | None = None) -> None:
        self.steps: deque[Step] = deque()
        self.responder = responder
        """Answers every request from its body when no scripted step is left."""
        self.requests: list[Recorded] = []
        self.in_flight = 0
        self.most_in_flight = 0
        """The most requests the server was answering at one time."""
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    @property
    def host(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    def script(self, *steps: Step) -> None:
        self.steps.extend(steps)

    def start(self) -> ChatServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self, recorded: Recorded) -> Step:
        with self._lock:
            self.requests.append(recorded)
            if self.steps:
                return self.steps.popleft()
        if self.responder is not None:
            return self.responder(recorded.body)
        return error(500, "the test script has no answer left for this request")

    def _busy(self, change: int) -> None:
        with self._lock:
            self.in_flight += change
            self.most_in_flight = max(self.most_in_flight, self.in_flight)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                payload = self.rfile.read(length)
                try:
                    body = json.loads(payload or b"{}")
                except ValueError:
                    body = {"unparsed": payload.decode("utf-8", "replace")}
                headers = {k.lower(): v for k, v in self.headers.items()}
                recorded = Recorded(self.path, headers, body, payload)
                if self.path != "/v1/chat/completions":
                    step = error(404, f"no route {self.path}")
                else:
                    step = server._next(recorded)
                server._busy(+1)
                if step.delay:
                    time.sleep(step.delay)
                server._busy(-1)
                data = step.raw if step.raw is not None else json.dumps(step.body).encode()
                try:
                    self.send_response(step.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in step.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    if step.drop_after is not None:
                        self.wfile.write(data[: step.drop_after])
                        self.wfile.flush()
                        self.close_connection = True
                        self.connection.shutdown(socket.SHUT_RDWR)
                        return
                    if step.trickle is not None:
                        size, pause = step.trickle
                        for start in range(0, len(data), size):
                            self.wfile.write(data[start : start + size])
                            self.wfile.flush()
                            time.sleep(pause)
                        return
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError, OSError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler
