"""Shared support for the S3 endpoint end-to-end tests (tests/e2e/test_s3_*.py).

The tests run real S3 clients, unmodified, against `invtrack serve
--s3-listen 127.0.0.1:0`. The endpoint under test is chosen by S3_TEST_TARGET:

  S3_TEST_TARGET=invtrack  (default) the real binary ($INVTRACK_BIN); every test runs.
  S3_TEST_TARGET=moto      the moto S3 emulator (`python3 -m moto.server` from the
                           machine's pyenv Python). moto accepts any credentials and
                           has no keys, loader or stock, so tests marked
                           `invtrack_only` are skipped there; the S3-semantics
                           assertions run against both, which proves they
                           describe real S3 behaviour and not a guess.

What this module provides:
  - the module-scoped `s3` fixture: a started endpoint (port parsed from the
    server's own output), an admin key, helpers for store keys, stock and
    load events; the server is stopped by PID at teardown;
  - runners for the clients (awscli v1/v2, s3cmd, rclone, a pyenv Python);
  - a small SigV4 signer (checked against AWS's published example vectors in
    test_s3_boto3.py) for hand-built requests: skewed clocks, bad payload
    hashes, aws-chunked bodies, presigned URLs with chosen dates;
  - `wait_until`, the bounded polling loop every wait goes through.

Only 127.0.0.1 is used; every subprocess has a timeout.
"""

import base64
import datetime
import glob
import hashlib
import hmac
import http.client
import json
import os
import pathlib
import re
import secrets
import signal
import socket
import subprocess
import time
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import pytest

from conftest import BackgroundProcess, Invtrack, RunResult, _clean_env, _decode

TARGET = os.environ.get("S3_TEST_TARGET", "invtrack").strip().lower() or "invtrack"
ON_MOTO = TARGET == "moto"

REGION = "us-east-1"
BUCKET = "inventory"
HOST_IP = "127.0.0.1"
START_TIMEOUT_S = 60.0
CLIENT_TIMEOUT_S = 120.0
LOAD_TIMEOUT_S = 30.0
HTTP_TIMEOUT_S = 30.0
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()

invtrack_only = pytest.mark.skipif(
    ON_MOTO, reason="invtrack-specific (S3_TEST_TARGET=moto: moto accepts any credentials "
    "and has no keys, loader or stock)")



def moto_differs(why: str):
    """Skips an assertion of real S3 behaviour that moto does not implement
    (the reason names moto's deviation; invtrack must still pass it)."""
    return pytest.mark.skipif(ON_MOTO, reason=f"moto differs from S3 here: {why}")


# ---- Small helpers -------------------------------------------------------------


def wait_until(fn: Callable[[], object], timeout: float, what: str,
               interval: float = 0.2, describe: Optional[Callable[[], str]] = None):
    """Calls fn() until it returns something truthy (returned) or `timeout`
    seconds pass (AssertionError with the last value). Bounded: never loops
    past the deadline."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = fn()
        if last:
            return last
        if time.monotonic() >= deadline:
            extra = ("\n" + describe()) if describe else ""
            raise AssertionError(f"timed out after {timeout}s waiting for {what}; "
                                 f"last value: {last!r}{extra}")
        time.sleep(interval)


def unique(prefix: str) -> str:
    """A name no other test uses (tests share one server per module)."""
    return f"{prefix}-{secrets.token_hex(4)}"


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def multipart_etag(parts: Sequence[bytes]) -> str:
    """S3's ETag of a completed multipart upload: md5 of the parts' binary
    md5s, then '-<number of parts>' (quoted, as on the wire)."""
    joined = b"".join(hashlib.md5(p).digest() for p in parts)
    return f'"{hashlib.md5(joined).hexdigest()}-{len(parts)}"'


def random_bytes(n: int, seed: int = 0) -> bytes:
    """Deterministic incompressible bytes."""
    import random
    return random.Random(seed).randbytes(n)


def crc32_b64(data: bytes) -> str:
    import zlib
    return base64.b64encode((zlib.crc32(data) & 0xFFFFFFFF).to_bytes(4, "big")).decode()


def _crc32c_table() -> List[int]:
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC32C = _crc32c_table()


def crc32c(data: bytes) -> int:
    c = 0xFFFFFFFF
    for b in data:
        c = _CRC32C[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def crc32c_b64(data: bytes) -> str:
    return base64.b64encode(crc32c(data).to_bytes(4, "big")).decode()


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def parse_xml(body: bytes) -> ET.Element:
    """Parses an S3 XML document with namespaces stripped from tag names."""
    root = ET.fromstring(body)
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{"):
            el.tag = el.tag.split("}", 1)[1]
    return root


def s3_error(body: bytes) -> Dict[str, str]:
    """The fields of an S3 XML error body; AssertionError if it is not one."""
    try:
        root = parse_xml(body)
    except ET.ParseError as e:
        raise AssertionError(f"error body is not XML ({e}): {body[:2000]!r}")
    assert root.tag == "Error", f"root element is {root.tag}, not Error: {body[:2000]!r}"
    return {child.tag: (child.text or "") for child in root}


def tree_files(root: pathlib.Path) -> Dict[str, bytes]:
    """{relative posix path: content} of every file under root."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def run_cmd(args: Sequence[str], env: dict, cwd: Optional[pathlib.Path] = None,
            timeout: float = CLIENT_TIMEOUT_S, input: Optional[bytes] = None) -> RunResult:
    """Runs a client command with a timeout; the child is killed (by
    subprocess.run, by its PID) when the timeout passes."""
    args = [str(a) for a in args]
    start = time.monotonic()
    try:
        done = subprocess.run(args, cwd=cwd, env=env, input=input,
                              stdin=None if input is not None else subprocess.DEVNULL,
                              capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise AssertionError(
            f"timed out after {timeout}s: {' '.join(args)}\n--- stdout ---\n"
            f"{_decode(e.stdout or b'')[:4000]}\n--- stderr ---\n{_decode(e.stderr or b'')[:4000]}")
    return RunResult(args, done.returncode, _decode(done.stdout), _decode(done.stderr),
                     time.monotonic() - start)


def run_ok(args: Sequence[str], env: dict, **kwargs) -> RunResult:
    result = run_cmd(args, env, **kwargs)
    assert result.returncode == 0, result.describe()
    return result


# ---- Finding the machine's tools ---------------------------------------------------


def _pyenv_root() -> pathlib.Path:
    return pathlib.Path(os.environ.get("PYENV_ROOT") or pathlib.Path.home() / ".pyenv")


def _version_key(path: str):
    m = re.search(r"/versions/(\d+)\.(\d+)\.(\d+)", path)
    return tuple(int(x) for x in m.groups()) if m else (0, 0, 0)


def _pyenv_bins(name: str) -> List[str]:
    """`name` in every pyenv version, the global version first, then newest first."""
    root = _pyenv_root()
    found = sorted(glob.glob(str(root / "versions" / "*" / "bin" / name)), key=_version_key,
                   reverse=True)
    try:
        global_version = (root / "version").read_text().split()[0]
    except (OSError, IndexError):
        global_version = ""
    first = [p for p in found if f"/versions/{global_version}/" in p]
    return first + [p for p in found if p not in first]


@lru_cache(maxsize=None)
def pyenv_python_with(modules: Tuple[str, ...]) -> Optional[str]:
    """A pyenv python3 that imports all of `modules`, or None."""
    for py in _pyenv_bins("python3"):
        probe = run_cmd([py, "-c", "import " + ", ".join(modules)], _clean_env(), timeout=60)
        if probe.returncode == 0:
            return py
    return None


@lru_cache(maxsize=None)
def awscli_v1() -> Optional[str]:
    """The awscli v1 `aws` of the machine's pyenv Python (the one next to a
    pyenv python3), or None."""
    for aws in _pyenv_bins("aws"):
        probe = run_cmd([aws, "--version"], _clean_env(), timeout=60)
        if probe.returncode == 0 and (probe.stdout + probe.stderr).startswith("aws-cli/1."):
            return aws
    return None


AWSCLI_V2 = "/usr/bin/aws"


# ---- Credentials and the server ----------------------------------------------------


@dataclass
class Creds:
    access_key_id: str
    secret_access_key: str
    store: Optional[str] = None  # None: admin


@dataclass
class RawResponse:
    status: int
    reason: str
    headers: Dict[str, str]
    body: bytes
    request: str = ""

    def header(self, name: str) -> Optional[str]:
        return self.headers.get(name.lower())

    def error(self) -> Dict[str, str]:
        return s3_error(self.body)

    def describe(self) -> str:
        return (f"{self.request}\n-> {self.status} {self.reason}\n{self.headers}\n"
                f"{self.body[:2000]!r}")


class S3Server:
    """A running S3 endpoint: invtrack serve or moto."""

    def __init__(self, kind: str, proc: BackgroundProcess, port: int, admin: Creds,
                 cli: Optional[Invtrack], home: pathlib.Path):
        self.kind = kind
        self.proc = proc
        self.port = port
        self.host = f"{HOST_IP}:{port}"
        self.url = f"http://{HOST_IP}:{port}"
        self.admin = admin
        self.cli = cli
        self.home = home  # a private HOME for the clients (no ~/.aws, ~/.s3cfg ...)

    @property
    def is_invtrack(self) -> bool:
        return self.kind == "invtrack"

    # -- keys
    def create_key(self, store: Optional[str] = None) -> Creds:
        if not self.is_invtrack:
            return Creds("AKIAMOTO" + secrets.token_hex(6).upper(), secrets.token_hex(20), store)
        args = ["keys", "create"] + (["--store", store] if store else ["--admin"])
        out = self.cli.ok(*args, "--format", "json", timeout=60).stdout
        key = json.loads(out)
        assert set(key) >= {"access_key_id", "secret_access_key", "store", "admin"}, out
        assert key["store"] == store and key["admin"] is (store is None), out
        return Creds(key["access_key_id"], key["secret_access_key"], store)

    def list_keys(self) -> List[dict]:
        return json.loads(self.cli.ok("keys", "list", "--format", "json", timeout=60).stdout)

    def revoke_key(self, access_key_id: str) -> RunResult:
        return self.cli.ok("keys", "revoke", access_key_id, timeout=60)

    # -- the inventory side (invtrack only)
    def stock(self, store: str) -> Dict[str, int]:
        return {r["item"]: r["count"] for r in self.cli.stock_json("--store", store, timeout=60)
                if r["store"] == store}

    def wait_for_stock(self, store: str, expected: Dict[str, int],
                       timeout: float = LOAD_TIMEOUT_S) -> Dict[str, int]:
        return wait_until(lambda: self.stock(store) == expected and expected, timeout,
                          f"stock of {store} == {expected}",
                          describe=lambda: f"stock now: {self.stock(store)}\n"
                          f"load events: {self.load_events()}")

    def load_events(self, key: Optional[str] = None) -> List[dict]:
        """serve's `load.file` log events (it runs with --log-level info)."""
        return [e for e in self.proc.stderr_json()
                if e.get("event") == "load.file" and (key is None or e.get("key") == key)]

    def wait_for_load(self, key: str, timeout: float = LOAD_TIMEOUT_S) -> dict:
        return wait_until(lambda: self.load_events(key), timeout, f"load.file event for {key}",
                          describe=lambda: "\n".join(self.proc.stderr_lines[-50:]))[-1]

    def alerts(self) -> List[dict]:
        return self.cli.alerts(timeout=60)

    # -- clients
    def client(self, creds: Optional[Creds] = None, **config):
        """A boto3 client of this process's (Debian's) boto3."""
        import boto3
        from botocore.config import Config
        creds = creds or self.admin
        settings = dict(region_name=REGION, signature_version="s3v4",
                        s3={"addressing_style": "path"},
                        retries={"max_attempts": 1, "mode": "standard"},
                        connect_timeout=10, read_timeout=60)
        settings.update(config)
        return boto3.session.Session().client(
            "s3", endpoint_url=self.url, aws_access_key_id=creds.access_key_id,
            aws_secret_access_key=creds.secret_access_key, config=Config(**settings))

    def client_env(self, creds: Optional[Creds] = None, extra: Optional[dict] = None) -> dict:
        """An environment for client subprocesses: no AWS_*/RCLONE_*/S3CMD
        settings of the caller, a private HOME, these credentials."""
        env = {k: v for k, v in _clean_env().items()
               if not k.startswith(("AWS_", "RCLONE_")) and k.lower() not in (
                   "http_proxy", "https_proxy", "all_proxy")}
        creds = creds or self.admin
        env.update(HOME=str(self.home), NO_PROXY="127.0.0.1,localhost",
                   AWS_ACCESS_KEY_ID=creds.access_key_id,
                   AWS_SECRET_ACCESS_KEY=creds.secret_access_key,
                   AWS_DEFAULT_REGION=REGION, AWS_EC2_METADATA_DISABLED="true",
                   AWS_SHARED_CREDENTIALS_FILE=str(self.home / "no-such-credentials"),
                   AWS_CONFIG_FILE=str(self.home / "no-such-config"), AWS_PAGER="")
        env.update(extra or {})
        return env

    # -- hand-built requests
    def raw(self, method: str, path: str, query: Sequence[Tuple[str, str]] = (),
            headers: Optional[Dict[str, str]] = None, body: bytes = b"",
            creds: Optional[Creds] = None, sign: bool = True,
            amz_date: Optional[datetime.datetime] = None, payload_hash: Optional[str] = None,
            content_length: bool = True, timeout: float = HTTP_TIMEOUT_S) -> RawResponse:
        """One SigV4-signed (or unsigned) request. `path` is the wire path,
        already URI-encoded the S3 way (see object_path)."""
        headers = dict(headers or {})
        if content_length and body is not None:
            headers.setdefault("Content-Length", str(len(body)))
        if sign:
            headers = sign_headers(creds or self.admin, method, self.host, path, query, headers,
                                   payload_hash or hashlib.sha256(body or b"").hexdigest(),
                                   amz_date=amz_date)
        else:
            headers.setdefault("Host", self.host)
        return send_raw(self.port, method, path + encode_query(query), headers, body, timeout)

    def alive(self) -> bool:
        return self.proc.popen.poll() is None


def object_path(bucket: str, key: str = "") -> str:
    """The path-style wire path as the AWS SDKs send it (and as it is
    canonicalized in SigV4 for S3: each byte but unreserved ones and '/'
    percent-encoded, nothing normalized)."""
    return "/" + bucket + ("/" + urllib.parse.quote(key, safe="/-_.~") if key else "")


def _enc(s: str) -> str:
    return urllib.parse.quote(s, safe="-_.~")


def encode_query(query: Sequence[Tuple[str, str]]) -> str:
    if not query:
        return ""
    return "?" + "&".join(f"{_enc(k)}={_enc(v)}" if v is not None else _enc(k)
                          for k, v in query)


def canonical_query(query: Sequence[Tuple[str, Optional[str]]]) -> str:
    return "&".join(f"{k}={v}" for k, v in sorted((_enc(k), _enc(v or "")) for k, v in query))


def amz_timestamp(when: datetime.datetime) -> str:
    return when.strftime("%Y%m%dT%H%M%SZ")


def signing_key(secret: str, date: str, region: str = REGION, service: str = "s3") -> bytes:
    k = hmac.new(("AWS4" + secret).encode(), date.encode(), hashlib.sha256).digest()
    for part in (region, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    return k


def _hmac_hex(key: bytes, msg: str) -> str:
    return hmac.new(key, msg.encode(), hashlib.sha256).hexdigest()


def sigv4_signature(creds: Creds, method: str, path: str, query: Sequence[Tuple[str, str]],
                    headers: Dict[str, str], payload_hash: str, timestamp: str,
                    region: str = REGION) -> Tuple[str, str, str]:
    """(signature, signed header list, scope) of a request; every header in
    `headers` is signed."""
    canon = {}
    for name, value in headers.items():
        canon[name.lower()] = re.sub(r" +", " ", str(value).strip())
    signed = ";".join(sorted(canon))
    canonical_request = "\n".join([
        method, path, canonical_query(query),
        "".join(f"{k}:{canon[k]}\n" for k in sorted(canon)), signed, payload_hash])
    scope = f"{timestamp[:8]}/{region}/s3/aws4_request"
    string_to_sign = "\n".join(["AWS4-HMAC-SHA256", timestamp, scope,
                                hashlib.sha256(canonical_request.encode()).hexdigest()])
    key = signing_key(creds.secret_access_key, timestamp[:8], region)
    return _hmac_hex(key, string_to_sign), signed, scope


def sign_headers(creds: Creds, method: str, host: str, path: str,
                 query: Sequence[Tuple[str, str]], headers: Dict[str, str], payload_hash: str,
                 amz_date: Optional[datetime.datetime] = None) -> Dict[str, str]:
    """headers + Host, X-Amz-Date, X-Amz-Content-SHA256 and Authorization."""
    when = amz_date or datetime.datetime.now(datetime.timezone.utc)
    out = dict(headers)
    out["Host"] = host
    out["X-Amz-Date"] = amz_timestamp(when)
    out["X-Amz-Content-SHA256"] = payload_hash
    signature, signed, scope = sigv4_signature(creds, method, path, query, out, payload_hash,
                                               out["X-Amz-Date"])
    out["Authorization"] = (f"AWS4-HMAC-SHA256 Credential={creds.access_key_id}/{scope}, "
                            f"SignedHeaders={signed}, Signature={signature}")
    return out


def chunk_signature(creds: Creds, timestamp: str, previous: str, chunk: bytes,
                    region: str = REGION) -> str:
    scope = f"{timestamp[:8]}/{region}/s3/aws4_request"
    string_to_sign = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", timestamp, scope, previous,
                                EMPTY_SHA256, hashlib.sha256(chunk).hexdigest()])
    return _hmac_hex(signing_key(creds.secret_access_key, timestamp[:8], region), string_to_sign)


def signed_chunked_body(creds: Creds, timestamp: str, seed_signature: str, data: bytes,
                        chunk_size: int) -> bytes:
    """The STREAMING-AWS4-HMAC-SHA256-PAYLOAD body of `data`."""
    out = bytearray()
    previous = seed_signature
    chunks = [data[i:i + chunk_size] for i in range(0, len(data), chunk_size)] + [b""]
    for chunk in chunks:
        sig = chunk_signature(creds, timestamp, previous, chunk)
        out += f"{len(chunk):x};chunk-signature={sig}\r\n".encode() + chunk + b"\r\n"
        previous = sig
    return bytes(out)


def unsigned_trailer_body(data: bytes, chunk_size: int, trailer_name: str,
                          trailer_value: str) -> bytes:
    """The STREAMING-UNSIGNED-PAYLOAD-TRAILER body of `data` (as the AWS
    SDKs' aws-chunked encoders frame it)."""
    out = bytearray()
    for i in range(0, len(data), chunk_size):
        chunk = data[i:i + chunk_size]
        out += f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    out += f"0\r\n{trailer_name}:{trailer_value}\r\n\r\n".encode()
    return bytes(out)


def presigned_url(server: "S3Server", creds: Creds, method: str, key: str, expires: int,
                  signed_at: datetime.datetime, bucket: str = BUCKET) -> str:
    """A query-string SigV4 URL signed at `signed_at` (for expiry tests that
    must not sleep)."""
    timestamp = amz_timestamp(signed_at)
    scope = f"{timestamp[:8]}/{REGION}/s3/aws4_request"
    query = [("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
             ("X-Amz-Credential", f"{creds.access_key_id}/{scope}"),
             ("X-Amz-Date", timestamp), ("X-Amz-Expires", str(expires)),
             ("X-Amz-SignedHeaders", "host")]
    path = object_path(bucket, key)
    signature, _, _ = sigv4_signature(creds, method, path, query, {"host": server.host},
                                      "UNSIGNED-PAYLOAD", timestamp)
    query.append(("X-Amz-Signature", signature))
    return server.url + path + encode_query(query)


def send_raw(port: int, method: str, target: str, headers: Dict[str, str], body: bytes,
             timeout: float = HTTP_TIMEOUT_S) -> RawResponse:
    """Sends exactly these headers (http.client adds none) and reads the response."""
    conn = http.client.HTTPConnection(HOST_IP, port, timeout=timeout)
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders(body if body else None)
        resp = conn.getresponse()
        data = resp.read()
        return RawResponse(resp.status, resp.reason,
                           {k.lower(): v for k, v in resp.getheaders()}, data,
                           f"{method} {target}\n" + "\n".join(
                               f"{k}: {v}" for k, v in headers.items()
                               if k.lower() != "authorization"))
    finally:
        conn.close()


def send_bytes(port: int, data: bytes, timeout: float = HTTP_TIMEOUT_S) -> Tuple[bytes, str]:
    """Writes raw bytes to a new connection and reads what comes back until
    the server closes it or `timeout` passes. A server may answer (and close)
    before it has read everything: a failed send is noted, not raised.
    Returns (bytes read, what went wrong or "")."""
    problem = ""
    sock = socket.create_connection((HOST_IP, port), timeout=timeout)
    try:
        try:
            sock.sendall(data)
        except OSError as e:
            problem = f"send failed: {e!r}"
        received = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                problem += " (read timed out)"
                break
            except OSError as e:
                problem += f" (read failed: {e!r})"
                break
            if not chunk:
                break
            received += chunk
            if b"\r\n\r\n" in received and b"connection: close" not in received.lower():
                break
        return received, problem.strip()
    finally:
        sock.close()


def get_url(url: str, method: str = "GET", body: Optional[bytes] = None,
            headers: Optional[Dict[str, str]] = None,
            timeout: float = HTTP_TIMEOUT_S) -> RawResponse:
    """A plain (unsigned) request to a full http://127.0.0.1 URL, e.g. a presigned one."""
    parts = urllib.parse.urlsplit(url)
    assert parts.hostname == HOST_IP, url
    target = parts.path + ("?" + parts.query if parts.query else "")
    hdrs = {"Host": parts.netloc}
    if body is not None:
        hdrs["Content-Length"] = str(len(body))
    hdrs.update(headers or {})
    return send_raw(parts.port, method, target, hdrs, body or b"", timeout)


def assert_s3_error(resp: RawResponse, status: int, code: str) -> Dict[str, str]:
    """resp is an S3 XML error with this status and code and a RequestId."""
    assert resp.status == status, resp.describe()
    err = resp.error()
    assert err.get("Code") == code, resp.describe()
    assert err.get("RequestId"), f"no RequestId in the error\n{resp.describe()}"
    return err


def client_error(excinfo) -> Tuple[str, int]:
    """(code, HTTP status) of a botocore ClientError."""
    e = excinfo.value
    return e.response["Error"].get("Code"), e.response["ResponseMetadata"].get("HTTPStatusCode")


# ---- Starting the endpoint ---------------------------------------------------------


S3_LINE = re.compile(r"^S3 endpoint: http://127\.0\.0\.1:(\d+)$")
MOTO_LINE = re.compile(r"Running on http://127\.0\.0\.1:(\d+)")


def _wait_for_line(proc: BackgroundProcess, pattern: re.Pattern, stream: str) -> int:
    def found():
        lines = proc.stdout_lines if stream == "stdout" else proc.stderr_lines
        for line in list(lines):
            m = pattern.search(line)
            if m:
                return int(m.group(1))
        return None
    port = [None]

    def check():
        port[0] = found()
        return port[0] is not None
    proc.wait_for(check, START_TIMEOUT_S, f"{pattern.pattern!r} on {stream}")
    return port[0]


def start_invtrack(runner: Invtrack, home: pathlib.Path) -> S3Server:
    proc = runner.start("--log-level", "info", "serve", "--no-demo",
                        "--s3-listen", f"{HOST_IP}:0")
    port = _wait_for_line(proc, S3_LINE, "stdout")
    assert port > 0
    result = runner.ok("keys", "create", "--admin", "--format", "env", timeout=60)
    lines = result.stdout.splitlines()
    assert len(lines) == 2, result.describe()
    m1 = re.fullmatch(r"export AWS_ACCESS_KEY_ID=(\S+)", lines[0])
    m2 = re.fullmatch(r"export AWS_SECRET_ACCESS_KEY=(\S+)", lines[1])
    assert m1 and m2, result.describe()
    return S3Server("invtrack", proc, port, Creds(m1.group(1), m2.group(1)), runner, home)


def start_moto(work: pathlib.Path, home: pathlib.Path) -> S3Server:
    py = pyenv_python_with(("moto.server",))
    if not py:
        pytest.skip("S3_TEST_TARGET=moto but no pyenv python3 with moto")
    proc = BackgroundProcess([py, "-m", "moto.server", "-H", HOST_IP, "-p", "0"], work,
                             _clean_env())
    port = _wait_for_line(proc, MOTO_LINE, "stderr")
    server = S3Server("moto", proc, port, Creds("AKIAMOTOADMIN0000000", "moto-admin-secret"),
                      None, home)
    server.client().create_bucket(Bucket=BUCKET)
    return server


def _stop(proc: BackgroundProcess) -> Optional[int]:
    try:
        proc.signal(signal.SIGTERM)
        return proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        return None
    finally:
        proc.kill()  # by PID; a no-op when it has exited


@pytest.fixture(scope="module")
def s3(request, tmp_path_factory) -> S3Server:
    """The S3 endpoint for one test module (S3_TEST_TARGET picks which)."""
    if TARGET not in ("invtrack", "moto"):
        pytest.fail(f"S3_TEST_TARGET={TARGET!r}: use 'invtrack' (default) or 'moto'",
                    pytrace=False)
    base = tmp_path_factory.mktemp("s3")
    home = base / "home"
    home.mkdir()
    work = base / "work"
    work.mkdir()
    if ON_MOTO:
        server = start_moto(work, home)
    else:
        binary = request.getfixturevalue("invtrack_bin")
        runner = Invtrack(binary, base / "data", work)
        try:
            server = start_invtrack(runner, home)
        except BaseException:
            runner.cleanup()
            raise
    died = None
    try:
        yield server
    finally:
        if not server.alive():
            died = server.proc.popen.returncode
        rc = _stop(server.proc)
        if server.cli is not None:
            server.cli.cleanup()
    if died is not None:
        pytest.fail(f"the {server.kind} server exited ({died}) while the tests ran\n"
                    + "\n".join(server.proc.stderr_lines[-80:]), pytrace=False)
    if server.is_invtrack and rc != 0:
        pytest.fail(f"invtrack serve exited {rc} on SIGTERM\n"
                    + "\n".join(server.proc.stderr_lines[-80:]), pytrace=False)


# ---- Client runners ------------------------------------------------------------------


class AwsCli:
    """awscli v1 or v2 with a private config file."""

    def __init__(self, exe: str, server: S3Server, creds: Optional[Creds] = None,
                 v1: bool = False):
        self.exe = exe
        self.server = server
        self.creds = creds or server.admin
        name = f"aws-config-{'v1' if v1 else 'v2'}-{secrets.token_hex(3)}"
        self.config = server.home / name
        s3_settings = "    addressing_style = path\n"
        if v1:
            s3_settings += "    signature_version = s3v4\n"
        self.config.write_text(
            "[default]\n"
            f"region = {REGION}\n"
            "retry_mode = standard\n"
            "max_attempts = 1\n"
            "cli_pager =\n"
            "s3 =\n" + s3_settings)

    def env(self) -> dict:
        return self.server.client_env(self.creds, {"AWS_CONFIG_FILE": str(self.config)})

    def run(self, *args, timeout: float = CLIENT_TIMEOUT_S, cwd=None,
            input: Optional[bytes] = None) -> RunResult:
        return run_cmd([self.exe, "--endpoint-url", self.server.url, *args], self.env(),
                       cwd=cwd, timeout=timeout, input=input)

    def ok(self, *args, **kwargs) -> RunResult:
        result = self.run(*args, **kwargs)
        assert result.returncode == 0, result.describe()
        return result

    def json(self, *args, **kwargs):
        out = self.ok(*args, "--output", "json", **kwargs).stdout
        return json.loads(out) if out.strip() else {}


class S3cmd:
    def __init__(self, server: S3Server, creds: Optional[Creds] = None):
        self.server = server
        creds = creds or server.admin
        self.config = server.home / f"s3cmd-{secrets.token_hex(3)}.cfg"
        self.config.write_text(
            "[default]\n"
            f"access_key = {creds.access_key_id}\n"
            f"secret_key = {creds.secret_access_key}\n"
            f"host_base = {server.host}\n"
            f"host_bucket = {server.host}\n"
            f"bucket_location = {REGION}\n"
            "use_https = False\n"
            "signature_v2 = False\n"
            "check_ssl_certificate = False\n"
            "progress_meter = False\n")

    def run(self, *args, timeout: float = CLIENT_TIMEOUT_S, cwd=None) -> RunResult:
        return run_cmd(["s3cmd", "-c", self.config, *args],
                       self.server.client_env(None), cwd=cwd, timeout=timeout)

    def ok(self, *args, **kwargs) -> RunResult:
        result = self.run(*args, **kwargs)
        assert result.returncode == 0, result.describe()
        return result


class Rclone:
    """rclone with a config-file remote `inv:` (run under env -u AWS_CA_BUNDLE,
    see TOOLCHAIN.md)."""

    def __init__(self, server: S3Server, creds: Optional[Creds] = None):
        self.server = server
        creds = creds or server.admin
        self.config = server.home / f"rclone-{secrets.token_hex(3)}.conf"
        lines = ["[inv]", "type = s3", "provider = Other", "env_auth = false",
                 f"access_key_id = {creds.access_key_id}",
                 f"secret_access_key = {creds.secret_access_key}",
                 f"endpoint = {server.url}", f"region = {REGION}", "force_path_style = true"]
        if creds.store is not None:
            # A store key may not create buckets; rclone's documented switch
            # for restricted keys.
            lines.append("no_check_bucket = true")
        self.config.write_text("\n".join(lines) + "\n")

    def run(self, *args, timeout: float = CLIENT_TIMEOUT_S, cwd=None) -> RunResult:
        return run_cmd(["env", "-u", "AWS_CA_BUNDLE", "rclone", "--config", self.config,
                        "--retries", "1", "--low-level-retries", "1", "--contimeout", "10s",
                        "--timeout", "60s", *args],
                       self.server.client_env(None), cwd=cwd, timeout=timeout)

    def ok(self, *args, **kwargs) -> RunResult:
        result = self.run(*args, **kwargs)
        assert result.returncode == 0, result.describe()
        return result


def pyenv_boto3_python() -> Optional[str]:
    return pyenv_python_with(("boto3",))


def run_pyenv_script(server: S3Server, script: str, creds: Optional[Creds] = None,
                     args: Sequence[str] = (), timeout: float = CLIENT_TIMEOUT_S,
                     cwd: Optional[pathlib.Path] = None) -> dict:
    """Runs `script` with the pyenv Python's boto3 (a subprocess); the script
    gets S3_URL in its environment, prints one JSON object, exits 0."""
    py = pyenv_boto3_python()
    if not py:
        pytest.skip("no pyenv python3 with boto3 on this machine")
    path = server.home / f"script-{secrets.token_hex(4)}.py"
    path.write_text(script)
    env = server.client_env(creds, {"S3_URL": server.url})
    result = run_cmd([py, path, *args], env, cwd=cwd, timeout=timeout)
    assert result.returncode == 0, result.describe()
    try:
        return json.loads(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise AssertionError("script printed no JSON result\n" + result.describe())


def demo_rows(source_dir: pathlib.Path, store: str) -> Tuple[pathlib.Path, Dict[str, int]]:
    """A lab demo file and its {item: count}."""
    import csv
    path = source_dir / "demo" / f"inventory-{store.lower()}.csv"
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = {r["item"]: int(r["count"]) for r in csv.DictReader(f) if r["store"] == store}
    assert rows, f"no rows of {store} in {path}"
    return path, rows
