"""Shared support for the dashboard tests (test_dashboard_*.py): start
`invtrack serve` with its dashboard on a free port, sign in over plain HTTP
(urllib) with the cookie handled by hand, so that the tests can look at the
Set-Cookie attributes themselves."""

import json
import os
import pathlib
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Optional

START_TIMEOUT_S = 120.0
DASHBOARD_LINE = re.compile(r"^Dashboard: (http://127\.0\.0\.1:\d+)$")
ADMIN_PASSWORD = "admin-password-1"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(NoRedirect)


@dataclass
class Reply:
    status: int
    headers: dict
    header_list: list
    body: bytes

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def header(self, name: str) -> Optional[str]:
        for key, value in self.header_list:
            if key.lower() == name.lower():
                return value
        return None


def request(url: str, method: str = "GET", body=None, headers: Optional[dict] = None,
            timeout: float = 60.0) -> Reply:
    data = body
    hdrs = dict(headers or {})
    if isinstance(body, (dict, list)):
        data = json.dumps(body).encode("utf-8")
        hdrs.setdefault("Content-Type", "application/json")
    elif isinstance(body, str):
        data = body.encode("utf-8")
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with _opener.open(req, timeout=timeout) as resp:
            return Reply(resp.status, dict(resp.headers), list(resp.headers.items()), resp.read())
    except urllib.error.HTTPError as e:
        return Reply(e.code, dict(e.headers), list(e.headers.items()), e.read())


@dataclass
class Session:
    """A signed-in browser-like client: the session cookie and CSRF token."""
    base: str
    cookie: Optional[str] = None
    csrf: Optional[str] = None
    user: dict = field(default_factory=dict)

    def call(self, method: str, path: str, body=None, headers: Optional[dict] = None,
             csrf: bool = True, timeout: float = 60.0) -> Reply:
        hdrs = dict(headers or {})
        if self.cookie:
            hdrs["Cookie"] = f"invtrack_session={self.cookie}"
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            hdrs["X-CSRF-Token"] = self.csrf
        return request(self.base + path, method, body, hdrs, timeout)

    def get(self, path: str) -> Reply:
        return self.call("GET", path)


def session_cookie(reply: Reply) -> Optional[str]:
    value = reply.header("Set-Cookie")
    if not value:
        return None
    match = re.match(r"invtrack_session=([^;]*)", value)
    return match.group(1) if match else None


def sign_in(base: str, username: str, password: str) -> Session:
    reply = request(base + "/api/session", "POST", {"username": username, "password": password})
    assert reply.status == 201, (reply.status, reply.body)
    body = reply.json()
    return Session(base, session_cookie(reply), body["csrf_token"], body["user"])


@dataclass
class Dashboard:
    base: str
    proc: object
    cli: object

    def admin(self) -> Session:
        return sign_in(self.base, "admin", ADMIN_PASSWORD)


def start_dashboard(cli, *args, config: Optional[str] = None) -> Dashboard:
    """Starts serve (demo data unless --no-demo is passed), turns the first
    admin's one-time password into ADMIN_PASSWORD, and returns the base URL."""
    extra = []
    if config is not None:
        path = cli.write("dashboard.toml", config)
        extra = ["--config", str(path)]
    proc = cli.start(*extra, "serve", *args)
    proc.wait_for_stdout("S3 endpoint: ", timeout=START_TIMEOUT_S)
    base = None
    for line in list(proc.stdout_lines):
        match = DASHBOARD_LINE.match(line)
        if match:
            base = match.group(1)
    assert base, proc.stdout
    password_file = pathlib.Path(cli.data_dir) / "dashboard-admin-password"
    one_time = password_file.read_text().strip()
    session = sign_in(base, "admin", one_time)
    reply = session.call("POST", "/api/session/password",
                         {"current_password": one_time, "new_password": ADMIN_PASSWORD})
    assert reply.status == 200, reply.body
    return Dashboard(base, proc, cli)


def add_user(cli, name: str, role: str, password: str, stores=()) -> None:
    args = ["users", "add", name, "--role", role, "--password-stdin"]
    if stores:
        args += ["--stores", ",".join(stores)]
    import subprocess
    done = subprocess.run(cli.command(args), cwd=cli.work_dir, env=cli.env(),
                          input=(password + "\n").encode(), capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()


def stop(proc) -> None:
    rc = proc.stop(timeout=30)
    assert rc == 0, proc.stdout + proc.stderr
