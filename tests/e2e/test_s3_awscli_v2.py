"""The S3 endpoint driven by Debian's awscli v2 (/usr/bin/aws, 2.9: sends
Content-MD5 and Expect: 100-continue, no checksum headers), unmodified, with a
private config file (path-style, region us-east-1, one attempt)."""

import json
import os
import re

import pytest

from s3_support import (AWSCLI_V2, BUCKET, AwsCli, md5_hex, multipart_etag, random_bytes,
                        tree_files, unique)

MiB = 1024 * 1024

pytestmark = pytest.mark.skipif(not os.access(AWSCLI_V2, os.X_OK),
                                reason=f"{AWSCLI_V2} (Debian awscli v2) is not installed")


@pytest.fixture(scope="module")
def aws(s3):
    return AwsCli(AWSCLI_V2, s3)


def s3url(key=""):
    return f"s3://{BUCKET}/{key}"


def ls_names(stdout):
    """Names from `aws s3 ls` lines (`PRE name/` or `date time size name`)."""
    out = {}
    for line in stdout.splitlines():
        m = re.match(r"^\s+PRE (.+)$", line)
        if m:
            out[m.group(1)] = "PRE"
            continue
        m = re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+(\d+) (.+)$", line)
        assert m, f"unexpected ls line {line!r}"
        out[m.group(2)] = int(m.group(1))
    return out


def test_cp_up_and_down_byte_identical(aws, tmp_path):
    key = unique("awscli2/cp") + "/blob.bin"
    src = tmp_path / "blob.bin"
    src.write_bytes(random_bytes(300_000, 21))
    up = aws.ok("s3", "cp", src, s3url(key))
    assert re.search(rf"upload: \S*blob\.bin to {re.escape(s3url(key))}$", up.stdout, re.M), \
        up.stdout
    down = tmp_path / "down.bin"
    aws.ok("s3", "cp", s3url(key), down)
    assert down.read_bytes() == src.read_bytes()
    head = aws.json("s3api", "head-object", "--bucket", BUCKET, "--key", key)
    assert head["ETag"] == f'"{md5_hex(src.read_bytes())}"'
    assert head["ContentLength"] == 300_000

    # stdin and stdout (a stream of unknown length)
    aws.ok("s3", "cp", "-", s3url(key + ".stdin"), input="from stdin: \u00e9\n".encode())
    assert aws.ok("s3", "cp", s3url(key + ".stdin"), "-").stdout == "from stdin: \u00e9\n"


def test_cp_large_file_goes_multipart(aws, tmp_path):
    key = unique("awscli2/big") + "/big.bin"
    data = random_bytes(9 * MiB + 123, 22)
    src = tmp_path / "big.bin"
    src.write_bytes(data)
    aws.ok("s3", "cp", src, s3url(key))
    head = aws.json("s3api", "head-object", "--bucket", BUCKET, "--key", key)
    # awscli v2's defaults: multipart from 8 MiB, 8 MiB parts.
    assert head["ETag"] == multipart_etag([data[:8 * MiB], data[8 * MiB:]])
    assert head["ContentLength"] == len(data)
    down = tmp_path / "big.down"
    aws.ok("s3", "cp", s3url(key), down)
    assert down.read_bytes() == data


def test_ls_and_rm(aws, tmp_path):
    prefix = unique("awscli2/ls")
    src = tmp_path / "tree"
    (src / "sub").mkdir(parents=True)
    (src / "one.txt").write_bytes(b"1")
    (src / "two words.txt").write_bytes(b"22")
    (src / "sub" / "three.bin").write_bytes(b"333")
    aws.ok("s3", "cp", "--recursive", src, s3url(prefix + "/"))

    buckets = aws.ok("s3", "ls").stdout
    assert any(line.split()[-1] == BUCKET for line in buckets.splitlines()), buckets
    listed = ls_names(aws.ok("s3", "ls", s3url(prefix + "/")).stdout)
    assert listed == {"sub/": "PRE", "one.txt": 1, "two words.txt": 2}

    rm = aws.ok("s3", "rm", s3url(prefix + "/two words.txt"))
    assert f"delete: {s3url(prefix + '/two words.txt')}" in rm.stdout
    listed = ls_names(aws.ok("s3", "ls", "--recursive", s3url(prefix + "/")).stdout)
    assert listed == {f"{prefix}/one.txt": 1, f"{prefix}/sub/three.bin": 3}
    rm = aws.ok("s3", "rm", "--recursive", s3url(prefix + "/"))
    assert rm.stdout.count("delete: ") == 2, rm.stdout
    after = aws.run("s3", "ls", "--recursive", s3url(prefix + "/"))
    assert after.stdout.strip() == "", after.describe()


def test_sync_up_then_down_into_empty_dir(aws, tmp_path):
    prefix = unique("awscli2/sync")
    src = tmp_path / "src"
    files = {"a.txt": b"alpha\n", "with space.txt": b"spaced", "\u00fcn\u00efcode.txt": b"u",
             "empty.txt": b"", "sub/b.bin": random_bytes(50_000, 23),
             "sub/deeper/c.json": b'{"c": 1}'}
    for name, content in files.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_bytes(content)
    up = aws.ok("s3", "sync", src, s3url(prefix))
    assert up.stdout.count("upload: ") == len(files), up.stdout
    again = aws.ok("s3", "sync", src, s3url(prefix))
    assert "upload: " not in again.stdout, again.stdout

    dst = tmp_path / "dst"
    dst.mkdir()
    down = aws.ok("s3", "sync", s3url(prefix), dst)
    assert down.stdout.count("download: ") == len(files), down.stdout
    assert tree_files(dst) == tree_files(src) == files

    # A changed file and a deleted one.
    (src / "a.txt").write_bytes(b"alpha, longer now\n")
    (src / "sub" / "b.bin").unlink()
    changed = aws.ok("s3", "sync", "--delete", src, s3url(prefix))
    assert changed.stdout.count("upload: ") == 1 and "a.txt" in changed.stdout, changed.stdout
    assert changed.stdout.count("delete: ") == 1 and "sub/b.bin" in changed.stdout
    listed = aws.json("s3api", "list-objects-v2", "--bucket", BUCKET, "--prefix", prefix + "/")
    assert sorted(o["Key"][len(prefix) + 1:] for o in listed["Contents"]) == sorted(
        n for n in files if n != "sub/b.bin")


def test_s3api_put_object_and_head_object_metadata(aws, tmp_path):
    key = unique("awscli2/meta") + "/note.txt"
    body = tmp_path / "note.txt"
    body.write_bytes(b"hello metadata\n")
    put = aws.json("s3api", "put-object", "--bucket", BUCKET, "--key", key, "--body", body,
                   "--content-type", "text/plain", "--metadata", "owner=alice,team=ops")
    assert put["ETag"] == f'"{md5_hex(body.read_bytes())}"'
    head = aws.json("s3api", "head-object", "--bucket", BUCKET, "--key", key)
    assert head["Metadata"] == {"owner": "alice", "team": "ops"}
    assert head["ContentLength"] == len(b"hello metadata\n")
    assert head["ContentType"] == "text/plain"
    assert head["ETag"] == put["ETag"]
    missing = aws.run("s3api", "head-object", "--bucket", BUCKET, "--key", key + ".missing")
    assert missing.returncode != 0 and "404" in missing.stderr, missing.describe()


def test_s3api_list_objects_v2_prefix_delimiter_max_keys(aws, tmp_path):
    prefix = unique("awscli2/list") + "/"
    src = tmp_path / "tree"
    names = ["a/1.txt", "a/2.txt", "b/1.txt", "c.txt", "d.txt"]
    for n in names:
        (src / n).parent.mkdir(parents=True, exist_ok=True)
        (src / n).write_bytes(n.encode())
    aws.ok("s3", "cp", "--recursive", src, s3url(prefix))

    page = aws.json("s3api", "list-objects-v2", "--bucket", BUCKET, "--prefix", prefix,
                    "--delimiter", "/")
    assert [p["Prefix"] for p in page["CommonPrefixes"]] == [prefix + "a/", prefix + "b/"]
    assert [o["Key"] for o in page["Contents"]] == [prefix + "c.txt", prefix + "d.txt"]

    first = aws.json("s3api", "list-objects-v2", "--bucket", BUCKET, "--prefix", prefix,
                     "--max-keys", "2", "--no-paginate")
    assert [o["Key"] for o in first["Contents"]] == [prefix + "a/1.txt", prefix + "a/2.txt"]
    assert first["IsTruncated"] is True and first["KeyCount"] == 2
    second = aws.json("s3api", "list-objects-v2", "--bucket", BUCKET, "--prefix", prefix,
                      "--max-keys", "2", "--no-paginate", "--continuation-token",
                      first["NextContinuationToken"])
    assert [o["Key"] for o in second["Contents"]] == [prefix + "b/1.txt", prefix + "c.txt"]
    # awscli's own paginator follows the tokens page by page to the end.
    everything = aws.json("s3api", "list-objects-v2", "--bucket", BUCKET, "--prefix", prefix,
                          "--page-size", "2")
    assert [o["Key"] for o in everything["Contents"]] == [prefix + n for n in names]
    after = aws.json("s3api", "list-objects-v2", "--bucket", BUCKET, "--prefix", prefix,
                     "--start-after", prefix + "b/1.txt")
    assert [o["Key"] for o in after["Contents"]] == [prefix + "c.txt", prefix + "d.txt"]


def test_s3api_create_and_delete_bucket(aws):
    bucket = unique("awscli2-bucket")
    aws.ok("s3api", "create-bucket", "--bucket", bucket)
    names = [b["Name"] for b in aws.json("s3api", "list-buckets")["Buckets"]]
    assert bucket in names and BUCKET in names
    aws.ok("s3api", "delete-bucket", "--bucket", bucket)
    gone = aws.run("s3api", "head-bucket", "--bucket", bucket)
    assert gone.returncode != 0 and "404" in gone.stderr, gone.describe()


def test_s3api_copy_object_and_delete_objects(aws, tmp_path):
    prefix = unique("awscli2/copy") + "/"
    body = tmp_path / "src.bin"
    body.write_bytes(random_bytes(10_000, 24))
    aws.ok("s3api", "put-object", "--bucket", BUCKET, "--key", prefix + "src", "--body", body)
    copied = aws.json("s3api", "copy-object", "--bucket", BUCKET, "--key", prefix + "dst",
                      "--copy-source", f"{BUCKET}/{prefix}src")
    assert copied["CopyObjectResult"]["ETag"] == f'"{md5_hex(body.read_bytes())}"'
    aws.ok("s3api", "get-object", "--bucket", BUCKET, "--key", prefix + "dst", tmp_path / "dst")
    assert (tmp_path / "dst").read_bytes() == body.read_bytes()

    spec = {"Objects": [{"Key": prefix + "src"}, {"Key": prefix + "dst"}], "Quiet": False}
    deleted = aws.json("s3api", "delete-objects", "--bucket", BUCKET, "--delete",
                       json.dumps(spec))
    assert sorted(d["Key"] for d in deleted["Deleted"]) == [prefix + "dst", prefix + "src"]
    assert not deleted.get("Errors")
    listed = aws.json("s3api", "list-objects-v2", "--bucket", BUCKET, "--prefix", prefix,
                      "--no-paginate")
    assert listed.get("KeyCount") == 0 and "Contents" not in listed


def test_s3api_get_object_range(aws, tmp_path):
    key = unique("awscli2/range") + "/r.bin"
    data = random_bytes(1000, 25)
    (tmp_path / "r.bin").write_bytes(data)
    aws.ok("s3", "cp", tmp_path / "r.bin", s3url(key))
    out = aws.json("s3api", "get-object", "--bucket", BUCKET, "--key", key, "--range",
                   "bytes=100-199", tmp_path / "part")
    assert out["ContentRange"] == "bytes 100-199/1000"
    assert out["ContentLength"] == 100
    assert (tmp_path / "part").read_bytes() == data[100:200]


def test_s3api_multipart_with_too_small_part_is_entity_too_small(aws, tmp_path):
    key = unique("awscli2/mpu") + "/small-parts.bin"
    upload = aws.json("s3api", "create-multipart-upload", "--bucket", BUCKET, "--key", key)
    upload_id = upload["UploadId"]
    parts = []
    for number in (1, 2):
        part = tmp_path / f"part{number}"
        part.write_bytes(bytes([number]) * 1024)
        out = aws.json("s3api", "upload-part", "--bucket", BUCKET, "--key", key, "--upload-id",
                       upload_id, "--part-number", str(number), "--body", part)
        assert out["ETag"] == f'"{md5_hex(part.read_bytes())}"'
        parts.append({"PartNumber": number, "ETag": out["ETag"]})
    spec = tmp_path / "parts.json"
    spec.write_text(json.dumps({"Parts": parts}))
    complete = aws.run("s3api", "complete-multipart-upload", "--bucket", BUCKET, "--key", key,
                       "--upload-id", upload_id, "--multipart-upload", f"file://{spec}")
    assert complete.returncode != 0, complete.describe()
    assert "EntityTooSmall" in complete.stderr, complete.describe()
    aws.ok("s3api", "abort-multipart-upload", "--bucket", BUCKET, "--key", key, "--upload-id",
           upload_id)
    uploads = aws.json("s3api", "list-multipart-uploads", "--bucket", BUCKET, "--prefix", key)
    assert not uploads.get("Uploads")
