#!/usr/bin/env python3
"""Dashboard benchmark: with 1,000 stores x 1,000 items loaded into a real
`invtrack serve`, measures p50/p99 latency of the overview (GET /api/stores)
and of a filtered, sorted store page (GET /api/stores/S/items?filter=low&
sort=count) at 50 concurrent connections with wrk, against a baseline
measured in the same run on the same server: a static file (/app.css),
which costs no data access at all. Goal: p99 < 20 ms for both.

  bench/dashboard_bench.py [--build-dir build/release] [--stores 1000] [--items 1000]
                           [--connections 50] [--seconds 10]

Talks only to 127.0.0.1; stops the server it started (by PID)."""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "out")


def make_inventory(path, stores, items):
    if os.path.exists(path):
        return
    rng = random.Random(5)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("store,item,count\n")
        for s in range(stores):
            f.write("".join(f"Store{s:05d},Item-{i:06d},{rng.randint(0, 200)}\n"
                            for i in range(items)))
    os.replace(tmp, path)


def call(base, path, method="GET", body=None, cookie=None, csrf=None):
    headers = {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if cookie:
        headers["Cookie"] = f"invtrack_session={cookie}"
    if csrf:
        headers["X-CSRF-Token"] = csrf
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=60) as resp:
        cookie_header = resp.headers.get("Set-Cookie") or ""
        match = re.match(r"invtrack_session=([0-9a-f]+)", cookie_header)
        return json.loads(resp.read() or b"null"), (match.group(1) if match else None)


def wrk(url, cookie, connections, seconds):
    """p50 and p99 in ms and requests/s from `wrk --latency`."""
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
                          "-H", f"Cookie: invtrack_session={cookie}", url],
                         capture_output=True, text=True, timeout=seconds + 60, check=True).stdout

    def ms(label):
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        sys.exit(f"wrk saw {non2xx.group(1)} error responses from {url}:\n{out}")
    return ms("50"), ms("99"), rps


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build", "release"))
    parser.add_argument("--stores", type=int, default=1000)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    binary = os.path.join(args.build_dir, "invtrack")
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (scripts/setup installs it)")
    os.makedirs(OUT, exist_ok=True)
    csv = os.path.join(OUT, f"dashboard-{args.stores}x{args.items}.csv")
    make_inventory(csv, args.stores, args.items)
    data = os.path.join(OUT, "dashboard-data")
    shutil.rmtree(data, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("INVTRACK_")}
    env.update(INVTRACK_S3_LISTEN="127.0.0.1:0", INVTRACK_DASHBOARD_LISTEN="127.0.0.1:0")
    serve = subprocess.Popen([binary, "--data", data, "serve", "--no-demo"], env=env,
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
    try:
        base = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = serve.stdout.readline()
            if not line:
                break
            m = re.match(r"Dashboard: (http://\S+)", line)
            if m:
                base = m.group(1)
            if line.startswith("S3 endpoint:"):
                break
        if not base:
            sys.exit("serve did not print its dashboard address")
        start = time.monotonic()
        subprocess.run([binary, "--data", data, "load", csv, "--key", "all-stores.csv",
                        "--timeout", "1200"], env=env, check=True, stdout=subprocess.DEVNULL)
        load_s = time.monotonic() - start

        one_time = open(os.path.join(data, "dashboard-admin-password")).read().strip()
        session, cookie = call(base, "/api/session", "POST",
                               {"username": "admin", "password": one_time})
        session, cookie = call(base, "/api/session/password", "POST",
                               {"current_password": one_time, "new_password": "bench-password"},
                               cookie, session["csrf_token"])
        want = args.stores * args.items
        deadline = time.monotonic() + 600
        while True:
            overview, _ = call(base, "/api/stores", cookie=cookie)
            if overview["totals"]["items"] == want or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        if overview["totals"]["items"] != want:
            sys.exit(f"the dashboard shows {overview['totals']['items']} items, not {want}")
        index_s = time.monotonic() - start

        store = f"Store{args.stores // 2:05d}"
        page = f"/api/stores/{store}/items?filter=low&sort=count&order=asc&per_page=50"
        body, _ = call(base, page, cookie=cookie)
        print(f"dashboard benchmark: {args.stores} stores x {args.items} items "
              f"({want:,} rows) loaded in {load_s:.1f} s, in the dashboard after {index_s:.1f} s")
        print(f"overview body: {len(json.dumps(overview)):,} bytes; {store} has "
              f"{body['total']} low or out items")
        print(f"wrk: {args.connections} connections, 2 threads, {args.seconds} s per URL\n")
        results = {}
        for name, path in [("baseline: static /app.css", "/app.css"),
                           ("overview: /api/stores", "/api/stores"),
                           ("store page: items?filter=low&sort=count", page)]:
            results[name] = wrk(base + path, cookie, args.connections, args.seconds)
        base_p50, base_p99, _ = results["baseline: static /app.css"]
        print(f"{'request':44} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>9} {'p99/baseline':>13}")
        for name, (p50, p99, rps) in results.items():
            print(f"{name:44} {p50:8.2f} {p99:8.2f} {rps:9.0f} {p99 / base_p99:12.2f}x")
        ok = all(results[n][1] < 20 for n in list(results)[1:])
        print(f"\ngoal p99 < 20 ms for overview and store page: {'met' if ok else 'NOT met'}")
    finally:
        serve.terminate()
        try:
            serve.wait(timeout=30)
        except subprocess.TimeoutExpired:
            serve.kill()


if __name__ == "__main__":
    main()
