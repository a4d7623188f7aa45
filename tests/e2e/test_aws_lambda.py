"""invtrack on AWS, end to end against the moto server (no real AWS here).

The real `bootstrap` binary (the Lambda custom runtime) is driven through a
small Lambda Runtime API server written below (RuntimeApi: next / response /
error / init-error, with request ids and deadlines), and its adapters talk
to moto (`python3 -m moto.server` from the machine's pyenv Python, on a free
loopback port) for S3, DynamoDB + DynamoDB Streams and SNS. The flow is the
one AWS runs: a lab-format file is put in S3, load_inventory gets the S3
event, the Inventory table is read back, the table's stream records are
fetched from moto's DynamoDB Streams API and handed to check_stock, and the
alerts arrive in an SQS queue subscribed to the SNS topic.

FaultProxy sits between the bootstrap and moto to inject throttling and 5xx
answers; bad credentials are tried against a second moto started with
authentication on (INITIAL_NO_AUTH_ACTION_COUNT=0).

Every wait is bounded; moto and the bootstraps are stopped by PID.
"""

import datetime
import hashlib
import http.client
import http.server
import json
import os
import pathlib
import queue
import re
import sys
import threading
import time
import uuid
from typing import Dict, List, Optional

import boto3
import pytest
from botocore.config import Config

from conftest import BackgroundProcess, _clean_env
from s3_support import MOTO_LINE, _stop, _wait_for_line, pyenv_python_with, wait_until

REGION = "us-east-1"
BUCKET = "inventory-uploads"
TABLE = "Inventory"
UPLOADS = "InventoryUploads"
WAIT_S = 60.0
SOURCE_DIR = pathlib.Path(os.environ.get("INVTRACK_SOURCE_DIR")
                          or pathlib.Path(__file__).resolve().parents[2])


def bootstrap_path() -> pathlib.Path:
    """`bootstrap` is built next to the invtrack binary (cmake/lambda.cmake)."""
    binary = os.environ.get("INVTRACK_BIN")
    if not binary:
        pytest.fail("INVTRACK_BIN is not set")
    path = pathlib.Path(binary).resolve().parent / "bootstrap"
    if not path.exists():
        pytest.fail(f"{path} is missing: build the invtrack_bootstrap target")
    return path


# ---- moto ---------------------------------------------------------------------------


class Moto:
    """A moto server on a free loopback port, with boto3 clients for it."""

    def __init__(self, work: pathlib.Path, extra_env: Optional[dict] = None):
        py = pyenv_python_with(("moto.server",))
        if not py:
            pytest.fail("no pyenv python3 with moto (the CI image has one)")
        self.proc = BackgroundProcess([py, "-m", "moto.server", "-H", "127.0.0.1", "-p", "0"],
                                      work, _clean_env(extra_env or {}))
        self.port = _wait_for_line(self.proc, MOTO_LINE, "stderr")
        self.url = f"http://127.0.0.1:{self.port}"

    def client(self, service: str, key: str = "testing", secret: str = "testing"):
        return boto3.client(service, endpoint_url=self.url, region_name=REGION,
                            aws_access_key_id=key, aws_secret_access_key=secret,
                            config=Config(retries={"max_attempts": 2}))

    def stop(self) -> None:
        _stop(self.proc)


def create_world(moto: Moto) -> dict:
    """The resources deploy/aws/template.yaml creates, made in moto."""
    s3 = moto.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    ddb = moto.client("dynamodb")
    ddb.create_table(
        TableName=TABLE, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "Store", "KeyType": "HASH"},
                   {"AttributeName": "Item", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "Store", "AttributeType": "S"},
                              {"AttributeName": "Item", "AttributeType": "S"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    ddb.create_table(
        TableName=UPLOADS, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "ObjectKey", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "ObjectKey", "AttributeType": "S"}])
    sns = moto.client("sns")
    topic_arn = sns.create_topic(Name="inventory-alerts")["TopicArn"]
    sqs = moto.client("sqs")
    queue_url = sqs.create_queue(QueueName="alert-inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url,
                                         AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    return {"topic_arn": topic_arn, "queue_url": queue_url}


def table_items(moto: Moto, store: Optional[str] = None) -> Dict[str, dict]:
    ddb = moto.client("dynamodb")
    items: Dict[str, dict] = {}
    kwargs = {"TableName": TABLE, "ConsistentRead": True}
    while True:
        page = ddb.scan(**kwargs)
        for item in page["Items"]:
            if store is None or item["Store"]["S"] == store:
                items[item["Store"]["S"] + "/" + item["Item"]["S"]] = item
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def upload_claim(moto: Moto, key: str) -> Optional[dict]:
    answer = moto.client("dynamodb").get_item(
        TableName=UPLOADS, Key={"ObjectKey": {"S": f"{BUCKET}/{key}"}}, ConsistentRead=True)
    return answer.get("Item")


def stream_records(moto: Moto) -> List[dict]:
    """Every record of the Inventory table's stream so far, as Lambda's
    event source mapping would hand them to the function."""
    ddb = moto.client("dynamodb")
    streams = moto.client("dynamodbstreams")
    arn = ddb.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    out = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        for _ in range(1000):  # bounded: moto returns everything in a few pages
            page = streams.get_records(ShardIterator=iterator, Limit=1000)
            for record in page["Records"]:
                dynamodb = dict(record["dynamodb"])
                created = dynamodb.get("ApproximateCreationDateTime")
                if isinstance(created, datetime.datetime):
                    dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
                out.append({"eventID": record["eventID"], "eventName": record["eventName"],
                            "eventVersion": record.get("eventVersion", "1.1"),
                            "eventSource": "aws:dynamodb", "awsRegion": REGION,
                            "dynamodb": dynamodb, "eventSourceARN": arn})
            if not page["Records"] or not page.get("NextShardIterator"):
                break
            iterator = page["NextShardIterator"]
    return out


def s3_event(moto: Moto, key: str, sequencer: str, etag: Optional[str] = None) -> str:
    """The ObjectCreated:Put notification S3 sends for the current version of `key`."""
    head = moto.client("s3").head_object(Bucket=BUCKET, Key=key)
    return json.dumps({"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": REGION,
        "eventTime": "2026-11-25T16:03:16.123Z", "eventName": "ObjectCreated:Put",
        "userIdentity": {"principalId": "AWS:AIDAEXAMPLE"},
        "requestParameters": {"sourceIPAddress": "127.0.0.1"},
        "responseElements": {"x-amz-request-id": "C3D13FE58DE4C810", "x-amz-id-2": "x"},
        "s3": {"s3SchemaVersion": "1.0", "configurationId": "load-inventory",
               "bucket": {"name": BUCKET, "ownerIdentity": {"principalId": "A3NL1KOZZKExample"},
                          "arn": f"arn:aws:s3:::{BUCKET}"},
               "object": {"key": key.replace(" ", "+"), "size": head["ContentLength"],
                          "eTag": etag or head["ETag"].strip('"'), "sequencer": sequencer}}}]})


def receive_alerts(moto: Moto, queue_url: str, expected: int) -> List[dict]:
    """SNS envelopes arriving in the subscribed SQS queue (bounded wait)."""
    sqs = moto.client("sqs")
    got: List[dict] = []

    def poll():
        answer = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                     WaitTimeSeconds=1)
        for message in answer.get("Messages", []):
            got.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        return len(got) >= expected

    wait_until(poll, WAIT_S, f"{expected} alert(s) in SQS", interval=0.1)
    # Nothing more than expected arrives.
    extra = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
    got.extend(json.loads(m["Body"]) for m in extra.get("Messages", []))
    return got


class QuietServer(http.server.ThreadingHTTPServer):
    """A threading HTTP server that does not print a traceback when a client
    it served is stopped mid-connection (every bootstrap is, at teardown)."""

    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


# ---- the Lambda Runtime API, for the test -------------------------------------------


class RuntimeApi:
    """A Lambda Runtime API (2018-06-01) on a free loopback port: invoke()
    queues an event and waits for the function's response or error."""

    PREFIX = "/2018-06-01/runtime"

    def __init__(self, fail_next: int = 0):
        self.events: "queue.Queue[tuple]" = queue.Queue()
        self.results: Dict[str, tuple] = {}
        self.init_errors: List[tuple] = []
        self.next_calls = 0
        self.fail_next = fail_next  # answer the first N GET next with 500
        self.stopping = threading.Event()
        self.done = threading.Condition()
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _reply(self, status: int, body: bytes = b"{}", headers: Optional[dict] = None):
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                try:
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the bootstrap was stopped while it waited for an event

            def do_GET(self):
                if self.path != api.PREFIX + "/invocation/next":
                    return self._reply(404)
                api.next_calls += 1
                if api.next_calls <= api.fail_next:
                    return self._reply(500, b'{"errorType":"ServiceException"}')
                while not api.stopping.is_set():
                    try:
                        request_id, payload, deadline_ms = api.events.get(timeout=0.2)
                    except queue.Empty:
                        continue
                    return self._reply(200, payload.encode(), {
                        "Lambda-Runtime-Aws-Request-Id": request_id,
                        "Lambda-Runtime-Deadline-Ms": str(deadline_ms),
                        "Lambda-Runtime-Invoked-Function-Arn":
                            "arn:aws:lambda:us-east-1:123456789012:function:test",
                        "Lambda-Runtime-Trace-Id": "Root=1-5759e988-bd862e3fe1be46a994272793"})
                self._reply(503)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length).decode()
                m = re.fullmatch(re.escape(api.PREFIX) + r"/invocation/([^/]+)/(response|error)",
                                 self.path)
                if m:
                    with api.done:
                        api.results[m.group(1)] = (
                            m.group(2), body, self.headers.get("Lambda-Runtime-Function-Error-Type"))
                        api.done.notify_all()
                    return self._reply(202, b'{"status":"OK"}')
                if self.path == api.PREFIX + "/init/error":
                    with api.done:
                        api.init_errors.append(
                            (body, self.headers.get("Lambda-Runtime-Function-Error-Type")))
                        api.done.notify_all()
                    return self._reply(202, b'{"status":"OK"}')
                self._reply(404)

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def invoke(self, payload: str, deadline_ms: Optional[int] = None,
               timeout: float = WAIT_S) -> tuple:
        """Returns (kind, parsed body, error type header, request id)."""
        request_id = str(uuid.uuid4())
        if deadline_ms is None:
            deadline_ms = int(time.time() * 1000) + 300_000
        self.events.put((request_id, payload, deadline_ms))
        end = time.monotonic() + timeout
        with self.done:
            while request_id not in self.results:
                left = end - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no answer to invocation {request_id} in {timeout}s")
                self.done.wait(left)
            kind, body, error_type = self.results[request_id]
        return kind, json.loads(body), error_type, request_id

    def wait_init_error(self, timeout: float = WAIT_S) -> tuple:
        end = time.monotonic() + timeout
        with self.done:
            while not self.init_errors:
                left = end - time.monotonic()
                if left <= 0:
                    raise AssertionError("no init error posted")
                self.done.wait(left)
            return self.init_errors[0]

    def close(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


# ---- a proxy that injects faults ----------------------------------------------------


class FaultProxy:
    """Forwards requests to moto, answering some with an injected error first.
    `rules` is a list of dicts: {"match": fn(method, path, headers) -> bool,
    "times": N, "status": S, "body": bytes, "headers": {...}}."""

    def __init__(self, upstream_port: int, rules: List[dict]):
        self.rules = rules
        self.log: List[tuple] = []  # (method, path, target, injected status or None)
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length) if length else b""
                target = self.headers.get("X-Amz-Target", "")
                with proxy.lock:
                    rule = next((r for r in proxy.rules if r["times"] != 0 and
                                 r["match"](self.command, self.path, self.headers)), None)
                    if rule is not None:
                        rule["times"] -= 1
                    proxy.log.append((self.command, self.path, target,
                                      rule["status"] if rule else None))
                if rule is not None:
                    payload = rule.get("body", b"")
                    self.send_response(rule["status"])
                    for name, value in rule.get("headers", {}).items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(payload)
                    return
                conn = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=30)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("connection", "expect")}
                conn.request(self.command, self.path, body=body, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in ("connection", "transfer-encoding", "content-length",
                                            "server", "date"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                conn.close()

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _handle

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def dynamo_op(name: str):
    return lambda method, path, headers: headers.get("X-Amz-Target", "").endswith("." + name)


def s3_get(method, path, headers):
    return method == "GET" and path.startswith(f"/{BUCKET}/")


def sns_publish(method, path, headers):
    return method == "POST" and "X-Amz-Target" not in headers and not path.startswith(f"/{BUCKET}")


THROTTLED = {"status": 400, "body": json.dumps({
    "__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException",
    "message": "Rate of requests exceeds the allowed throughput."}).encode(),
    "headers": {"Content-Type": "application/x-amz-json-1.0"}}
SLOW_DOWN = {"status": 503, "body": b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown"
             b"</Code><Message>Please reduce your request rate.</Message></Error>",
             "headers": {"Content-Type": "application/xml"}}
SNS_INTERNAL = {"status": 500, "body": b"<ErrorResponse><Error><Type>Receiver</Type><Code>"
                b"InternalError</Code><Message>try again</Message></Error></ErrorResponse>",
                "headers": {"Content-Type": "text/xml"}}


# ---- running the bootstrap ----------------------------------------------------------


class Lambda:
    """One bootstrap process (one warm Lambda instance) behind its own RuntimeApi."""

    def __init__(self, work: pathlib.Path, handler: str, endpoint: str, topic_arn: str = "",
                 extra_env: Optional[dict] = None, fail_next: int = 0,
                 key: str = "testing", secret: str = "testing"):
        self.api = RuntimeApi(fail_next=fail_next)
        env = {"AWS_LAMBDA_RUNTIME_API": self.api.address, "_HANDLER": handler,
               "AWS_REGION": REGION, "AWS_ENDPOINT_URL": endpoint,
               "INVENTORY_TABLE": TABLE, "UPLOADS_TABLE": UPLOADS}
        if key:
            env.update({"AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret,
                        "AWS_SESSION_TOKEN": "session-token-from-the-role"})
        if topic_arn:
            env["ALERT_TOPIC_ARN"] = topic_arn
        env.update(extra_env or {})
        clean = _clean_env(env)
        for name in ("AWS_PROFILE", "AWS_CA_BUNDLE", "AWS_SHARED_CREDENTIALS_FILE"):
            clean.pop(name, None)
        if not key:
            for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
                clean.pop(name, None)
        self.proc = BackgroundProcess([str(bootstrap_path())], work, clean)

    def invoke(self, payload: str, **kwargs) -> tuple:
        return self.api.invoke(payload, **kwargs)

    def logs(self) -> List[dict]:
        """stdout must be JSON lines only (Lambda's log format)."""
        lines = [line for line in list(self.proc.stdout_lines) if line.strip()]
        return [json.loads(line) for line in lines]

    def wait_for_log(self, predicate, timeout: float = 30.0) -> dict:
        """The first log line for which predicate holds, waiting (bounded) for
        it: stdout is read by another thread, and the bootstrap logs some
        events after it has posted the response the test waited for."""
        def first():
            return next((line for line in self.logs() if predicate(line)), None)
        self.proc.wait_for(lambda: first() is not None, timeout, "the expected log line")
        return first()

    def stop(self) -> None:
        _stop(self.proc)
        self.api.close()


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    server = Moto(tmp_path_factory.mktemp("moto"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def world(moto):
    return create_world(moto)


@pytest.fixture
def lambdas(tmp_path):
    started: List[Lambda] = []

    def start(*args, **kwargs) -> Lambda:
        fn = Lambda(tmp_path, *args, **kwargs)
        started.append(fn)
        return fn

    yield start
    for fn in started:
        fn.stop()


def put_file(moto: Moto, key: str, text: str) -> None:
    moto.client("s3").put_object(Bucket=BUCKET, Key=key, Body=text.encode())


def berlin_csv() -> str:
    return (SOURCE_DIR / "demo" / "inventory-berlin.csv").read_text()


def load_store(moto: Moto, lambdas, store: str, rows) -> List[dict]:
    """Loads a file for `store` and returns the stream records it made."""
    key = f"stores/{store}/inventory.csv"
    put_file(moto, key, "store,item,count\n" + "".join(f"{store},{i},{c}\n" for i, c in rows))
    loader = lambdas("load_inventory", moto.url)
    sequencer = hashlib.sha1(store.encode()).hexdigest()[:18].upper()
    kind, body, _, _ = loader.invoke(s3_event(moto, key, sequencer))
    assert kind == "response" and body["files"][0]["outcome"] == "applied", body
    return [r for r in stream_records(moto) if r["dynamodb"]["Keys"]["Store"]["S"] == store]


# ---- the flow -----------------------------------------------------------------------


def test_upload_load_stream_check_and_alert_in_sqs(moto, world, lambdas):
    key = "inventory-berlin.csv"
    put_file(moto, key, berlin_csv())
    loader = lambdas("load_inventory", moto.url)
    event = s3_event(moto, key, "0055AED6DCD90281E5")

    kind, body, _, request_id = loader.invoke(event)
    assert kind == "response", body
    assert [f["outcome"] for f in body["files"]] == ["applied"]
    assert body["files"][0]["rows"] == 6 and body["files"][0]["changes"] == 6

    items = table_items(moto, "Berlin")
    assert {k: int(v["Count"]["N"]) for k, v in items.items()} == {
        "Berlin/Echo Dot": 28, "Berlin/Echo (2nd Gen)": 17, "Berlin/Echo Show": 33,
        "Berlin/Echo Plus": 0, "Berlin/Echo Look": 4, "Berlin/Amazon Tap": 11}
    assert items["Berlin/Echo Plus"]["SourceKey"]["S"] == key
    claim = upload_claim(moto, key)
    assert claim["State"]["S"] == "applied" and claim["Rows"]["N"] == "6"

    # S3 delivers at least once: the same event again applies nothing.
    kind, body, _, _ = loader.invoke(event)
    assert kind == "response" and body["files"][0]["outcome"] == "already-applied", body

    records = [r for r in stream_records(moto) if r["dynamodb"]["Keys"]["Store"]["S"] == "Berlin"]
    assert len(records) == 6, records
    assert all(r["eventName"] == "INSERT" for r in records)

    checker = lambdas("check_stock", moto.url, topic_arn=world["topic_arn"])
    kind, body, _, _ = checker.invoke(json.dumps({"Records": records}))
    assert kind == "response" and body == {"batchItemFailures": []}, body

    alerts = receive_alerts(moto, world["queue_url"], 2)
    assert len(alerts) == 2, alerts
    by_item = {a["MessageAttributes"]["Item"]["Value"]: a for a in alerts}
    out = by_item["Echo Plus"]
    assert out["Subject"] == "Inventory Alert!"
    assert out["Message"] == "Berlin is out of stock of Echo Plus"
    assert out["MessageAttributes"]["Kind"]["Value"] == "OUT"
    assert out["MessageAttributes"]["Count"] == {"Type": "Number", "Value": "0"}
    assert out["MessageAttributes"]["AlertId"]["Value"]
    assert by_item["Echo Look"]["MessageAttributes"]["Kind"]["Value"] == "LOW"

    # The function's logs: JSON lines on stdout carrying the request id.
    applied = loader.wait_for_log(lambda line: line["event"] == "load.applied")
    assert applied["requestId"] == request_id and applied["rows"] == 6
    checker.wait_for_log(lambda line: line["event"] == "check.done" and line["checked"] == 6)


def test_identical_reupload_makes_no_stream_records_and_no_alerts(moto, world, lambdas):
    key = "stores/Karachi/inventory.csv"
    text = "store,item,count\nKarachi,Echo Dot,0\nKarachi,Echo Show,9\n"
    loader = lambdas("load_inventory", moto.url)
    put_file(moto, key, text)
    assert loader.invoke(s3_event(moto, key, "0061000000000000A0"))[1]["files"][0]["changes"] == 2
    before = len(stream_records(moto))
    put_file(moto, key, text)  # a new upload of the same bytes: a newer sequencer
    kind, body, _, _ = loader.invoke(s3_event(moto, key, "0061000000000000B0"))
    assert kind == "response" and body["files"][0]["outcome"] == "applied", body
    assert body["files"][0]["changes"] == 0
    assert len(stream_records(moto)) == before


def test_bad_file_is_rejected_whole_and_the_table_is_unchanged(moto, world, lambdas):
    key = "inventory-bad.csv"
    put_file(moto, key, "store,item,count\nPusan,Echo Dot,3\nPusan,Echo Show,many\n"
                        "Pusan,Echo Plus,-1\n")
    loader = lambdas("load_inventory", moto.url)
    kind, body, _, _ = loader.invoke(s3_event(moto, key, "0055AED6DCD90281F0"))
    assert kind == "response", body
    result = body["files"][0]
    assert result["outcome"] == "rejected"
    assert any(p.startswith("line 3:") for p in result["problems"]), result
    assert any(p.startswith("line 4:") for p in result["problems"]), result
    assert table_items(moto, "Pusan") == {}
    claim = upload_claim(moto, key)
    assert claim["State"]["S"] == "rejected"
    assert any("line 3" in p["S"] for p in claim["Problems"]["L"])


def test_older_version_arriving_late_is_superseded(moto, world, lambdas):
    key = "inventory-shanghai.csv"
    put_file(moto, key, "store,item,count\nShanghai,Echo Dot,7\n")
    loader = lambdas("load_inventory", moto.url)
    newer = s3_event(moto, key, "0056000000000000B0")
    older = s3_event(moto, key, "0056000000000000A0")
    assert loader.invoke(newer)[1]["files"][0]["outcome"] == "applied"
    kind, body, _, _ = loader.invoke(older)
    assert kind == "response" and body["files"][0]["outcome"] == "superseded", body
    assert upload_claim(moto, key)["Sequencer"]["S"].startswith("0056000000000000B0")


def test_large_file_goes_in_batches_and_every_row_lands(moto, world, lambdas):
    key = "inventory-springfield.csv"
    rows = [f"Springfield,Item {i:04d},{i % 50}" for i in range(300)]
    put_file(moto, key, "store,item,count\n" + "\n".join(rows) + "\n")
    loader = lambdas("load_inventory", moto.url)
    kind, body, _, _ = loader.invoke(s3_event(moto, key, "0057000000000000A0"))
    assert kind == "response", body
    assert body["files"][0]["rows"] == 300 and body["files"][0]["changes"] == 300
    items = table_items(moto, "Springfield")
    assert len(items) == 300
    assert items["Springfield/Item 0123"]["Count"]["N"] == "23"
    assert upload_claim(moto, key)["State"]["S"] == "applied"


# ---- faults: throttling, 5xx, credentials ------------------------------------------


def test_throttling_and_5xx_are_retried(moto, world, lambdas):
    key = "inventory-calcutta.csv"
    put_file(moto, key, "store,item,count\nCalcutta,Echo Dot,0\nCalcutta,Echo Show,40\n")
    rules = [dict(THROTTLED, match=dynamo_op("GetItem"), times=2),
             dict(THROTTLED, match=dynamo_op("TransactWriteItems"), times=1),
             dict(SLOW_DOWN, match=s3_get, times=1),
             dict(SNS_INTERNAL, match=sns_publish, times=1)]
    proxy = FaultProxy(moto.port, rules)
    try:
        loader = lambdas("load_inventory", proxy.url)
        kind, body, _, _ = loader.invoke(s3_event(moto, key, "0058000000000000A0"))
        assert kind == "response" and body["files"][0]["outcome"] == "applied", body
        assert table_items(moto, "Calcutta")["Calcutta/Echo Dot"]["Count"]["N"] == "0"

        records = [r for r in stream_records(moto)
                   if r["dynamodb"]["Keys"]["Store"]["S"] == "Calcutta"]
        checker = lambdas("check_stock", proxy.url, topic_arn=world["topic_arn"])
        kind, body, _, _ = checker.invoke(json.dumps({"Records": records}))
        assert kind == "response" and body == {"batchItemFailures": []}, body
        alerts = receive_alerts(moto, world["queue_url"], 1)
        assert [a["Message"] for a in alerts] == ["Calcutta is out of stock of Echo Dot"]
    finally:
        proxy.close()
    # Every injected fault was answered, and each call was then repeated.
    assert all(rule["times"] == 0 for rule in rules), rules
    calls = [entry[2].split(".")[-1] for entry in proxy.log if entry[2]]
    assert calls.count("GetItem") >= 3 and calls.count("TransactWriteItems") == 2, proxy.log
    s3_gets = [entry for entry in proxy.log if entry[0] == "GET"]
    assert [entry[3] for entry in s3_gets] == [503, None], proxy.log


def test_throttling_that_does_not_stop_fails_with_a_clear_error(moto, world, lambdas):
    key = "inventory-throttled.csv"
    put_file(moto, key, "store,item,count\nKarachi,Echo Plus,1\n")
    proxy = FaultProxy(moto.port, [dict(THROTTLED, match=dynamo_op("GetItem"), times=-1)])
    try:
        loader = lambdas("load_inventory", proxy.url, extra_env={"AWS_MAX_ATTEMPTS": "3"})
        kind, body, error_type, _ = loader.invoke(s3_event(moto, key, "0059000000000000A0"))
    finally:
        proxy.close()
    assert kind == "error" and error_type == "Function.Unavailable", body
    assert "ThrottlingException" in body["errorMessage"]
    assert "after 3 attempts" in body["errorMessage"], body
    assert sum(1 for e in proxy.log if e[2].endswith(".GetItem")) == 3


def test_bad_credentials_give_a_clear_error(tmp_path, lambdas):
    # A moto that checks credentials (IAM auth on from the first request).
    secure = Moto(tmp_path, {"INITIAL_NO_AUTH_ACTION_COUNT": "0"})
    try:
        loader = lambdas("load_inventory", secure.url, key="AKIAIOSFODNN7EXAMPLE",
                         secret="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        event = json.dumps({"Records": [{
            "eventName": "ObjectCreated:Put", "eventSource": "aws:s3",
            "s3": {"bucket": {"name": BUCKET}, "object": {"key": "a.csv", "size": 10,
                                                           "eTag": "0" * 32, "sequencer": "01"}}}]})
        kind, body, error_type, _ = loader.invoke(event)
    finally:
        secure.stop()
    assert kind == "error", body
    assert error_type == "Function.AccessDenied", body
    assert "credentials" in body["errorMessage"], body


def test_missing_credentials_are_an_init_error(tmp_path, lambdas):
    fn = lambdas("load_inventory", "http://127.0.0.1:9", key="")
    body, error_type = fn.api.wait_init_error()
    assert error_type == "Runtime.InitError"
    assert "no AWS credentials found" in json.loads(body)["errorMessage"]
    assert fn.proc.wait(30) == 1


# ---- the Runtime API loop -----------------------------------------------------------


def test_unknown_handler_is_an_init_error(lambdas):
    fn = lambdas("resize_images", "http://127.0.0.1:9")
    body, error_type = fn.api.wait_init_error()
    assert error_type == "Runtime.InitError"
    assert "_HANDLER='resize_images'" in json.loads(body)["errorMessage"]
    assert fn.proc.wait(30) == 1


def test_runtime_loop_survives_bad_events_and_honours_deadlines(moto, world, lambdas):
    # The Runtime API fails the first two polls: the loop backs off and retries.
    checker = lambdas("check_stock", moto.url, topic_arn=world["topic_arn"], fail_next=2)
    kind, body, error_type, _ = checker.invoke("{not json")
    assert kind == "error" and error_type == "Runtime.InvalidEvent", body
    assert body["errorType"] == "Runtime.InvalidEvent" and body["errorMessage"]
    assert checker.api.next_calls >= 3

    kind, body, error_type, _ = checker.invoke('{"Records":[{"eventName":"INSERT"}]}')
    assert kind == "error" and error_type == "Runtime.InvalidEvent", body
    assert "Records[0].dynamodb" in body["errorMessage"], body

    # An invocation whose deadline has passed is refused, not run.
    records = load_store(moto, lambdas, "Lahore", [("Echo Dot", 0), ("Echo Show", 2),
                                                   ("Echo Plus", 30)])
    assert len(records) == 3
    event = json.dumps({"Records": records})
    kind, body, error_type, _ = checker.invoke(event, deadline_ms=int(time.time() * 1000) - 1000)
    assert kind == "error" and error_type == "Runtime.DeadlineExceeded", body
    # Too close to the deadline (margin 1 s): nothing is checked, every record
    # is reported for retry.
    kind, body, _, _ = checker.invoke(event, deadline_ms=int(time.time() * 1000) + 300)
    assert kind == "response", body
    assert [f["itemIdentifier"] for f in body["batchItemFailures"]] == [
        r["dynamodb"]["SequenceNumber"] for r in records]
    # And the next invocation is served normally, with its own request id in the logs.
    kind, body, _, request_id = checker.invoke(json.dumps({"Records": []}))
    assert kind == "response" and body == {"batchItemFailures": []}
    done = checker.wait_for_log(lambda line: line["event"] == "invocation.done"
                                and line.get("requestId") == request_id)
    assert done["ok"] is True
    # Every invocation was logged once, under its own request id.
    all_done = [line for line in checker.logs() if line["event"] == "invocation.done"]
    assert len({line["requestId"] for line in all_done}) == len(all_done) == 5, all_done


def test_sns_refusing_part_of_a_batch_reports_the_rest_for_retry(moto, world, lambdas):
    records = load_store(moto, lambdas, "Busan", [("Echo Dot", 30), ("Echo Show", 0),
                                                  ("Echo Plus", 40), ("Echo Look", 2)])
    # Two of the inserts alert (OUT, LOW); SNS fails every publish, so every
    # record from the first alerting one on comes back as a batch item failure.
    proxy = FaultProxy(moto.port, [dict(SNS_INTERNAL, match=sns_publish, times=-1)])
    try:
        checker = lambdas("check_stock", proxy.url, topic_arn=world["topic_arn"],
                          extra_env={"AWS_MAX_ATTEMPTS": "2"})
        kind, body, _, _ = checker.invoke(json.dumps({"Records": records}))
    finally:
        proxy.close()
    assert kind == "response", body
    failed = [f["itemIdentifier"] for f in body["batchItemFailures"]]
    sequence = [r["dynamodb"]["SequenceNumber"] for r in records]
    first_alerting = next(i for i, r in enumerate(records)
                          if int(r["dynamodb"]["NewImage"]["Count"]["N"]) <= 5)
    assert failed == sequence[first_alerting:], body
    error = checker.wait_for_log(lambda line: line["event"] == "check.publish_failed")
    assert "InternalError" in error["error"], error


# ---- SigV4: the bootstrap's signatures against botocore's -----------------------------


class CapturingEndpoint:
    """Records every request verbatim and answers with a JSON error, so the
    signed requests the bootstrap sends can be re-signed by botocore."""

    def __init__(self):
        self.requests: List[dict] = []
        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length) if length else b""
                endpoint.requests.append({"method": self.command, "path": self.path,
                                          "headers": dict(self.headers.items()), "body": body})
                payload = json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#"
                                      "ValidationException", "message": "captured"}).encode()
                self.send_response(400)
                self.send_header("Content-Type", "application/x-amz-json-1.0")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_HEAD = do_PUT = _handle

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def botocore_signature(captured: dict, url: str, service: str, key: str, secret: str,
                       token: str) -> tuple:
    """Signs the captured request again with botocore, at the same instant
    and over the same headers; returns (signed headers, signature)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    authorization = captured["headers"]["Authorization"]
    signed = re.search(r"SignedHeaders=([^,]+)", authorization).group(1).split(";")
    headers = {name: value for name, value in captured["headers"].items()
               if name.lower() in signed and name.lower() != "host"}
    request = AWSRequest(method=captured["method"], url=url + captured["path"],
                         data=captured["body"], headers=headers)
    auth = SigV4Auth(Credentials(key, secret, token), service, REGION)
    request.context["timestamp"] = captured["headers"]["X-Amz-Date"]
    canonical = auth.canonical_request(request)
    signature = auth.signature(auth.string_to_sign(request, canonical), request)
    return ";".join(sorted(auth.headers_to_sign(request).keys())), signature


def test_signatures_match_botocore_signing_the_same_requests(moto, world, lambdas, tmp_path):
    key, secret, token = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "tok/en+=="
    endpoint = CapturingEndpoint()
    try:
        # DynamoDB (JSON body): the loader reads the claim, which is captured.
        put_file(moto, "sig.csv", "store,item,count\nOslo,Echo Dot,3\n")
        loader = lambdas("load_inventory", moto.url, key=key, secret=secret,
                         extra_env={"AWS_ENDPOINT_URL_DYNAMODB": endpoint.url,
                                    "AWS_MAX_ATTEMPTS": "1", "AWS_SESSION_TOKEN": token})
        kind, body, _, _ = loader.invoke(s3_event(moto, "sig.csv", "0077000000000000A0"))
        assert kind == "error" and "captured" in body["errorMessage"], body
        # SNS (form body, characters that need escaping).
        checker = lambdas("check_stock", endpoint.url, topic_arn=world["topic_arn"], key=key,
                          secret=secret,
                          extra_env={"AWS_MAX_ATTEMPTS": "1", "AWS_SESSION_TOKEN": token})
        record = {"eventID": "e1", "eventName": "INSERT", "eventSource": "aws:dynamodb",
                  "dynamodb": {"SequenceNumber": "100", "NewImage": {
                      "Store": {"S": "Oslo"}, "Item": {"S": "Echo (2nd Gen) & co"},
                      "Count": {"N": "0"}}}}
        kind, body, _, _ = checker.invoke(json.dumps({"Records": [record]}))
        assert kind == "response" and len(body["batchItemFailures"]) == 1, body
    finally:
        endpoint.close()
    services = {"DynamoDB_20120810.GetItem": "dynamodb", "": "sns"}
    checked = set()
    for captured in endpoint.requests:
        target = captured["headers"].get("X-Amz-Target", "")
        service = services.get(target)
        if service is None:
            continue
        assert captured["headers"]["X-Amz-Security-Token"] == token
        authorization = captured["headers"]["Authorization"]
        assert f"Credential={key}/" in authorization and f"/{REGION}/{service}/" in authorization
        ours_signed = re.search(r"SignedHeaders=([^,]+)", authorization).group(1)
        ours_signature = re.search(r"Signature=([0-9a-f]{64})", authorization).group(1)
        their_signed, their_signature = botocore_signature(captured, endpoint.url, service, key,
                                                           secret, token)
        assert ours_signed == their_signed, (captured, their_signed)
        assert ours_signature == their_signature, captured
        checked.add(service)
    assert checked == {"dynamodb", "sns"}, endpoint.requests
