"""The dashboard's JSON API and its security, over plain HTTP (urllib)
against a real `invtrack serve`: sessions and cookies, the one-time admin
password, CSRF, rate limiting, viewer grants, bearer tokens, uploads,
the live feed, and malformed input."""

import json
import os
import re
import stat
import subprocess
import threading
import time
import urllib.parse

import pytest

from dashboard_support import (ADMIN_PASSWORD, add_user, request, session_cookie, sign_in,
                               start_dashboard, stop, Session)


@pytest.fixture
def dash(cli):
    d = start_dashboard(cli)
    yield d
    stop(d.proc)


def q(text: str) -> str:
    return urllib.parse.quote(text, safe="")


def test_every_api_call_without_a_session_is_401_json(dash):
    for method, path in [("GET", "/api/stores"), ("GET", "/api/stores/Berlin/items"),
                         ("GET", "/api/no-such-route"), ("POST", "/api/uploads?store=Berlin"),
                         ("GET", "/api/users"), ("DELETE", "/api/session"),
                         ("GET", "/api/events"), ("GET", "/api")]:
        reply = request(dash.base + path, method, body=b"" if method != "GET" else None)
        assert reply.status == 401, (method, path, reply.status)
        assert reply.header("Content-Type").startswith("application/json")
        assert reply.json()["error"] == "unauthenticated"
    # A made-up cookie or token is no better.
    reply = request(dash.base + "/api/stores", headers={"Cookie": "invtrack_session=" + "a" * 64})
    assert reply.status == 401
    reply = request(dash.base + "/api/stores", headers={"Authorization": "Bearer itk_nope"})
    assert reply.status == 401
    reply = request(dash.base + "/api/stores", headers={"Authorization": "Basic YTpi"})
    assert reply.status == 401


def test_first_start_admin_has_a_one_time_password(cli):
    proc = cli.start("serve", "--no-demo")
    proc.wait_for_stdout("S3 endpoint: ", timeout=120)
    out = proc.stdout
    base = re.search(r"^Dashboard: (http://127\.0\.0\.1:\d+)$", out, re.M).group(1)
    path = cli.data_dir / "dashboard-admin-password"
    assert f"Dashboard user 'admin' created; its one-time password is in {path}" in out
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    one_time = path.read_text().strip()
    assert one_time not in out  # not printed, only the file is named
    session = sign_in(base, "admin", one_time)
    assert request(base + "/api/session", "POST", {"username": "admin", "password": "wrong-pw-1"}).status == 401
    # Nothing but changing the password works until it is changed.
    reply = session.get("/api/stores")
    assert reply.status == 403 and reply.json()["error"] == "password_change_required"
    reply = session.call("POST", "/api/session/password",
                         {"current_password": "not-it-at-all", "new_password": "brand-new-pw"})
    assert reply.status == 403
    reply = session.call("POST", "/api/session/password",
                         {"current_password": one_time, "new_password": "short"})
    assert reply.status == 400 and "too short" in reply.json()["message"]
    reply = session.call("POST", "/api/session/password",
                         {"current_password": one_time, "new_password": "brand-new-pw"})
    assert reply.status == 200 and reply.json()["must_change_password"] is False
    fresh = Session(base, session_cookie(reply), reply.json()["csrf_token"])
    assert fresh.get("/api/stores").status == 200
    # The session used for the change was replaced; the old password is dead.
    assert session.get("/api/session").status == 401
    assert request(base + "/api/session", "POST",
                   {"username": "admin", "password": one_time}).status == 401
    # A second start does not create another admin.
    stop(proc)
    proc = cli.start("serve", "--no-demo")
    proc.wait_for_stdout("S3 endpoint: ", timeout=120)
    assert "Dashboard user 'admin' created" not in proc.stdout
    stop(proc)


def test_session_cookie_attributes(dash):
    reply = request(dash.base + "/api/session", "POST",
                    {"username": "admin", "password": ADMIN_PASSWORD})
    cookie = reply.header("Set-Cookie")
    attributes = [a.strip() for a in cookie.split(";")]
    assert "HttpOnly" in attributes and "SameSite=Strict" in attributes and "Path=/" in attributes
    assert "Secure" not in attributes  # plain HTTP
    assert re.fullmatch(r"invtrack_session=[0-9a-f]{64}", attributes[0])
    # Behind a TLS proxy on this host the cookie is Secure.
    reply = request(dash.base + "/api/session", "POST",
                    {"username": "admin", "password": ADMIN_PASSWORD},
                    headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in [a.strip() for a in reply.header("Set-Cookie").split(";")]


def test_sign_out_ends_the_session_on_the_server(dash):
    session = dash.admin()
    assert session.get("/api/stores").status == 200
    reply = session.call("DELETE", "/api/session")
    assert reply.status == 204
    assert "Max-Age=0" in reply.header("Set-Cookie")
    # The browser could keep the old cookie: the server no longer knows it.
    assert session.get("/api/stores").status == 401
    assert session.get("/api/session").status == 401


def test_overview_counts_match_the_table(dash, cli):
    session = dash.admin()
    body = session.get("/api/stores").json()
    stock = cli.stock_json()
    expected = {}
    for row in stock:
        s = expected.setdefault(row["store"], {"items": 0, "out": 0, "low": 0, "units": 0})
        s["items"] += 1
        s["units"] += row["count"]
        s["out"] += row["count"] == 0
        s["low"] += 0 < row["count"] <= 5
    got = {s["name"]: {k: s[k] for k in ("items", "out", "low", "units")} for s in body["stores"]}
    assert got == expected
    assert body["totals"]["stores"] == 6 and body["totals"]["items"] == len(stock)
    assert all(s["last_change_ms"] > 0 for s in body["stores"])
    assert session.get("/api/stores/Berlin").json()["items"] == expected["Berlin"]["items"]
    assert session.get("/api/stores/Atlantis").status == 404


def test_items_search_sort_filter_and_pages(dash, cli):
    session = dash.admin()
    rows = ["store,item,count"] + [f"Lisbon,Item {i:03d},{i % 7}" for i in range(120)]
    path = cli.write("lisbon.csv", "\n".join(rows) + "\n")
    assert cli.run("load", path, timeout=60).returncode == 0

    def items(**params):
        reply = session.get("/api/stores/Lisbon/items?" + urllib.parse.urlencode(params))
        assert reply.status == 200, reply.body
        return reply.json()

    # Wait (bounded) until the index has seen the load.
    deadline = time.monotonic() + 20
    while session.get("/api/stores/Lisbon").status != 200 and time.monotonic() < deadline:
        time.sleep(0.1)
    page1 = items(per_page=50)
    assert page1["total"] == 120 and len(page1["items"]) == 50
    assert page1["items"][0]["item"] == "Item 000"
    page3 = items(per_page=50, page=3)
    assert [r["item"] for r in page3["items"]] == [f"Item {i:03d}" for i in range(100, 120)]
    assert items(per_page=50, page=9)["items"] == []
    desc = items(order="desc", per_page=1)
    assert desc["items"][0]["item"] == "Item 119"

    out = items(filter="out", per_page=500)
    assert out["total"] == len([i for i in range(120) if i % 7 == 0])
    assert all(r["count"] == 0 and r["level"] == "out" for r in out["items"])
    low = items(filter="low", per_page=500)
    assert low["total"] == len([i for i in range(120) if i % 7 <= 5])
    assert {r["level"] for r in low["items"]} == {"out", "low"}

    by_count = items(sort="count", order="desc", per_page=500)["items"]
    assert [r["count"] for r in by_count] == sorted((r["count"] for r in by_count), reverse=True)
    search = items(q="item 01", per_page=500)
    assert [r["item"] for r in search["items"]] == [f"Item {i:03d}" for i in range(10, 20)]
    combined = items(q="ITEM 0", filter="out", sort="count")
    assert all(r["item"].startswith("Item 0") and r["count"] == 0 for r in combined["items"])

    history = session.get("/api/stores/Lisbon/items/" + q("Item 003") + "/history").json()
    assert [p["count"] for p in history["points"]] == [3]
    rows[4] = "Lisbon,Item 003,9"
    path = cli.write("lisbon2.csv", "\n".join(rows) + "\n")
    assert cli.run("load", path, timeout=60).returncode == 0
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        history = session.get("/api/stores/Lisbon/items/" + q("Item 003") + "/history").json()
        if len(history["points"]) == 2:
            break
        time.sleep(0.1)
    assert [p["count"] for p in history["points"]] == [3, 9]
    assert session.get("/api/stores/Lisbon/items/" + q("No such") + "/history").status == 404


def test_bad_query_parameters_are_400(dash):
    session = dash.admin()
    for query in ["filter=some", "sort=price", "order=up", "page=0", "page=-1", "page=abc",
                  "page=1.5", "per_page=0", "per_page=501", "per_page=", "q=" + "x" * 300]:
        reply = session.get("/api/stores/Berlin/items?" + query)
        assert reply.status == 400, (query, reply.status)
        assert reply.json()["error"] == "invalid"
    for path in ["/api/alerts?limit=0", "/api/alerts?limit=x", "/api/alerts?after=-3",
                 "/api/uploads?limit=100000", "/api/stores/Berlin/items/x/history?limit=0",
                 "/api/events?alerts_after=nope"]:
        assert session.get(path).status == 400, path
    # Broken percent-encoding in the path or the query.
    assert session.get("/api/stores/Ber%ZZlin").status == 400
    assert session.get("/api/stores/Berlin/items?q=%G1").status == 400
    assert session.get("/api/nothing/here").status == 404
    assert session.call("PUT", "/api/stores").status == 405


def test_malformed_json_bodies(dash):
    base = dash.base
    for body, ctype, status in [
            (b"{not json", "application/json", 400),
            (b"[1,2]", "application/json", 400),
            (b"\"text\"", "application/json", 400),
            (b"", "application/json", 400),
            (b"\xff\xfe{}", "application/json", 400),
            (b'{"username":"admin","password":"x"}', "text/plain", 415),
            (b'{"username":"admin","password":"x"}', "application/x-www-form-urlencoded", 415),
            (b'{"username":1,"password":"x"}', "application/json", 400),
            (b'{"username":"admin"}', "application/json", 400),
            (b"{" + b'"a":"' + b"x" * 70000 + b'"}', "application/json", 413)]:
        reply = request(base + "/api/session", "POST", body, {"Content-Type": ctype})
        assert reply.status == status, (body[:40], ctype, reply.status, reply.body[:200])
        assert "error" in reply.json()
    session = dash.admin()
    for body in [b"{", b"[]", b'{"name": 5, "role": "viewer", "password": "12345678"}',
                 b'{"name": "x1", "role": "boss", "password": "12345678"}',
                 b'{"name": "x1", "role": "viewer", "password": "12345678", "stores": "Berlin"}',
                 b'{"name": "bad name!", "role": "viewer", "password": "12345678"}']:
        reply = session.call("POST", "/api/users", body, {"Content-Type": "application/json"})
        assert reply.status == 400, (body, reply.status, reply.body)
    # Nothing was created by the rejected requests.
    assert [u["name"] for u in session.get("/api/users").json()["users"]] == ["admin"]


def test_csrf_token_is_required_on_every_write(dash):
    session = dash.admin()
    body = {"name": "carol", "role": "viewer", "password": "carol-pw-123", "stores": ["Berlin"]}
    reply = session.call("POST", "/api/users", body, csrf=False)
    assert reply.status == 403 and reply.json()["error"] == "csrf"
    reply = session.call("POST", "/api/users", body, headers={"X-CSRF-Token": "0" * 64}, csrf=False)
    assert reply.status == 403
    # Another session's token does not fit this session.
    other = dash.admin()
    reply = session.call("POST", "/api/users", body, headers={"X-CSRF-Token": other.csrf},
                         csrf=False)
    assert reply.status == 403
    # A page on another origin cannot write even with a token.
    reply = session.call("POST", "/api/users", body, headers={"Origin": "http://evil.example"})
    assert reply.status == 403
    for method, path in [("DELETE", "/api/session"), ("POST", "/api/tokens"),
                         ("POST", "/api/uploads?store=Berlin&name=a.csv"),
                         ("DELETE", "/api/users/admin")]:
        assert session.call(method, path, b"{}", csrf=False).status == 403, (method, path)
    assert session.get("/api/stores").status == 200  # the session survived all that
    assert [u["name"] for u in session.get("/api/users").json()["users"]] == ["admin"]
    reply = session.call("POST", "/api/users", body)
    assert reply.status == 201, reply.body


def test_login_rate_limit_backs_off(cli):
    dash = start_dashboard(cli, "--no-demo",
                           config="[dashboard]\nlogin_free_failures = 3\nlogin_base_delay_ms = 1500\n")
    for _ in range(3):
        reply = request(dash.base + "/api/session", "POST", {"username": "admin", "password": "wrong-one"})
        assert reply.status == 401
    reply = request(dash.base + "/api/session", "POST", {"username": "admin", "password": "wrong-one"})
    assert reply.status == 401  # this failure starts the back-off
    # Locked: even the right password is refused, without being checked.
    reply = request(dash.base + "/api/session", "POST",
                    {"username": "ADMIN", "password": ADMIN_PASSWORD})
    assert reply.status == 429
    assert int(reply.header("Retry-After")) >= 1
    assert reply.json()["error"] == "too_many_attempts"
    # Other users are not locked by admin's failures.
    add_user(cli, "dora", "viewer", "dora-pw-123", ["Berlin"])
    assert request(dash.base + "/api/session", "POST",
                   {"username": "dora", "password": "dora-pw-123"}).status == 201
    # After the back-off the right password works again (bounded wait).
    deadline = time.monotonic() + 30
    while True:
        reply = request(dash.base + "/api/session", "POST",
                        {"username": "admin", "password": ADMIN_PASSWORD})
        if reply.status != 429 or time.monotonic() > deadline:
            break
        time.sleep(0.25)
    assert reply.status == 201
    stop(dash.proc)


def test_viewer_sees_only_granted_stores(dash, cli):
    add_user(cli, "vera", "viewer", "vera-pw-123", ["Berlin", "Pusan"])
    viewer = sign_in(dash.base, "vera", "vera-pw-123")
    assert viewer.user == {"name": "vera", "role": "viewer", "stores": ["Berlin", "Pusan"],
                           "created_ms": viewer.user["created_ms"]}
    names = [s["name"] for s in viewer.get("/api/stores").json()["stores"]]
    assert names == ["Berlin", "Pusan"]
    for path in ["/api/stores/Karachi", "/api/stores/Karachi/items",
                 "/api/stores/Karachi/items/" + q("Echo Dot") + "/history",
                 "/api/stores/Atlantis", "/api/alerts?store=Karachi", "/api/uploads?store=Karachi"]:
        reply = viewer.get(path)
        assert reply.status == 403, (path, reply.status)
        assert reply.json()["error"] == "forbidden"
    assert viewer.get("/api/stores/Berlin/items").status == 200
    alerts = viewer.get("/api/alerts").json()["alerts"]
    assert alerts and {a["store"] for a in alerts} <= {"Berlin", "Pusan"}
    uploads = viewer.get("/api/uploads").json()["uploads"]
    assert uploads and {u["store"] for u in uploads} <= {"Berlin", "Pusan"}
    reply = viewer.call("POST", "/api/uploads?store=Karachi&name=k.csv",
                        b"store,item,count\nKarachi,Echo Dot,1\n", {"Content-Type": "text/csv"})
    assert reply.status == 403
    for method, path in [("GET", "/api/users"), ("POST", "/api/users"),
                         ("DELETE", "/api/users/admin")]:
        assert viewer.call(method, path, {} if method == "POST" else None).status == 403
    assert "Karachi,Echo Dot,1" not in cli.stock_csv()


def test_browser_upload_goes_through_the_pipeline(dash, cli):
    session = dash.admin()
    good = "store,item,count\nBerlin,Echo Dot,0\nBerlin,Kettle,40\n"
    reply = session.call("POST", "/api/uploads?store=Berlin&name=" + q("my file.csv"), good,
                         {"Content-Type": "text/csv"})
    assert reply.status == 200, reply.body
    result = reply.json()
    assert result["outcome"] == "applied" and result["rows"] == 2
    assert result["key"] == "stores/Berlin/my file.csv"
    assert result["uploader"] == "dashboard:admin"
    assert "Berlin,Kettle,40\n" in cli.stock_csv("--store", "Berlin")

    bad = "store,item,count\nBerlin,Echo Dot,5\nBerlin,Kettle,many\nPusan,Tap,1\n"
    reply = session.call("POST", "/api/uploads?store=Berlin&name=bad.csv", bad,
                         {"Content-Type": "text/csv"})
    assert reply.status == 200
    result = reply.json()
    assert result["outcome"] == "rejected"
    assert any(p.startswith("line 3:") for p in result["problems"]), result["problems"]
    assert any(p.startswith("line 4:") for p in result["problems"]), result["problems"]
    assert "Berlin,Echo Dot,0\n" in cli.stock_csv("--store", "Berlin")  # unchanged

    uploads = session.get("/api/uploads?limit=2").json()["uploads"]
    assert [(u["key"], u["status"], u["uploader"]) for u in uploads] == [
        ("stores/Berlin/bad.csv", "rejected", "dashboard:admin"),
        ("stores/Berlin/my file.csv", "applied", "dashboard:admin")]
    # The same object as S3 sees it.
    for query in ["name=x.csv", "store=&name=x.csv", "store=a%2Fb&name=x.csv",
                  "store=Berlin&name=..", "store=Berlin&name=%0A"]:
        assert session.call("POST", "/api/uploads?" + query, "a", {"Content-Type": "text/csv"}).status == 400, query


def test_bearer_tokens_for_scripts(dash):
    session = dash.admin()
    reply = session.call("POST", "/api/tokens", {"label": "nightly report"})
    assert reply.status == 201
    token = reply.json()
    assert token["token"].startswith("itk_")
    auth = {"Authorization": "Bearer " + token["token"]}
    assert request(dash.base + "/api/stores", headers=auth).json()["totals"]["stores"] == 6
    # Scripts send no cookie, so no CSRF token is needed for their writes.
    reply = request(dash.base + "/api/uploads?store=Pusan&name=p.csv", "POST",
                    "store,item,count\nPusan,Echo Dot,77\n", dict(auth, **{"Content-Type": "text/csv"}))
    assert reply.status == 200 and reply.json()["outcome"] == "applied"
    listed = session.get("/api/tokens").json()["tokens"]
    assert [(t["id"], t["label"]) for t in listed] == [(token["id"], "nightly report")]
    assert "token" not in listed[0]  # the secret is shown once
    assert session.call("DELETE", f"/api/tokens/{token['id']}").status == 204
    assert request(dash.base + "/api/stores", headers=auth).status == 401
    assert session.call("DELETE", "/api/tokens/abc").status == 400
    assert session.call("DELETE", f"/api/tokens/{token['id']}").status == 404


def test_users_api_and_cli(dash, cli):
    session = dash.admin()
    reply = session.call("POST", "/api/users", {"name": "eve", "role": "viewer",
                                                "password": "eve-pw-1234", "stores": ["Berlin"]})
    assert reply.status == 201
    assert session.call("POST", "/api/users", {"name": "eve", "role": "viewer",
                                               "password": "eve-pw-1234"}).status == 409
    listed = cli.ok("users", "list", "--format", "json").json_lines()
    assert [(u["name"], u["role"], u["stores"]) for u in listed] == [
        ("admin", "admin", []), ("eve", "viewer", ["Berlin"])]
    eve = sign_in(dash.base, "eve", "eve-pw-1234")
    reply = session.call("PATCH", "/api/users/eve", {"stores": ["Berlin", "Pusan"]})
    assert reply.status == 200 and reply.json()["stores"] == ["Berlin", "Pusan"]
    assert [s["name"] for s in eve.get("/api/stores").json()["stores"]] == ["Berlin", "Pusan"]
    # The last admin can neither go nor be demoted.
    assert session.call("DELETE", "/api/users/admin").status == 409
    assert session.call("PATCH", "/api/users/admin", {"role": "viewer"}).status == 409
    assert cli.run("users", "remove", "admin").returncode != 0
    # A password changed with the CLI (another process) ends eve's session.
    done = subprocess.run(cli.command(["users", "passwd", "eve", "--password-stdin"]),
                          cwd=cli.work_dir, env=cli.env(), input=b"eve-new-pw-1\n",
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert eve.get("/api/stores").status == 401
    eve = sign_in(dash.base, "eve", "eve-new-pw-1")
    assert cli.ok("users", "remove", "eve").stdout.strip() == "removed 'eve'"
    assert eve.get("/api/stores").status == 401
    assert cli.run("users", "remove", "eve").returncode == 1
    result = cli.run("users", "add", "frank", "--role", "boss")
    assert result.returncode != 0 and "admin or viewer" in result.stderr
    result = cli.ok("users", "add", "frank", "--role", "viewer", "--stores", "Berlin")
    password = re.search(r"^password: (\S+)$", result.stdout, re.M).group(1)
    assert sign_in(dash.base, "frank", password).user["stores"] == ["Berlin"]


def test_live_feed_reports_levels_and_alerts(dash, cli):
    session = dash.admin()
    import http.client
    host, port = dash.base.replace("http://", "").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("GET", "/api/events", headers={"Cookie": f"invtrack_session={session.cookie}"})
    resp = conn.getresponse()
    assert resp.status == 200
    assert resp.getheader("Content-Type").startswith("text/event-stream")
    events = []
    done = threading.Event()

    def read():
        name = None
        try:
            while not done.is_set():
                line = resp.fp.readline()
                if not line:
                    return
                line = line.decode("utf-8").rstrip("\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    events.append((name, json.loads(line[6:])))
        except OSError:
            return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    path = cli.write("live.csv", "store,item,count\nShanghai,Live Zero,0\nShanghai,Live Item,50\n")
    assert cli.run("load", path, timeout=60).returncode == 0
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        kinds = {n for n, _ in events}
        if "stores" in kinds and "alert" in kinds:
            break
        time.sleep(0.05)
    done.set()
    conn.close()
    stores = [d for n, d in events if n == "stores"]
    assert stores, events
    shanghai = [s for d in stores for s in d["stores"] if s["name"] == "Shanghai"]
    assert shanghai and shanghai[-1]["items"] == 8
    alerts = [d for n, d in events if n == "alert"]
    assert any(a["store"] == "Shanghai" and a["item"] == "Live Zero" and a["kind"] == "OUT"
               for a in alerts), alerts
    assert events[0][0] == "hello"


def test_names_are_data(dash, cli):
    session = dash.admin()
    name = "<img src=x onerror=alert(1)>"
    reply = session.call("POST", "/api/uploads?store=Berlin&name=xss.csv",
                         f'store,item,count\nBerlin,"{name}",0\n', {"Content-Type": "text/csv"})
    assert reply.json()["outcome"] == "applied"
    # The dashboard's index follows the change stream (polled every 100 ms).
    deadline = time.monotonic() + 20
    while True:
        items = session.get("/api/stores/Berlin/items?q=" + q("<img")).json()["items"]
        reply = session.get("/api/stores/Berlin/items/" + q(name) + "/history")
        if (items and reply.status == 200) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert [i["item"] for i in items] == [name]
    assert reply.status == 200 and reply.json()["item"] == name
    assert reply.header("Content-Type").startswith("application/json")
    assert reply.header("X-Content-Type-Options") == "nosniff"


def test_static_pages_and_headers(dash):
    reply = request(dash.base + "/")
    assert reply.status == 200 and reply.header("Content-Type").startswith("text/html")
    csp = reply.header("Content-Security-Policy")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    html = reply.body.decode()
    assert "<script>" not in html and not re.search(r"\son[a-z]+=", html)
    for path in ["/app.js", "/api.js", "/app.css"]:
        assert request(dash.base + path).status == 200, path
    chart = request(dash.base + "/vendor/chart.umd.js")
    assert chart.status == 200 and b"Chart" in chart.body[:2000]
    assert request(dash.base + "/nope.js").status == 404
    assert request(dash.base + "/", "POST", b"").status == 405
