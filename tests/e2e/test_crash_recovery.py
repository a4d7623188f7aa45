"""The crash test: `invtrack load` of a large file is killed with SIGKILL at
seeded points (right after start, around the upload, during the ingest,
while the changes are being checked, near the end). After each kill the
table must be exactly the state before the file or exactly the state after
it, never a mix; a fresh process must then finish the file, so that the
stock equals the after state and each alert the file calls for exists
exactly once.

The file is uploaded under the same key as a small earlier version of it
(stores/Big/inventory.csv), so the "before" state is a known table with
alerts of its own.

Seed: INVTRACK_E2E_SEED (default below). Size: INVTRACK_E2E_CRASH_ROWS
(default 400000; halved or doubled, at most twice, when the measured ingest
on this machine is outside 0.5-2 s).
"""

import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import pytest

from conftest import Invtrack, stock_csv_text, transition

SEED = int(os.environ.get("INVTRACK_E2E_SEED", "20240611"))
ROWS = int(os.environ.get("INVTRACK_E2E_CRASH_ROWS", "400000"))
MAX_ROWS = 1_600_000
MIN_ROWS = 100_000
# Wanted time from start until the rows are committed: long enough to place
# kills inside it, short enough to keep the test near a minute.
MIN_INGEST_S = 0.5
MAX_INGEST_S = 2.0
STORE = "Big"
FILE_NAME = "inventory.csv"
KEY = f"stores/{STORE}/{FILE_NAME}"
LOAD_TIMEOUT_S = 120
RECOVERY_TIMEOUT_S = 90


@dataclass
class Dataset:
    rows: int
    before_path: object
    big_path: object
    tiny_path: object
    before_csv: str
    after_csv: str
    before_alerts: List[Tuple]
    after_alerts: List[Tuple]
    changes: int  # rows of the big file that change the before state
    big_etag: str  # hex MD5 of the big file, the bucket's ETag for it
    ingest_s: float = 0.0  # from start until the load committed (calibrated)
    total_s: float = 0.0   # until `load` returned


def item_name(i: int) -> str:
    return f"item{i:07d}"


def generate(directory, rows: int, seed: int) -> Dataset:
    rng = random.Random(seed)
    before: Dict[str, int] = {}
    for i in range(0, rows, 97):
        r = rng.random()
        before[item_name(i)] = 0 if r < 0.3 else rng.randint(1, 5) if r < 0.5 else \
            rng.randint(6, 60)
    big: Dict[str, int] = {}
    for i in range(rows):
        name = item_name(i)
        r = rng.random()
        if name in before:  # every kind of transition from a known state
            big[name] = 0 if r < 0.33 else rng.randint(1, 5) if r < 0.66 else rng.randint(6, 60)
        else:
            big[name] = 0 if r < 0.015 else rng.randint(1, 5) if r < 0.03 else \
                rng.randint(6, 60)

    (directory / "before").mkdir(exist_ok=True)
    (directory / "big").mkdir(exist_ok=True)
    before_path = directory / "before" / FILE_NAME
    big_path = directory / "big" / FILE_NAME
    tiny_path = directory / "tiny.csv"
    with open(before_path, "w", newline="") as f:
        f.write("store,item,count\n")
        f.writelines(f"{STORE},{k},{v}\n" for k, v in before.items())
    with open(big_path, "w", newline="") as f:
        f.write("store,item,count\n")
        f.writelines(f"{STORE},{k},{v}\n" for k, v in big.items())
    tiny_path.write_text("store,item,count\nTiny,Marker,100\n")

    after = dict(before)
    after.update(big)
    before_alerts = []
    for k, v in before.items():
        kind = transition(None, v)
        if kind:
            before_alerts.append((kind, STORE, k, v))
    big_alerts = []
    for k, v in big.items():
        kind = transition(before.get(k), v)
        if kind:
            big_alerts.append((kind, STORE, k, v))
    return Dataset(
        rows=rows, before_path=before_path, big_path=big_path, tiny_path=tiny_path,
        before_csv=stock_csv_text({(STORE, k): v for k, v in before.items()}),
        after_csv=stock_csv_text({(STORE, k): v for k, v in after.items()}),
        before_alerts=sorted(before_alerts), after_alerts=sorted(before_alerts + big_alerts),
        changes=sum(1 for k, v in big.items() if before.get(k) != v),
        big_etag=hashlib.md5(big_path.read_bytes()).hexdigest())


def text_diff(got: str, want: str) -> str:
    """A short description of how two big texts differ (pytest's own diff
    of 400k-line strings takes minutes)."""
    g, w = got.splitlines(), want.splitlines()
    diffs = [(i + 1, a, b) for i, (a, b) in enumerate(zip(g, w)) if a != b]
    return (f"{len(g)} lines vs {len(w)} expected, {len(diffs)} of the common lines differ; "
            f"first: {diffs[:5]}")


def state_of(stock: str, data: "Dataset") -> Optional[str]:
    if stock == data.before_csv:
        return "before"
    if stock == data.after_csv:
        return "after"
    return None


def alert_keys(alerts) -> List[Tuple]:
    return sorted((a["kind"], a["store"], a["item"], a["count"]) for a in alerts)


def load_before(runner, data: Dataset) -> None:
    result = runner.load(data.before_path, timeout=LOAD_TIMEOUT_S)
    assert result.returncode == 0, result.describe()
    stock = runner.stock_csv("--store", STORE)
    ok = stock == data.before_csv
    assert ok, text_diff(stock, data.before_csv)


def check_final(runner, data: Dataset, context: str) -> None:
    stock = runner.stock_csv("--store", STORE)
    ok = stock == data.after_csv
    assert ok, f"{context}: stock is not the after state ({state_of(stock, data) or 'a mix'}): " \
               f"{text_diff(stock, data.after_csv)}"
    alerts = runner.alerts()
    ids = Counter(a["id"] for a in alerts)
    dup_ids = [i for i, n in ids.items() if n > 1]
    assert not dup_ids, f"{context}: duplicate alert ids {dup_ids[:10]}"
    got = Counter(alert_keys(alerts))
    want = Counter(data.after_alerts)
    missing = want - got
    extra = got - want
    assert not missing and not extra, (
        f"{context}: alerts differ from the expected transitions: {len(alerts)} alerts, "
        f"{len(data.after_alerts)} expected; missing {sum(missing.values())} "
        f"(e.g. {list(missing)[:5]}), extra or duplicated {sum(extra.values())} "
        f"(e.g. {list(extra)[:5]})")


def object_stored(data_dir, key: str, etag: str) -> bool:
    """Whether the bucket committed this version of the object (the key also
    holds the small earlier version): the ground truth for "the upload never
    happened" after a kill, read from the bucket's metadata database
    (read-only; no public command lists objects)."""
    path = data_dir / "buckets" / "inventory" / "bucket.db"
    if not path.exists():
        return False
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        row = db.execute("SELECT etag FROM objects WHERE key = ?", (key,)).fetchone()
    finally:
        db.close()
    return row is not None and row[0].strip('"') == etag


def log_events(stderr: str) -> List[dict]:
    out = []
    for line in stderr.splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            pass
    return out


def calibrate(make_cli, data: Dataset, name: str) -> Dataset:
    """An uncrashed run (also the control case): times the ingest (until the
    load.file log line) and the whole load."""
    runner = make_cli(name)
    try:
        load_before(runner, data)
        proc = runner.start("--log-level", "info", "load", data.big_path)
        proc.wait_for(lambda: any(e.get("event") == "load.file" and e.get("key") == KEY
                                  for e in proc.stderr_json()),
                      timeout=LOAD_TIMEOUT_S, what="the big file's load.file log line")
        data.ingest_s = time.monotonic() - proc.started
        rc = proc.wait(LOAD_TIMEOUT_S)
        data.total_s = time.monotonic() - proc.started
        assert rc == 0, proc.stdout + proc.stderr
        assert f"applied {data.rows} rows, {data.changes} changed ({KEY})" in proc.stdout, \
            proc.stdout
        check_final(runner, data, "uncrashed control run")
    finally:
        runner.cleanup()
    shutil.rmtree(runner.data_dir, ignore_errors=True)
    return data


@pytest.fixture(scope="module")
def dataset(tmp_path_factory, invtrack_bin):
    base = tmp_path_factory.mktemp("crash-data")
    counter = [0]

    def make_cli(name):
        counter[0] += 1
        work = base / f"work-{name}-{counter[0]}"
        work.mkdir()
        return Invtrack(invtrack_bin, base / f"data-{name}-{counter[0]}", work)

    rows = ROWS
    for attempt in range(3):  # measure, and adapt the size at most twice
        files = base / f"files-{rows}"
        files.mkdir(exist_ok=True)
        data = calibrate(make_cli, generate(files, rows, SEED), f"calibrate-{rows}")
        if data.ingest_s < MIN_INGEST_S and rows * 2 <= MAX_ROWS:
            rows *= 2
        elif data.ingest_s > MAX_INGEST_S and rows // 2 >= MIN_ROWS:
            rows //= 2
        else:
            break
    return data


@dataclass
class Outcome:
    label: str
    delay_s: float
    exited_before_kill: bool
    phases: List[str]
    state_after_kill: str
    stored: bool
    recovery: str


def kill_points(data: Dataset, rng: random.Random) -> List[Tuple[str, float]]:
    ing, tot = data.ingest_s, max(data.total_s, data.ingest_s + 0.01)
    return [
        ("right after start", 0.0),
        ("around the upload", rng.uniform(0.005, 0.04)),
        ("early ingest", ing * rng.uniform(0.15, 0.3)),
        ("mid ingest", ing * rng.uniform(0.4, 0.6)),
        ("late ingest", ing * rng.uniform(0.75, 0.92)),
        ("checking changes", ing + (tot - ing) * rng.uniform(0.15, 0.45)),
        ("checking, later", ing + (tot - ing) * rng.uniform(0.55, 0.85)),
        ("near the end", tot * rng.uniform(0.96, 1.03)),
    ]


def recover_with_load(runner, data: Dataset, stored: bool, context: str) -> str:
    """A fresh `invtrack load` of another small file: its event runtime first
    re-runs the abandoned invocation (older, so claimed first) and does not
    return before every change recorded by then has been checked."""
    result = runner.run("--log-level", "info", "load", data.tiny_path, timeout=LOAD_TIMEOUT_S)
    assert result.returncode == 0, f"{context}\n{result.describe()}"
    assert "tiny.csv: applied 1 rows" in result.stdout, f"{context}\n{result.describe()}"
    events = log_events(result.stderr)
    assert not [e for e in events if e.get("event") == "invoke.dead_letter"], \
        f"{context}\n{result.describe()}"
    return "load of another file"


def recover_with_serve(runner, data: Dataset, stored: bool, context: str) -> str:
    """`invtrack serve --no-demo` picks up the abandoned work; poll until the
    after state and all alerts are there (bounded), then stop it."""
    proc = runner.start("serve", "--no-demo")
    proc.wait_for_stdout("Serving.", timeout=RECOVERY_TIMEOUT_S)
    assert "First start" not in proc.stdout
    deadline = time.monotonic() + RECOVERY_TIMEOUT_S
    want = len(data.after_alerts)
    polls = 0
    while polls < 500:
        polls += 1
        done = runner.stock_csv("--store", STORE) == data.after_csv
        if done and len(runner.alerts()) >= want:
            break
        assert time.monotonic() < deadline, \
            f"{context}: serve did not finish the file within {RECOVERY_TIMEOUT_S}s"
        time.sleep(0.2)
    proc.signal(signal.SIGTERM)
    assert proc.wait(30) == 0, f"{context}: serve did not stop cleanly\n{proc.stderr}"
    return "serve --no-demo"


def test_killed_load_is_all_or_nothing_and_recovers(dataset, make_cli):
    data = dataset
    rng = random.Random(SEED + 1)
    outcomes: List[Outcome] = []
    started = time.monotonic()
    points = kill_points(data, rng)
    for index, (label, delay) in enumerate(points):
        context = (f"kill #{index} '{label}' at {delay:.3f}s (seed {SEED}, {data.rows} rows, "
                   f"ingest {data.ingest_s:.2f}s, total {data.total_s:.2f}s)")
        runner = make_cli(f"kill{index}")
        load_before(runner, data)
        alerts_before = runner.alerts()
        ok = alert_keys(alerts_before) == data.before_alerts
        assert ok, f"{context}: the before file's alerts are wrong"

        proc = runner.start("--log-level", "info", "load", data.big_path)
        # Bounded: delay is at most ~1.03 x the calibrated load time.
        time.sleep(max(0.0, delay - (time.monotonic() - proc.started)))
        exited = proc.popen.poll() is not None
        proc.kill()  # SIGKILL, by PID
        proc.wait(30)
        phases = [e.get("event") for e in proc.stderr_json()]
        if exited:
            assert proc.popen.returncode == 0, f"{context}\n{proc.stdout}\n{proc.stderr}"

        # 1. All or nothing, right after the kill.
        stock = runner.stock_csv("--store", STORE)
        state = state_of(stock, data)
        assert state is not None, (
            f"{context}: the table is neither the before nor the after state (a mix): "
            f"vs before: {text_diff(stock, data.before_csv)}; "
            f"vs after: {text_diff(stock, data.after_csv)}")
        if "load.file" in phases:  # logged after the rows were committed
            assert state == "after", f"{context}: load.file was logged but the table is 'before'"
        stored = object_stored(runner.data_dir, KEY, data.big_etag)
        if state == "after":
            assert stored, f"{context}: rows applied but the object is not in the bucket"
        # Alerts so far: the before ones plus a subset of the file's, none twice.
        so_far = runner.alerts()
        assert len({a["id"] for a in so_far}) == len(so_far), f"{context}: duplicate alert ids"
        assert not (Counter(alert_keys(so_far)) - Counter(data.after_alerts)), \
            f"{context}: unexpected alerts after the kill"
        if state == "before":
            ok = alert_keys(so_far) == data.before_alerts
            assert ok, f"{context}: alerts raised for rows that were not applied"

        # 2. Recovery by a fresh process.
        if not stored:
            # Killed before the upload committed: nothing to recover, the
            # file is simply not there. Loading it again must work.
            assert state == "before"
            recovery = "plain re-run (upload never stored)"
            result = runner.load(data.big_path, timeout=LOAD_TIMEOUT_S)
            assert result.returncode == 0, f"{context}\n{result.describe()}"
            assert f"applied {data.rows} rows, {data.changes} changed ({KEY})" in result.stdout, \
                f"{context}\n{result.describe()}"
        elif index % 2 == 0:
            recovery = recover_with_load(runner, data, stored, context)
        else:
            recovery = recover_with_serve(runner, data, stored, context)
        check_final(runner, data, f"{context}, recovered by {recovery}")

        # 3. Loading the same file once more changes nothing and alerts nothing.
        if index in (0, len(points) - 1):
            again = runner.load(data.big_path, timeout=LOAD_TIMEOUT_S)
            assert again.returncode == 0, f"{context}\n{again.describe()}"
            assert f"applied {data.rows} rows, 0 changed" in again.stdout, again.describe()
            check_final(runner, data, f"{context}, after loading the file again")

        outcomes.append(Outcome(label, delay, exited, phases, state, stored, recovery))
        runner.cleanup()
        shutil.rmtree(runner.data_dir, ignore_errors=True)  # ~30 MB each
        assert time.monotonic() - started < 240, "crash iterations are taking far too long"

    summary = "\n".join(
        f"  {o.label:18s} {o.delay_s:6.3f}s exited={o.exited_before_kill!s:5s} "
        f"state={o.state_after_kill:6s} stored={o.stored!s:5s} phases={o.phases} "
        f"recovery={o.recovery}" for o in outcomes)
    print(f"\ncrash outcomes (seed {SEED}, {data.rows} rows, ingest {data.ingest_s:.2f}s, "
          f"total {data.total_s:.2f}s):\n{summary}")
    # The kills must have hit the interesting window at least once: the object
    # stored but its rows not yet committed.
    assert any(o.stored and o.state_after_kill == "before" for o in outcomes), \
        f"no kill landed mid-ingest; timings off?\n{summary}"
