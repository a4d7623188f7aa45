"""End-to-end tests of notifications: `invtrack serve` delivering alerts to a
real SMTP server (aiosmtpd), to webhook receivers and an SMS gateway over
real HTTP on 127.0.0.1, with retries, dead letters, redrive, digests, crash
recovery, and the subscribe/thresholds commands with their bad input."""

import json
import time

import pytest

from notify_support import SmtpServer, WebhookReceiver, verify_signature, wait_until

OUT_FILE = "store,item,count\nBerlin,Echo Plus,0\nBerlin,Echo Dot,28\n"

# Fast retries, so that tests of backoff take a second, not minutes.
FAST_RETRIES = {
    "INVTRACK_DELIVERY_INITIAL_BACKOFF_MS": "100",
    "INVTRACK_DELIVERY_MAX_BACKOFF_MS": "300",
}


@pytest.fixture
def receiver():
    r = WebhookReceiver()
    r.start()
    yield r
    r.stop()


@pytest.fixture
def smtp(tmp_path):
    server = SmtpServer(tmp_path / "smtp")
    yield server
    server.stop()


def serve(cli, **env):
    cli.env_extra.update({k: str(v) for k, v in env.items()})
    proc = cli.start("serve", "--no-demo")
    proc.wait_for_stdout("S3 endpoint:")
    return proc


def subscribe(cli, *args) -> dict:
    return cli.ok("subscribe", *args, "--format", "json").json_lines()[0]


def deliveries(cli, *args):
    return cli.ok("deliveries", "--format", "json", "--limit", "1000", *args).json_lines()


# ---- subscribe, subscriptions, unsubscribe ---------------------------------

def test_subscribe_list_and_unsubscribe(cli):
    email = subscribe(cli, "email", "ops@example.com", "--stores", "Berlin,Pusan",
                      "--kinds", "OUT,LOW")
    assert email["channel"] == "email" and email["stores"] == ["Berlin", "Pusan"]
    assert email["kinds"] == ["OUT", "LOW"] and email["digest"] is False
    sms = subscribe(cli, "sms", "+4915112345678", "--digest")
    hook = subscribe(cli, "webhook", "https://hooks.example.com/inventory")
    assert len(hook["secret"]) >= 32 and hook["signed"] is True  # signed unless --no-secret

    listed = cli.ok("subscriptions", "list", "--format", "json").json_lines()
    assert [s["id"] for s in listed] == [email["id"], sms["id"], hook["id"]]
    assert all("secret" not in s for s in listed)  # shown once, at subscribe time
    table = cli.ok("subscriptions").stdout
    assert "ops@example.com" in table and "Berlin,Pusan" in table and "digest" in table

    assert "Removed subscription" in cli.ok("unsubscribe", str(sms["id"])).stdout
    listed = cli.ok("subscriptions", "--format", "json").json_lines()
    assert [s["id"] for s in listed] == [email["id"], hook["id"]]
    gone = cli.run("unsubscribe", str(sms["id"]))
    assert gone.returncode == 1 and f"no subscription {sms['id']}" in gone.stderr


@pytest.mark.parametrize("args,message", [
    (["email", "not-an-address"], "e-mail"),
    (["email", "ops@exa mple.com"], "e-mail"),
    (["email", "ops@example.com\r\nBcc: x@evil.com"], "e-mail"),
    (["sms", "015112345678"], "E.164"),
    (["sms", "+49 151 1234"], "E.164"),
    (["webhook", "ftp://example.com/hook"], "http"),
    (["webhook", "http://user:pw@example.com/hook"], "user"),
    (["webhook", "not a url"], "URL"),
    (["pigeon", "x"], "unknown channel"),
    (["email", "ops@example.com", "--kinds", "EMPTY"], "unknown alert kind"),
    (["email", "ops@example.com", "--secret", "s"], "webhooks only"),
])
def test_subscribe_refuses_bad_input_and_stores_nothing(cli, args, message):
    result = cli.run("subscribe", *args)
    assert result.returncode == 2, result.describe()
    assert message.lower() in result.stderr.lower(), result.stderr
    assert cli.ok("subscriptions", "--format", "json").json_lines() == []


def test_webhook_to_own_admin_interface_is_refused_unless_allowed(cli):
    cli.env_extra["INVTRACK_S3_LISTEN"] = "127.0.0.1:9876"
    cli.env_extra["INVTRACK_DASHBOARD_LISTEN"] = "0.0.0.0:9878"
    for url in ["http://127.0.0.1:9876/", "http://localhost:9876/x", "http://[::1]:9876/",
                "http://127.0.0.1:9878/api/users", "http://localhost:9878/"]:
        result = cli.run("subscribe", "webhook", url)
        assert result.returncode == 2 and "own interface" in result.stderr, result.describe()
    subscribe(cli, "webhook", "http://127.0.0.1:9877/")  # another port is fine
    allowed = cli.run("subscribe", "webhook", "http://127.0.0.1:9876/",
                      env={"INVTRACK_WEBHOOK_ALLOW_INTERNAL": "true"})
    assert allowed.returncode == 0, allowed.describe()


# ---- deliveries to real receivers ------------------------------------------

def test_email_alert_reaches_the_smtp_server(cli, smtp):
    subscribe(cli, "email", "ops@example.com")
    serve(cli, INVTRACK_SMTP_HOST="127.0.0.1", INVTRACK_SMTP_PORT=smtp.port,
          INVTRACK_SMTP_FROM="Inventory <alerts@example.com>")
    cli.write("berlin.csv", "store,item,count\nBerlin,Füße Ständer,0\n")
    cli.ok("load", "berlin.csv")
    wait_until(lambda: len(smtp.messages()) == 1, 20, "the e-mail")
    message = smtp.messages()[0]
    assert message["rcpt_tos"] == ["ops@example.com"]
    assert message["mail_from"] == "alerts@example.com"
    headers = message["headers"]
    assert headers["Subject"] == "Inventory Alert!"
    assert headers["To"] == "ops@example.com"
    assert message["defects"] == []
    texts = [p["content"] for p in message["parts"] if p["content_type"] == "text/plain"]
    assert texts and "Berlin is out of stock of Füße Ständer" in texts[0]
    # The stable id receivers de-duplicate on is the delivery's message id.
    [delivery] = deliveries(cli)
    assert delivery["state"] == "sent"
    assert headers["Message-ID"] == f"<{delivery['message_id']}@invtrack>"
    [alert] = cli.alerts()
    assert alert["deliveries"][0]["state"] == "sent"
    assert alert["deliveries"][0]["address"] == "ops@example.com"


def test_email_to_an_unknown_recipient_is_dead_with_the_servers_answer(cli, smtp):
    subscribe(cli, "email", "unknown-person@example.com")
    serve(cli, INVTRACK_SMTP_HOST="127.0.0.1", INVTRACK_SMTP_PORT=smtp.port)
    cli.write("berlin.csv", OUT_FILE)
    cli.ok("load", "berlin.csv")
    wait_until(lambda: [d["state"] for d in deliveries(cli)] == ["dead"], 20, "a dead delivery")
    [delivery] = deliveries(cli)
    assert "550" in delivery["last_error"], delivery
    assert delivery["attempts"] == 1
    table = cli.ok("alerts").stdout
    assert "dead" in table and "550" in table


def test_webhook_is_signed_and_carries_the_alert(cli, receiver):
    hook = subscribe(cli, "webhook", receiver.url)
    serve(cli)
    cli.write("berlin.csv", OUT_FILE)
    cli.ok("load", "berlin.csv")
    wait_until(lambda: len(receiver.received()) == 1, 20, "the webhook")
    request = receiver.received()[0]
    assert request["headers"]["content-type"].startswith("application/json")
    assert verify_signature(request, hook["secret"])
    assert not verify_signature(request, hook["secret"] + "x")
    body = request["json"]
    assert request["headers"]["x-invtrack-id"] == body["id"]
    assert abs(int(request["headers"]["x-invtrack-timestamp"]) - time.time()) < 300
    assert body["type"] == "alert" and body["subject"] == "Inventory Alert!"
    [alert] = body["alerts"]
    assert (alert["kind"], alert["store"], alert["item"], alert["count"]) == \
        ("OUT", "Berlin", "Echo Plus", 0)
    wait_until(lambda: [d["state"] for d in deliveries(cli)] == ["sent"], 10, "sent")


def test_receiver_down_then_up_gets_exactly_one_copy(cli):
    down = WebhookReceiver()  # its port is chosen, nothing listens yet
    subscribe(cli, "webhook", down.url, "--no-secret")
    serve(cli, **FAST_RETRIES, INVTRACK_DELIVERY_MAX_ATTEMPTS=50)
    cli.write("berlin.csv", OUT_FILE)
    cli.ok("load", "berlin.csv")
    wait_until(lambda: any(d["attempts"] >= 2 for d in deliveries(cli)), 20,
               "failed attempts while the receiver is down")
    [pending] = deliveries(cli)
    assert pending["state"] == "pending" and pending["last_error"], pending
    down.start()
    try:
        wait_until(lambda: [d["state"] for d in deliveries(cli)] == ["sent"], 20, "sent")
        time.sleep(0.5)  # a duplicate would arrive now
        assert len(down.received()) == 1
        assert down.received()[0]["json"]["id"] == pending["message_id"]
    finally:
        down.stop()


def test_5xx_is_retried_and_4xx_goes_to_dead_letter_then_redrive(cli, receiver):
    flaky = WebhookReceiver()
    flaky.statuses = [503, 500]
    flaky.start()
    try:
        subscribe(cli, "webhook", flaky.url, "--no-secret")
        subscribe(cli, "webhook", receiver.url, "--no-secret")
        receiver.statuses = [410]
        proc = serve(cli, **FAST_RETRIES)
        cli.write("berlin.csv", OUT_FILE)
        cli.ok("load", "berlin.csv")
        wait_until(lambda: sorted(d["state"] for d in deliveries(cli)) == ["dead", "sent"], 20,
                   "one sent after retries, one dead")
        by_address = {d["address"]: d for d in deliveries(cli)}
        assert by_address[flaky.url]["attempts"] == 3
        assert len(flaky.received()) == 3
        assert len({r["json"]["id"] for r in flaky.received()}) == 1  # the same id each time
        dead = by_address[receiver.url]
        assert dead["attempts"] == 1 and "410" in dead["last_error"]
        assert cli.ok("deliveries", "list", "--state", "dead", "--format", "json").json_lines()

        # Redrive from another process while serve runs: the receiver now
        # takes it.
        redriven = cli.ok("deliveries", "redrive", str(dead["id"]))
        assert "Redriven 1 delivery" in redriven.stdout
        wait_until(lambda: [d["state"] for d in deliveries(cli)] == ["sent", "sent"], 20,
                   "the redriven delivery sent")
        assert len(receiver.received()) == 2
        assert receiver.received()[0]["json"]["id"] == receiver.received()[1]["json"]["id"]
        again = cli.run("deliveries", "redrive", str(dead["id"]))
        assert again.returncode == 1 and "is not dead" in again.stderr
        usage = cli.run("deliveries", "redrive")
        assert usage.returncode == 2 and "ids or --all" in usage.stderr
        proc.stop()
    finally:
        flaky.stop()


def test_a_hung_receiver_blocks_neither_ingestion_nor_other_subscribers(cli, receiver):
    hung = WebhookReceiver()
    hung.hold.clear()  # accepts, then never answers (until the test ends)
    hung.start()
    try:
        subscribe(cli, "webhook", hung.url, "--no-secret")
        subscribe(cli, "webhook", receiver.url, "--no-secret")
        serve(cli, **FAST_RETRIES, INVTRACK_WEBHOOK_TIMEOUT_MS=1000)
        for n in range(3):
            cli.write(f"f{n}.csv", f"store,item,count\nBerlin,Item {n},0\n")
            cli.ok("load", f"f{n}.csv")  # returns although a receiver hangs
        wait_until(lambda: len(receiver.received()) == 3, 20, "the healthy receiver's alerts")
        assert {r["json"]["alerts"][0]["item"] for r in receiver.received()} == \
            {"Item 0", "Item 1", "Item 2"}
        # The hung one times out and is retried, with the timeout as error.
        wait_until(lambda: any(d["address"] == hung.url and d["attempts"] >= 1
                               for d in deliveries(cli)), 20, "a timed-out attempt")
        errors = [d["last_error"] for d in deliveries(cli) if d["address"] == hung.url]
        assert any("tim" in e.lower() for e in errors), errors
    finally:
        hung.stop()


def test_crash_between_send_and_mark_resends_once_with_the_same_id(cli, receiver):
    subscribe(cli, "webhook", receiver.url, "--no-secret")
    receiver.hold.clear()  # take the request, answer only later
    proc = serve(cli)
    cli.write("berlin.csv", OUT_FILE)
    cli.ok("load", "berlin.csv")
    wait_until(lambda: len(receiver.received()) == 1, 20, "the first copy")
    proc.kill()  # kill -9 while the receiver holds the request
    receiver.hold.set()
    [pending] = deliveries(cli)
    assert pending["state"] == "pending"  # never marked sent

    serve(cli)
    wait_until(lambda: [d["state"] for d in deliveries(cli)] == ["sent"], 20, "sent after restart")
    time.sleep(0.5)
    copies = receiver.received()
    assert len(copies) == 2, copies  # at most once more
    assert copies[0]["json"]["id"] == copies[1]["json"]["id"] == pending["message_id"]


def test_sms_through_a_form_gateway_is_trimmed(cli, receiver):
    subscribe(cli, "sms", "+4915112345678")
    serve(cli, INVTRACK_SMS_URL=receiver.url, INVTRACK_SMS_AUTH_HEADER="Authorization: Basic QUM6eA==")
    long_item = "Extremely Long Product Name " * 10
    cli.write("berlin.csv", f"store,item,count\nBerlin,{long_item.strip()},0\n")
    cli.ok("load", "berlin.csv")
    wait_until(lambda: len(receiver.received()) == 1, 20, "the SMS gateway request")
    request = receiver.received()[0]
    assert request["headers"]["authorization"] == "Basic QUM6eA=="
    assert request["headers"]["content-type"].startswith("application/x-www-form-urlencoded")
    from urllib.parse import parse_qs
    form = parse_qs(request["body"].decode())
    assert form["to"] == ["+4915112345678"]
    message = form["message"][0]
    assert message.startswith("Berlin is out of stock of Extremely Long")
    assert len(message) <= 160


def test_digest_sends_one_message_per_file(cli, receiver):
    subscribe(cli, "webhook", receiver.url, "--no-secret", "--digest")
    serve(cli)
    rows = "".join(f"Berlin,Gadget {n:02d},0\n" for n in range(12))
    cli.write("berlin.csv", "store,item,count\n" + rows + "Berlin,Cable,2\n")
    cli.ok("load", "berlin.csv")
    wait_until(lambda: len(receiver.received()) == 1, 20, "the digest")
    time.sleep(0.5)
    assert len(receiver.received()) == 1
    body = receiver.received()[0]["json"]
    assert body["type"] == "digest" and body["file"] == "stores/Berlin/berlin.csv"
    assert body["message"].startswith("12 items out of stock at Berlin: Gadget 00, Gadget 01")
    assert "1 item low at Berlin: Cable" in body["message"]
    assert len(body["alerts"]) == 13
    # Every alert of the file shows the one delivery.
    alerts = cli.alerts()
    assert len(alerts) == 13
    assert {a["deliveries"][0]["message_id"] for a in alerts} == {body["id"]}


# ---- thresholds ---------------------------------------------------------------

def test_thresholds_set_list_unset_and_take_effect_while_serving(cli, receiver):
    subscribe(cli, "webhook", receiver.url, "--no-secret", "--kinds", "LOW")
    serve(cli)
    assert "store Berlin: 10" in cli.ok("thresholds", "set", "--store", "Berlin", "10").stdout
    cli.ok("thresholds", "set", "--store", "Berlin", "--item", "Echo Dot", "2")
    cli.ok("thresholds", "set", "7")
    listed = cli.ok("thresholds", "list", "--format", "json").json_lines()
    in_force = {(t["store"], t["item"]): t["threshold"] for t in listed if t["in_force"]}
    assert in_force == {(None, None): 7, ("Berlin", None): 10, ("Berlin", "Echo Dot"): 2}

    cli.write("berlin.csv", "store,item,count\nBerlin,Echo Show,8\nBerlin,Echo Dot,3\n")
    cli.write("pusan.csv", "store,item,count\nPusan,Echo Show,6\n")
    cli.ok("load", "berlin.csv", "pusan.csv")
    wait_until(lambda: len(receiver.received()) == 2, 20, "two LOW alerts")
    low = sorted((r["json"]["alerts"][0]["store"], r["json"]["alerts"][0]["item"],
                  r["json"]["alerts"][0]["threshold"]) for r in receiver.received())
    assert low == [("Berlin", "Echo Show", 10), ("Pusan", "Echo Show", 7)]

    cli.ok("thresholds", "unset", "--store", "Berlin")
    missing = cli.run("thresholds", "unset", "--store", "Berlin")
    assert missing.returncode == 1 and "no such threshold" in missing.stderr


@pytest.mark.parametrize("args,message", [
    (["set", "--item", "Echo Dot", "3"], "needs its store"),
    (["set", "-1"], "-1"),
    (["set", "many"], "many"),
    (["set", "--store", "", "3"], "empty"),
])
def test_thresholds_refuse_bad_input(cli, args, message):
    result = cli.run("thresholds", *args)
    assert result.returncode == 2, result.describe()
    assert message in result.stderr, result.stderr
    listed = cli.ok("thresholds", "list", "--format", "json").json_lines()
    assert [t["source"] for t in listed] == ["config"]


# ---- the same through the dashboard API ------------------------------------

def test_subscriptions_and_deliveries_through_the_dashboard_api(cli, receiver):
    from dashboard_support import add_user, sign_in, start_dashboard, stop as stop_dashboard
    dash = start_dashboard(cli, "--no-demo")
    try:
        admin = dash.admin()
        created = admin.call("POST", "/api/subscriptions",
                             {"channel": "webhook", "address": receiver.url, "kinds": ["OUT"]})
        assert created.status == 201, created.body
        hook = created.json()
        assert hook["signed"] and len(hook["secret"]) >= 32 and hook["kinds"] == ["OUT"]
        for bad, message in [({"channel": "email", "address": "nope"}, "e-mail"),
                             ({"channel": "sms", "address": "0151"}, "E.164"),
                             ({"channel": "pigeon", "address": "x"}, "unknown channel"),
                             ({"channel": "email"}, "required"),
                             ({"channel": "email", "address": "a@b.de", "stores": "Berlin"},
                              "array"),
                             ({"channel": "email", "address": "a@b.de", "digest": "yes"},
                              "true or false"),
                             ({"channel": "webhook", "address": dash.base + "/api/users"},
                              "own interface")]:
            reply = admin.call("POST", "/api/subscriptions", bad)
            assert reply.status == 400 and message in reply.json()["message"], (bad, reply.body)
        no_csrf = admin.call("POST", "/api/subscriptions",
                             {"channel": "email", "address": "a@b.de"}, csrf=False)
        assert no_csrf.status == 403
        listed = admin.get("/api/subscriptions").json()["subscriptions"]
        assert [s["id"] for s in listed] == [hook["id"]] and "secret" not in listed[0]
        # The CLI sees the API's subscription and the other way round.
        assert [s["id"] for s in cli.ok("subscriptions", "--format", "json").json_lines()] == \
            [hook["id"]]

        cli.write("berlin.csv", OUT_FILE)
        cli.ok("load", "berlin.csv")
        wait_until(lambda: len(receiver.received()) == 1, 20, "the webhook")
        assert verify_signature(receiver.received()[0], hook["secret"])
        wait_until(lambda: [d["state"] for d in
                            admin.get("/api/deliveries").json()["deliveries"]] == ["sent"],
                   20, "the delivery listed as sent")
        assert admin.get("/api/deliveries?state=bogus").status == 400
        assert admin.get("/api/deliveries?limit=0").status == 400
        delivery = admin.get("/api/deliveries?state=sent").json()["deliveries"][0]
        redrive = admin.call("POST", f"/api/deliveries/{delivery['id']}/redrive")
        assert redrive.status == 404 and "is not dead" in redrive.json()["message"]

        add_user(cli, "vera", "viewer", "viewer-password-1")
        viewer = sign_in(dash.base, "vera", "viewer-password-1")
        assert viewer.get("/api/subscriptions").status == 403
        assert viewer.call("DELETE", f"/api/subscriptions/{hook['id']}").status == 403

        assert admin.call("DELETE", f"/api/subscriptions/{hook['id']}").status == 204
        assert admin.call("DELETE", f"/api/subscriptions/{hook['id']}").status == 404
        assert admin.call("DELETE", "/api/subscriptions/abc").status == 404
        assert admin.get("/api/subscriptions").json()["subscriptions"] == []
    finally:
        stop_dashboard(dash.proc)
