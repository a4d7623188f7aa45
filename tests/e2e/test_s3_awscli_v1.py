"""The S3 endpoint driven by awscli v1 from the machine's pyenv Python
(botocore 1.43: Expect: 100-continue, a hex x-amz-content-sha256 and CRC32
checksums on PutObject/UploadPart/DeleteObjects, no Content-MD5), unmodified,
with a private config file setting `s3 = signature_version = s3v4` (without
it `aws s3 presign` makes SigV2 URLs)."""

import json
import re
import urllib.parse

import pytest

from s3_support import (BUCKET, AwsCli, awscli_v1, get_url, md5_hex, multipart_etag,
                        random_bytes, tree_files, unique)

MiB = 1024 * 1024


@pytest.fixture(scope="module")
def aws(s3):
    exe = awscli_v1()
    if exe is None:
        pytest.skip("no awscli v1 found next to a pyenv python3 "
                    "($PYENV_ROOT/versions/*/bin/aws reporting aws-cli/1.x)")
    return AwsCli(exe, s3, v1=True)


def s3url(key=""):
    return f"s3://{BUCKET}/{key}"


def test_cp_multipart_up_and_down_with_crc32_parts(aws, tmp_path):
    version = aws.ok("--version")
    assert (version.stdout + version.stderr).startswith("aws-cli/1."), version.describe()
    key = unique("awscli1/big") + "/big.bin"
    data = random_bytes(9 * MiB + 77, 31)
    (tmp_path / "big.bin").write_bytes(data)
    up = aws.ok("s3", "cp", tmp_path / "big.bin", s3url(key))
    assert re.search(rf"upload: \S*big\.bin to {re.escape(s3url(key))}$", up.stdout, re.M), \
        up.stdout
    head = aws.json("s3api", "head-object", "--bucket", BUCKET, "--key", key)
    assert head["ContentLength"] == len(data)
    assert head["ETag"] == multipart_etag([data[:8 * MiB], data[8 * MiB:]])
    aws.ok("s3", "cp", s3url(key), tmp_path / "big.down")
    assert (tmp_path / "big.down").read_bytes() == data


def test_s3api_put_get_head_with_checksums_and_metadata(aws, tmp_path):
    key = unique("awscli1/put") + "/note.bin"
    body = random_bytes(40_000, 32)
    (tmp_path / "note.bin").write_bytes(body)
    put = aws.json("s3api", "put-object", "--bucket", BUCKET, "--key", key, "--body",
                   tmp_path / "note.bin", "--metadata", "store=Berlin",
                   "--content-type", "application/octet-stream")
    assert put["ETag"] == f'"{md5_hex(body)}"'
    got = aws.json("s3api", "get-object", "--bucket", BUCKET, "--key", key, tmp_path / "got.bin")
    assert got["Metadata"] == {"store": "Berlin"} and got["ContentLength"] == len(body)
    assert (tmp_path / "got.bin").read_bytes() == body


def test_sync_ls_rm_and_sync_down(aws, tmp_path):
    prefix = unique("awscli1/sync")
    src = tmp_path / "src"
    files = {"a.txt": b"a", "b/c.txt": b"cc", "b/d e.bin": random_bytes(3000, 33)}
    for name, content in files.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_bytes(content)
    up = aws.ok("s3", "sync", src, s3url(prefix))
    assert up.stdout.count("upload: ") == 3, up.stdout
    ls = aws.ok("s3", "ls", s3url(prefix + "/")).stdout
    assert re.search(r"^\s+PRE b/$", ls, re.M) and re.search(r"\s1 a\.txt$", ls, re.M), ls
    rm = aws.ok("s3", "rm", s3url(prefix + "/a.txt"))
    assert "delete: " in rm.stdout
    dst = tmp_path / "dst"
    dst.mkdir()
    aws.ok("s3", "sync", s3url(prefix), dst)
    assert tree_files(dst) == {k: v for k, v in files.items() if k != "a.txt"}


def test_delete_objects_sends_crc32_not_md5(aws):
    prefix = unique("awscli1/del") + "/"
    for name in ("x", "y"):
        aws.ok("s3", "cp", "-", s3url(prefix + name), input=name.encode())
    spec = {"Objects": [{"Key": prefix + "x"}, {"Key": prefix + "y"}]}
    out = aws.json("s3api", "delete-objects", "--bucket", BUCKET, "--delete", json.dumps(spec))
    assert sorted(d["Key"] for d in out["Deleted"]) == [prefix + "x", prefix + "y"]
    listed = aws.json("s3api", "list-objects-v2", "--bucket", BUCKET, "--prefix", prefix,
                      "--no-paginate")
    assert "Contents" not in listed


def test_presign_makes_sigv4_urls_that_work(aws, s3):
    key = unique("awscli1/presign") + "/p é.txt"
    aws.ok("s3", "cp", "-", s3url(key), input=b"presigned by awscli v1")
    url = aws.ok("s3", "presign", s3url(key), "--expires-in", "300").stdout.strip()
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query.get("X-Amz-Algorithm") == ["AWS4-HMAC-SHA256"], url
    assert query.get("X-Amz-Expires") == ["300"], url
    assert url.startswith(s3.url + "/" + BUCKET + "/"), url
    resp = get_url(url)
    assert resp.status == 200 and resp.body == b"presigned by awscli v1", resp.describe()
    if s3.is_invtrack:
        # The same URL for another key is refused.
        other = url.replace(urllib.parse.quote("p é.txt"), "other.txt")
        assert other != url
        assert get_url(other).status == 403
