"""Shared fixtures for the end-to-end tests: they drive the real `invtrack`
binary as a user would, each test in a fresh data directory.

Environment (set by CTest, see CMakeLists.txt):
  INVTRACK_BIN         path of the built binary (required)
  INVTRACK_SOURCE_DIR  repository root (default: two levels above this file)

Every subprocess runs with a timeout; processes started in the background
are killed by PID at teardown if a test left them running.
"""

import json
import os
import pathlib
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence, Union

import pytest

DEFAULT_TIMEOUT_S = 60.0


def _source_dir() -> pathlib.Path:
    env = os.environ.get("INVTRACK_SOURCE_DIR")
    if env:
        return pathlib.Path(env)
    return pathlib.Path(__file__).resolve().parents[2]


def _clean_env(extra: Optional[dict] = None) -> dict:
    """The caller's environment without any INVTRACK_* setting (so a
    developer's own INVTRACK_DATA or INVTRACK_CONFIG cannot leak into a test),
    plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INVTRACK_")}
    env["LC_ALL"] = "C.UTF-8"
    # Tests run in parallel: no test may take the fixed default S3 port.
    env["INVTRACK_S3_LISTEN"] = "127.0.0.1:0"
    env["INVTRACK_DASHBOARD_LISTEN"] = "127.0.0.1:0"
    if extra:
        env.update({k: str(v) for k, v in extra.items()})
    return env


def _decode(data: bytes) -> str:
    # No newline translation: CSV output is compared byte for byte, and item
    # names may contain CR or LF.
    return data.decode("utf-8", errors="replace")


@dataclass
class RunResult:
    args: List[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def describe(self) -> str:
        return (
            f"command: {' '.join(self.args)}\nexit: {self.returncode} after {self.seconds:.2f}s\n"
            f"--- stdout ---\n{self.stdout[:4000]}\n--- stderr ---\n{self.stderr[:4000]}"
        )

    def json_lines(self) -> List[dict]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]


class BackgroundProcess:
    """A started invtrack process whose stdout and stderr are read by threads
    into line lists, so a test can wait for a line with a deadline."""

    def __init__(self, args: List[str], cwd: pathlib.Path, env: dict):
        self.args = args
        self.started = time.monotonic()
        self.popen = subprocess.Popen(
            args, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.pid = self.popen.pid
        self.stdout_lines: List[str] = []
        self.stderr_lines: List[str] = []
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._threads = [
            threading.Thread(target=self._pump, args=(self.popen.stdout, self.stdout_lines),
                             daemon=True),
            threading.Thread(target=self._pump, args=(self.popen.stderr, self.stderr_lines),
                             daemon=True),
        ]
        for t in self._threads:
            t.start()

    def _pump(self, stream, lines: List[str]) -> None:
        for raw in iter(stream.readline, b""):
            with self._changed:
                lines.append(_decode(raw).rstrip("\r\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    @property
    def stdout(self) -> str:
        with self._lock:
            return "\n".join(self.stdout_lines)

    @property
    def stderr(self) -> str:
        with self._lock:
            return "\n".join(self.stderr_lines)

    def stderr_json(self) -> List[dict]:
        out = []
        with self._lock:
            lines = list(self.stderr_lines)
        for line in lines:
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
        return out

    def wait_for(self, predicate: Callable[[], bool], timeout: float, what: str) -> None:
        """Waits until predicate() holds; fails with the output so far when
        the deadline passes or the process exits first."""
        deadline = time.monotonic() + timeout
        while True:
            if predicate():
                return
            if self.popen.poll() is not None and not any(t.is_alive() for t in self._threads):
                if predicate():
                    return
                raise AssertionError(
                    f"process exited ({self.popen.returncode}) before {what}\n" + self._dump())
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}\n"
                                     + self._dump())
            with self._changed:
                self._changed.wait(min(remaining, 0.2))

    def wait_for_stdout(self, text: str, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        self.wait_for(lambda: any(text in line for line in list(self.stdout_lines)), timeout,
                      f"{text!r} on stdout")

    def _dump(self) -> str:
        return (f"command: {' '.join(self.args)}\n--- stdout ---\n"
                + "\n".join(list(self.stdout_lines)[-200:]) + "\n--- stderr ---\n"
                + "\n".join(list(self.stderr_lines)[-200:]))

    def signal(self, signum: int) -> None:
        if self.popen.poll() is None:
            os.kill(self.pid, signum)

    def wait(self, timeout: float) -> int:
        """Waits for exit (and for the output threads to drain)."""
        rc = self.popen.wait(timeout=timeout)
        for t in self._threads:
            t.join(timeout=5)
        return rc

    def stop(self, timeout: float = 20.0) -> int:
        self.signal(signal.SIGTERM)
        return self.wait(timeout)

    def kill(self) -> None:
        if self.popen.poll() is None:
            os.kill(self.pid, signal.SIGKILL)
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


class Invtrack:
    """Runs the CLI against one data directory."""

    def __init__(self, binary: pathlib.Path, data_dir: pathlib.Path, work_dir: pathlib.Path):
        self.binary = binary
        self.data_dir = data_dir
        self.work_dir = work_dir
        self.env_extra: dict = {}
        self._background: List[BackgroundProcess] = []

    def command(self, args: Sequence[str], data: bool = True) -> List[str]:
        cmd = [str(self.binary)]
        if data:
            cmd += ["--data", str(self.data_dir)]
        return cmd + [str(a) for a in args]

    def env(self, extra: Optional[dict] = None) -> dict:
        merged = dict(self.env_extra)
        merged.update(extra or {})
        return _clean_env(merged)

    def run(self, *args, timeout: float = DEFAULT_TIMEOUT_S, env: Optional[dict] = None,
            data: bool = True) -> RunResult:
        cmd = self.command(args, data)
        start = time.monotonic()
        try:
            done = subprocess.run(cmd, cwd=self.work_dir, env=self.env(env),
                                  stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            # subprocess.run has killed the child (by its PID) already.
            raise AssertionError(
                f"timed out after {timeout}s: {' '.join(cmd)}\n--- stdout ---\n"
                f"{_decode(e.stdout or b'')[:4000]}\n--- stderr ---\n{_decode(e.stderr or b'')[:4000]}")
        return RunResult(cmd, done.returncode, _decode(done.stdout), _decode(done.stderr),
                         time.monotonic() - start)

    def ok(self, *args, **kwargs) -> RunResult:
        """run() that must exit 0."""
        result = self.run(*args, **kwargs)
        assert result.returncode == 0, result.describe()
        return result

    def start(self, *args, env: Optional[dict] = None, data: bool = True) -> BackgroundProcess:
        proc = BackgroundProcess(self.command(args, data), self.work_dir, self.env(env))
        self._background.append(proc)
        return proc

    # Convenience views.
    def load(self, *args, **kwargs) -> RunResult:
        return self.run("load", *args, **kwargs)

    def stock_csv(self, *args, **kwargs) -> str:
        return self.ok("stock", "--format", "csv", *args, **kwargs).stdout

    def stock_json(self, *args, **kwargs) -> List[dict]:
        return self.ok("stock", "--format", "json", *args, **kwargs).json_lines()

    def alerts(self, **kwargs) -> List[dict]:
        return self.ok("alerts", "--format", "json", **kwargs).json_lines()

    def write(self, name: str, content: Union[str, bytes]) -> pathlib.Path:
        """Writes an input file into the work directory (str as UTF-8, no
        newline translation)."""
        path = self.work_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    def cleanup(self) -> None:
        for proc in self._background:
            proc.kill()
            for t in proc._threads:
                t.join(timeout=5)


@pytest.fixture(scope="session")
def invtrack_bin() -> pathlib.Path:
    value = os.environ.get("INVTRACK_BIN")
    if not value:
        pytest.fail("INVTRACK_BIN is not set: point it at the built invtrack binary", pytrace=False)
    path = pathlib.Path(value)
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"INVTRACK_BIN={value} is not an executable file", pytrace=False)
    return path.resolve()


@pytest.fixture(scope="session")
def source_dir() -> pathlib.Path:
    return _source_dir()


@pytest.fixture
def cli(invtrack_bin, tmp_path) -> Invtrack:
    """An Invtrack runner with a fresh data dir (tmp_path/data) and a work dir
    (tmp_path/work, the processes' cwd, where input files are written)."""
    work = tmp_path / "work"
    work.mkdir()
    runner = Invtrack(invtrack_bin, tmp_path / "data", work)
    yield runner
    runner.cleanup()


@pytest.fixture
def make_cli(invtrack_bin, tmp_path):
    """Factory for extra runners (other data dirs) within one test."""
    made: List[Invtrack] = []

    def make(name: str) -> Invtrack:
        work = tmp_path / f"work-{name}"
        work.mkdir(exist_ok=True)
        runner = Invtrack(invtrack_bin, tmp_path / f"data-{name}", work)
        made.append(runner)
        return runner

    yield make
    for runner in made:
        runner.cleanup()


# ---- Domain helpers shared by the tests ------------------------------------

DEFAULT_THRESHOLD = 5


def level_of(count: int, threshold: int = DEFAULT_THRESHOLD) -> str:
    if count <= 0:
        return "OUT"
    return "LOW" if count <= threshold else "IN_STOCK"


def transition(before: Optional[int], after: int,
               threshold: int = DEFAULT_THRESHOLD) -> Optional[str]:
    """The alert kind a change of one item calls for (DESIGN.md: alerts on
    transitions only; a new item is judged as if it had been in stock)."""
    was = level_of(before, threshold) if before is not None else "IN_STOCK"
    now = level_of(after, threshold)
    if now == was:
        return None
    if now == "OUT":
        return "OUT"
    if was == "OUT":
        return "BACK_IN_STOCK"
    if now == "LOW":
        return "LOW"
    return None


def csv_field(value: str) -> str:
    """RFC 4180 quoting as the stock csv output is expected to use it."""
    if any(c in value for c in ',"\r\n') or value[:1] in (" ", "\t") or value[-1:] in (" ", "\t"):
        return '"' + value.replace('"', '""') + '"'
    return value


def stock_csv_text(rows) -> str:
    """The exact `stock --format csv` output for {(store, item): count}."""
    out = ["store,item,count\n"]
    for (store, item), count in sorted(rows.items(), key=lambda kv: (kv[0][0].encode(),
                                                                     kv[0][1].encode())):
        out.append(f"{csv_field(store)},{csv_field(item)},{count}\n")
    return "".join(out)


# Fixtures of the S3 endpoint tests (test_s3_*.py) live in s3_support.py.
from s3_support import s3  # noqa: E402,F401
