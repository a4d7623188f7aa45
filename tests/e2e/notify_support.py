"""Real receivers for the notification tests, all on 127.0.0.1:

- SmtpServer: tests/support/smtp_test_server.py (aiosmtpd) as a child
  process; each accepted message is read back as parsed JSON.
- WebhookReceiver: an HTTP server in this process that records every
  request and answers as the test says (a status, a delay, or holding the
  request until released). It can be stopped and started again on the same
  port, to play a receiver that is down for a while.
"""

import hashlib
import hmac
import http.server
import json
import os
import pathlib
import signal
import socket
import subprocess
import threading
import time
from typing import Callable, List, Optional

SUPPORT_DIR = pathlib.Path(__file__).resolve().parents[1] / "support"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(predicate: Callable[[], bool], timeout: float, what: str, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(step)
    if predicate():
        return
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class SmtpServer:
    def __init__(self, directory: pathlib.Path):
        directory.mkdir(parents=True)
        self.directory = directory
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", str(SUPPORT_DIR / "smtp_test_server.py"), str(directory)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_until(lambda: (directory / "port").exists() or self.proc.poll() is not None, 30,
                   "the SMTP server to listen")
        assert self.proc.poll() is None, self.proc.stderr.read().decode()
        self.port = int((directory / "port").read_text())

    def messages(self) -> List[dict]:
        found = sorted(self.directory.glob("*.json"), key=lambda p: int(p.stem))
        return [json.loads(p.read_text()) for p in found]

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


class WebhookReceiver:
    """Records requests as dicts: method, path, headers (lower-case names),
    body (bytes), json (parsed or None)."""

    def __init__(self, port: Optional[int] = None):
        self.port = port or free_port()
        self.requests: List[dict] = []
        self.statuses: List[int] = []  # answered in turn; then 200
        self.hold = threading.Event()  # while clear, requests wait (when holding)
        self.hold.set()
        self.delay_s = 0.0
        self._lock = threading.Lock()
        self._server = None
        self._thread = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self):
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                record = {"method": "POST", "path": self.path,
                          "headers": {k.lower(): v for k, v in self.headers.items()},
                          "body": body, "received": time.monotonic()}
                try:
                    record["json"] = json.loads(body)
                except ValueError:
                    record["json"] = None
                with receiver._lock:
                    receiver.requests.append(record)
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                receiver.hold.wait(60)
                if receiver.delay_s:
                    time.sleep(receiver.delay_s)
                payload = b"{}"
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the sender gave up or died: that is what some tests do

            do_GET = do_POST  # SMS gateways may be asked with GET

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        if self._server:
            self.hold.set()
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def received(self) -> List[dict]:
        with self._lock:
            return list(self.requests)


def verify_signature(request: dict, secret: str) -> bool:
    """The receiver's side of the webhook signature (docs/notifications.md)."""
    timestamp = request["headers"]["x-invtrack-timestamp"]
    signature = request["headers"].get("x-invtrack-signature", "")
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + request["body"],
                        hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature, "v1=" + expected)
