"""bench/run --notify: alerts to a webhook receiver through `invtrack serve`.

Starts serve on a fresh data dir (S3 endpoint on a free loopback port),
subscribes a signed webhook on another free port, and runs bench/notify_bench
(the C++ receiver + S3 client) twice:
  - latency: N one-row uploads, one at a time, upload start -> webhook
    received (p50/p99), beside the PUT alone and a bare POST measured in
    the same run;
  - burst: one file whose R rows all run out -> R alerts delivered, with a
    check that none was lost or duplicated.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import time


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(invtrack, data, env):
    proc = subprocess.Popen([invtrack, "--data", data, "serve", "--no-demo"], env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 60
    for line in proc.stdout:
        if line.startswith("S3 endpoint: "):
            return proc, line.split(": ", 1)[1].strip()
        if time.monotonic() > deadline:
            break
    proc.kill()
    raise SystemExit("notify bench: serve did not start")


def _stop(proc):
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)


def _run_mode(build, out_dir, mode, extra):
    invtrack = os.path.join(build, "invtrack")
    data = os.path.join(out_dir, f"notify-{mode}")
    shutil.rmtree(data, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("INVTRACK_")}
    env.update({"INVTRACK_S3_LISTEN": "127.0.0.1:0", "INVTRACK_DASHBOARD_LISTEN": "127.0.0.1:0",
                "INVTRACK_LOG_LEVEL": "error"})
    key = json.loads(subprocess.run([invtrack, "--data", data, "keys", "create", "--admin",
                                     "--format", "json"], env=env, check=True,
                                    capture_output=True, text=True).stdout)
    port = _free_port()
    subprocess.run([invtrack, "--data", data, "subscribe", "webhook",
                    f"http://127.0.0.1:{port}/hook"], env=env, check=True,
                   capture_output=True)
    proc, endpoint = _serve(invtrack, data, env)
    try:
        client_env = dict(env, AWS_ACCESS_KEY_ID=key["access_key_id"],
                          AWS_SECRET_ACCESS_KEY=key["secret_access_key"])
        done = subprocess.run([os.path.join(build, "bench", "notify_bench"), "--endpoint",
                               endpoint, "--receiver-port", str(port), "--mode", mode, *extra],
                              env=client_env, capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            raise SystemExit(f"notify bench ({mode}) failed:\n{done.stdout}\n{done.stderr}")
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        _stop(proc)
        shutil.rmtree(data, ignore_errors=True)


def run(build, out_dir, quick=False):
    uploads = 200 if quick else 1000
    rows = 20000 if quick else 100000
    lat = _run_mode(build, out_dir, "latency", ["--uploads", str(uploads)])
    e2e, put, post = lat["upload_to_webhook_ms"], lat["put_only_ms"], lat["bare_post_ms"]
    print(f"notify: upload of a one-row file at 0 -> webhook received, {e2e['n']} uploads: "
          f"p50 {e2e['p50']:.2f} ms, p99 {e2e['p99']:.2f} ms, max {e2e['max']:.1f} ms "
          f"(targets p50 < 10 ms, p99 < 50 ms); lost {lat['lost']}")
    print(f"  baselines in the same run: the PUT alone p50 {put['p50']:.2f} ms, "
          f"p99 {put['p99']:.2f} ms; a bare POST to the receiver p50 {post['p50']:.3f} ms")
    print(f"  ratio upload->webhook / PUT alone: p50 {e2e['p50'] / put['p50']:.1f}x, "
          f"p99 {e2e['p99'] / put['p99']:.1f}x")
    burst = _run_mode(build, out_dir, "burst", ["--burst-rows", str(rows)])
    r = burst["receiver"]
    print(f"notify: burst of {burst['alerts']:,} alerts from one file -> webhook: all delivered "
          f"in {burst['all_delivered_s']:.1f} s = {burst['alerts_per_s']:,.0f} alerts/s "
          f"(upload {burst['upload_s']:.2f} s); distinct {r['distinct_alerts']:,}, "
          f"duplicates {r['duplicate_alerts']}, requests {r['requests']:,}")
