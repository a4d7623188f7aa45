"""End-to-end tests of `invtrack serve`: first start with the demo data,
loads from other processes handled by serve's event runtime, the
one-server-per-data-dir rule, clean stop on signals, and restart."""

import csv
import re
import signal
import time

import pytest

from conftest import stock_csv_text, transition

DEMO_STORES = ["Berlin", "Calcutta", "Karachi", "Pusan", "Shanghai", "Springfield"]
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 20


def demo_expectations(source_dir):
    stock = {}
    alerts = []
    for store in DEMO_STORES:
        with open(source_dir / "demo" / f"inventory-{store.lower()}.csv", newline="",
                  encoding="utf-8-sig") as f:
            for row in csv.DictReader(f):
                count = int(row["count"])
                stock[(row["store"], row["item"])] = count
                kind = transition(None, count)
                if kind:
                    alerts.append((kind, row["store"], row["item"], count))
    return stock, sorted(alerts)


def section(lines, title, end_title):
    """The table lines between a 'Title:' line and the next blank line."""
    start = lines.index(title) + 1
    out = []
    for line in lines[start:]:
        if not line.strip() or line == end_title:
            break
        out.append(line)
    return out


def start_serve(cli, *args, log_level=None):
    extra = ["--log-level", log_level] if log_level else []
    proc = cli.start(*extra, "serve", *args)
    proc.wait_for_stdout("S3 endpoint: ", timeout=START_TIMEOUT_S)
    return proc


def stop(proc, signum=signal.SIGTERM):
    proc.signal(signum)
    rc = proc.wait(STOP_TIMEOUT_S)
    assert rc == 0, f"serve exited {rc} on signal {signum}\n{proc.stdout}\n{proc.stderr}"
    assert "invtrack: stopped" in proc.stdout


def test_first_start_prints_demo_stock_and_alerts(cli, source_dir):
    proc = start_serve(cli)
    lines = list(proc.stdout_lines)
    out = "\n".join(lines)
    assert "First start: loading the demo inventory of 6 stores" in out
    for store in DEMO_STORES:
        assert re.search(rf"stores/{store}/inventory-{store.lower()}\.csv: applied, 6 rows", out), out

    stock, alerts = demo_expectations(source_dir)
    table = section(lines, "Stock levels:", "Alerts:")
    assert re.split(r"\s{2,}", table[0].strip()) == ["STORE", "ITEM", "COUNT", "LEVEL"]
    shown = {}
    for line in table[1:]:
        store, item, count, level = re.split(r"\s{2,}", line.strip())
        shown[(store, item)] = int(count)
    assert shown == stock

    alert_table = section(lines, "Alerts:", "")
    assert len(alert_table) == 1 + len(alerts), alert_table
    assert any(line.rstrip().endswith("Berlin is out of stock of Echo Plus") for line in
               alert_table), alert_table
    assert lines[-3].startswith("Serving."), lines[-3:]
    assert "invtrack keys create --admin --format env" in lines[-2], lines[-2]
    assert re.fullmatch(r"S3 endpoint: http://127\.0\.0\.1:\d+", lines[-1]), lines[-1]

    # What serve showed is what the table holds.
    assert cli.stock_csv() == stock_csv_text(stock)
    assert sorted((a["kind"], a["store"], a["item"], a["count"]) for a in cli.alerts()) == alerts
    stop(proc)


def test_no_demo_starts_empty(cli):
    proc = start_serve(cli, "--no-demo")
    assert "First start" not in proc.stdout
    assert cli.stock_csv() == "store,item,count\n"
    assert cli.alerts() == []
    stop(proc)


def test_load_while_serving_is_processed_by_serve(cli):
    proc = start_serve(cli, "--no-demo", log_level="info")
    path = cli.write("fresh.csv", "store,item,count\nLisbon,Kettle,0\nLisbon,Toaster,9\n")
    result = cli.run("--log-level", "info", "load", path, timeout=30)
    assert result.returncode == 0, result.describe()
    assert "fresh.csv: applied 2 rows, 2 changed (stores/Lisbon/fresh.csv)" in result.stdout
    assert result.seconds < 10, f"load took {result.seconds:.1f}s while serve was running"
    # The load process did not run an event runtime of its own ...
    assert "runtime.started" not in result.stderr, result.describe()
    # ... serve's runtime loaded the file.
    proc.wait_for(lambda: any(e.get("event") == "load.file" and e.get("key") ==
                              "stores/Lisbon/fresh.csv" for e in proc.stderr_json()),
                  timeout=10, what="serve's load.file log for stores/Lisbon/fresh.csv")
    assert cli.stock_csv() == "store,item,count\nLisbon,Kettle,0\nLisbon,Toaster,9\n"
    assert [(a["kind"], a["item"]) for a in cli.alerts()] == [("OUT", "Kettle")]

    rejected = cli.load(cli.write("bad.csv", "store,item,count\nLisbon,Kettle,many\n"),
                        timeout=30)
    assert rejected.returncode == 1, rejected.describe()
    assert "line 2: count 'many' is not a whole number >= 0" in rejected.stdout
    stop(proc)


def test_second_serve_on_same_dir_fails_clearly(cli):
    first = start_serve(cli, "--no-demo")
    second = cli.run("serve", "--no-demo", timeout=30)
    assert second.returncode == 1, second.describe()
    assert "another invtrack process is already serving" in second.stderr, second.describe()
    assert str(cli.data_dir) in second.stderr
    assert "Serving." not in second.stdout
    # The first one is unaffected and still does the work.
    assert first.popen.poll() is None
    result = cli.load(cli.write("x.csv", "store,item,count\nOslo,Pan,3\n"), timeout=30)
    assert result.returncode == 0, result.describe()
    assert cli.stock_csv() == "store,item,count\nOslo,Pan,3\n"
    stop(first)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_serve_with_exit_0(cli, signum):
    proc = start_serve(cli, "--no-demo")
    started = time.monotonic()
    stop(proc, signum)
    assert time.monotonic() - started < STOP_TIMEOUT_S
    # The runtime lock is released: another serve can start right away.
    again = start_serve(cli, "--no-demo")
    stop(again)


def test_restart_does_not_reload_demo(cli, source_dir):
    first = start_serve(cli)
    stock, _ = demo_expectations(source_dir)
    # Restock Berlin's Echo Plus while serving.
    result = cli.load(cli.write("berlin.csv", "store,item,count\nBerlin,Echo Plus,9\n"),
                      timeout=30)
    assert result.returncode == 0, result.describe()
    stop(first)
    alerts_before = cli.alerts()
    assert [a["kind"] for a in alerts_before if a["item"] == "Echo Plus" and
            a["store"] == "Berlin"] == ["OUT", "BACK_IN_STOCK"]

    second = start_serve(cli)
    assert "First start" not in second.stdout
    assert "inventory-berlin.csv" not in second.stdout
    stock[("Berlin", "Echo Plus")] = 9
    assert cli.stock_csv() == stock_csv_text(stock)
    assert cli.alerts() == alerts_before
    lines = list(second.stdout_lines)
    table = section(lines, "Stock levels:", "Alerts:")
    assert any(re.split(r"\s{2,}", line.strip()) == ["Berlin", "Echo Plus", "9", "IN_STOCK"]
               for line in table), table
    stop(second)
