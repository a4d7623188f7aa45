"""Uploads through the S3 endpoint flow into the inventory: a lab CSV
uploaded under stores/<Store>/ with each client and that store's own key
shows up in `invtrack stock` and raises the lab's alerts; a store key's file
with a row of another store is rejected with nothing applied; a multipart
upload is loaded as one file; only `.csv` keys of bucket `inventory` are
loaded; `keys revoke` takes effect while serve runs.

All invtrack-specific (moto has no loader): skipped with S3_TEST_TARGET=moto."""

import os
import shutil

import pytest
from botocore.exceptions import ClientError

from conftest import transition
from s3_support import (AWSCLI_V2, BUCKET, AwsCli, Rclone, S3cmd, awscli_v1, client_error,
                        demo_rows, invtrack_only, run_cmd, run_pyenv_script, unique,
                        wait_until)

pytestmark = invtrack_only

PYENV_PUT = r'''
import json, os, sys
import boto3
from botocore.config import Config
bucket, key, path = sys.argv[1:4]
c = boto3.client("s3", endpoint_url=os.environ["S3_URL"],
                 config=Config(region_name="us-east-1", s3={"addressing_style": "path"},
                               retries={"max_attempts": 1, "mode": "standard"}))
with open(path, "rb") as f:
    out = c.put_object(Bucket=bucket, Key=key, Body=f.read())
print(json.dumps({"etag": out["ETag"], "botocore": __import__("botocore").__version__}))
'''


def upload_awscli_v2(s3, creds, path, key, tmp_path):
    if not os.access(AWSCLI_V2, os.X_OK):
        pytest.skip("Debian awscli v2 is not installed")
    AwsCli(AWSCLI_V2, s3, creds).ok("s3", "cp", path, f"s3://{BUCKET}/{key}")


def upload_awscli_v1(s3, creds, path, key, tmp_path):
    exe = awscli_v1()
    if exe is None:
        pytest.skip("no awscli v1 next to a pyenv python3")
    AwsCli(exe, s3, creds, v1=True).ok("s3", "cp", path, f"s3://{BUCKET}/{key}")


def upload_boto3_debian(s3, creds, path, key, tmp_path):
    out = s3.client(creds).put_object(Bucket=BUCKET, Key=key, Body=path.read_bytes())
    assert out["ResponseMetadata"]["HTTPHeaders"].get("x-invtrack-invocation-id"), out


def upload_boto3_pyenv(s3, creds, path, key, tmp_path):
    out = run_pyenv_script(s3, PYENV_PUT, creds, args=[BUCKET, key, str(path)])
    assert out["botocore"].startswith("1.")


def upload_s3cmd(s3, creds, path, key, tmp_path):
    if shutil.which("s3cmd") is None:
        pytest.skip("s3cmd is not installed")
    S3cmd(s3, creds).ok("put", path, f"s3://{BUCKET}/{key}")


def upload_rclone(s3, creds, path, key, tmp_path):
    if shutil.which("rclone") is None:
        pytest.skip("rclone is not installed")
    Rclone(s3, creds).ok("copyto", path, f"inv:{BUCKET}/{key}")


def upload_curl_presigned(s3, creds, path, key, tmp_path):
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    url = s3.client(creds).generate_presigned_url(
        "put_object", Params={"Bucket": BUCKET, "Key": key}, ExpiresIn=300)
    result = run_cmd(["curl", "--noproxy", "*", "-sS", "--max-time", "60", "-o",
                      tmp_path / "curl-response", "-w", "%{http_code}", "-T", path, url],
                     s3.client_env(), timeout=90)
    assert result.returncode == 0 and result.stdout.strip() == "200", (
        result.describe() + "\n" + (tmp_path / "curl-response").read_text(errors="replace"))


CLIENTS = [
    ("awscli-v2", upload_awscli_v2, "Berlin"),
    ("awscli-v1", upload_awscli_v1, "Calcutta"),
    ("boto3-debian", upload_boto3_debian, "Karachi"),
    ("boto3-pyenv", upload_boto3_pyenv, "Pusan"),
    ("s3cmd", upload_s3cmd, "Shanghai"),
    ("rclone", upload_rclone, "Springfield"),
    ("curl-presigned", upload_curl_presigned, "Lisbon"),
]


def expected_alerts(store, rows):
    out = []
    for item, count in rows.items():
        kind = transition(None, count)
        if kind:
            out.append((kind, item, count))
    return sorted(out)


def store_alerts(s3, store):
    return sorted((a["kind"], a["item"], a["count"]) for a in s3.alerts() if a["store"] == store)


@pytest.mark.parametrize("name,upload,store", CLIENTS, ids=[c[0] for c in CLIENTS])
def test_lab_csv_uploaded_with_each_client_is_loaded(s3, source_dir, tmp_path, name, upload,
                                                     store):
    if store == "Lisbon":  # one more store than the demo has: Berlin's file, renamed
        src, rows = demo_rows(source_dir, "Berlin")
        path = tmp_path / "inventory-lisbon.csv"
        path.write_bytes(src.read_bytes().replace(b"Berlin,", b"Lisbon,"))
    else:
        path, rows = demo_rows(source_dir, store)
    key = f"stores/{store}/{path.name}"
    creds = s3.create_key(store)
    upload(s3, creds, path, key, tmp_path)

    assert s3.wait_for_stock(store, rows) == rows
    event = s3.wait_for_load(key)
    assert event["outcome"] == "applied" and event["rows"] == len(rows), event
    stock = [r for r in s3.cli.stock_json("--store", store, timeout=60)]
    assert {r["source_key"] for r in stock} == {key}
    want = expected_alerts(store, rows)
    assert want, "the lab file has out-of-stock or low items"
    wait_until(lambda: store_alerts(s3, store) == want, 30, f"alerts of {store} == {want}",
               describe=lambda: str(store_alerts(s3, store)))
    messages = {a["message"] for a in s3.alerts() if a["store"] == store and a["kind"] == "OUT"}
    assert messages == {f"{store} is out of stock of {item}" for kind, item, _ in want
                        if kind == "OUT"}


def test_put_object_response_carries_invocation_id(s3):
    store = unique("Quito")
    c = s3.client()
    ids = []
    for count in (3, 4):
        out = c.put_object(Bucket=BUCKET, Key=f"stores/{store}/inv.csv",
                           Body=f"store,item,count\n{store},Pan,{count}\n".encode())
        ids.append(out["ResponseMetadata"]["HTTPHeaders"].get("x-invtrack-invocation-id"))
    assert all(ids) and ids[0] != ids[1], ids
    s3.wait_for_stock(store, {"Pan": 4})


def test_store_key_file_with_a_foreign_row_is_rejected_and_nothing_applied(s3):
    store, other = unique("Oslo"), unique("Bergen")
    creds = s3.create_key(store)
    c = s3.client(creds)
    c.put_object(Bucket=BUCKET, Key=f"stores/{store}/a.csv",
                 Body=f"store,item,count\n{store},Pan,5\n{store},Pot,7\n".encode())
    s3.wait_for_stock(store, {"Pan": 5, "Pot": 7})
    # Pan at 5 is LOW: wait for that alert so the comparison below is stable.
    wait_until(lambda: store_alerts(s3, store) == [("LOW", "Pan", 5)], 30,
               f"the LOW alert of {store}", describe=lambda: str(store_alerts(s3, store)))
    alerts_before = [a for a in s3.alerts() if a["store"] in (store, other)]

    bad_key = f"stores/{store}/b.csv"
    out = c.put_object(Bucket=BUCKET, Key=bad_key, Body=(
        f"store,item,count\n{store},Pan,0\n{other},Pot,3\n{store},Pot,1\n").encode())
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 200
    event = s3.wait_for_load(bad_key)
    assert event["outcome"] == "rejected", event
    assert event.get("problems", 0) >= 1, event
    assert s3.stock(store) == {"Pan": 5, "Pot": 7}
    assert s3.stock(other) == {}
    # The rejected file would have raised OUT for Pan: nothing new was raised.
    assert [a for a in s3.alerts() if a["store"] in (store, other)] == alerts_before
    # The key of another store is refused outright, and nothing is loaded from it.
    with pytest.raises(ClientError) as e:
        c.put_object(Bucket=BUCKET, Key=f"stores/{other}/c.csv",
                     Body=f"store,item,count\n{other},Pot,3\n".encode())
    assert client_error(e) == ("AccessDenied", 403)
    assert s3.load_events(f"stores/{other}/c.csv") == []


def test_multipart_csv_upload_is_loaded_as_one_file(s3, tmp_path):
    if not os.access(AWSCLI_V2, os.X_OK):
        pytest.skip("Debian awscli v2 is not installed")
    store = unique("Nairobi")
    rows = {f"item-{i:04d}": i % 50 for i in range(1100)}
    pad = "x" * 8000
    lines = ["store,item,count,notes"] + [f"{store},{item},{count},{pad}"
                                          for item, count in rows.items()]
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n")
    assert path.stat().st_size > 8 * 1024 * 1024  # awscli v2 uploads it in parts
    key = f"stores/{store}/big.csv"
    AwsCli(AWSCLI_V2, s3, s3.create_key(store)).ok("s3", "cp", path, f"s3://{BUCKET}/{key}")
    assert s3.client().head_object(Bucket=BUCKET, Key=key)["ETag"].endswith('-2"')
    s3.wait_for_stock(store, rows, timeout=60)
    events = s3.load_events(key)
    assert len(events) == 1 and events[0]["outcome"] == "applied", events


def test_only_csv_keys_of_bucket_inventory_are_loaded(s3):
    c = s3.client()
    store = unique("Lima")
    body = f"store,item,count\n{store},Pan,2\n".encode()
    other_bucket = unique("other-bucket")
    c.create_bucket(Bucket=other_bucket)
    c.put_object(Bucket=other_bucket, Key=f"stores/{store}/inv.csv", Body=body)
    c.put_object(Bucket=BUCKET, Key=f"stores/{store}/inv.txt", Body=body)
    c.put_object(Bucket=BUCKET, Key=f"stores/{store}/inv.csv.bak", Body=body)
    # An admin upload outside stores/ takes the store from its rows.
    free = unique("Tokyo")
    c.put_object(Bucket=BUCKET, Key=f"uploads/{free}.csv",
                 Body=f"store,item,count\n{free},Kettle,0\n".encode())
    s3.wait_for_stock(free, {"Kettle": 0})
    assert s3.stock(store) == {}
    assert [e for e in s3.load_events() if store in e.get("key", "")] == []


def test_keys_revoke_while_serving(s3, tmp_path):
    store = unique("Rome")
    creds = s3.create_key(store)
    c = s3.client(creds)
    c.put_object(Bucket=BUCKET, Key=f"stores/{store}/1.csv",
                 Body=f"store,item,count\n{store},Pan,6\n".encode())
    s3.wait_for_stock(store, {"Pan": 6})
    listed = {k["access_key_id"]: k for k in s3.list_keys()}
    assert listed[creds.access_key_id]["store"] == store
    assert listed[creds.access_key_id]["admin"] is False
    assert listed[creds.access_key_id]["created"]

    s3.revoke_key(creds.access_key_id)
    with pytest.raises(ClientError) as e:
        c.put_object(Bucket=BUCKET, Key=f"stores/{store}/2.csv",
                     Body=f"store,item,count\n{store},Pan,0\n".encode())
    assert client_error(e) == ("InvalidAccessKeyId", 403)
    if os.access(AWSCLI_V2, os.X_OK):
        (tmp_path / "3.csv").write_text(f"store,item,count\n{store},Pan,1\n")
        refused = AwsCli(AWSCLI_V2, s3, creds).run("s3", "cp", tmp_path / "3.csv",
                                                   f"s3://{BUCKET}/stores/{store}/3.csv")
        assert refused.returncode != 0 and "InvalidAccessKeyId" in refused.stderr, \
            refused.describe()
    # Another key of the same store still works, and only its file is loaded.
    fresh = s3.client(s3.create_key(store))
    fresh.put_object(Bucket=BUCKET, Key=f"stores/{store}/4.csv",
                     Body=f"store,item,count\n{store},Pot,2\n".encode())
    s3.wait_for_stock(store, {"Pan": 6, "Pot": 2})
    assert s3.load_events(f"stores/{store}/2.csv") == []
    assert s3.load_events(f"stores/{store}/3.csv") == []
