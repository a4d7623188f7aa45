"""The S3 endpoint driven by Debian's s3cmd 2.3 (no User-Agent, no Expect, no
Content-MD5 on PUT, the real payload SHA-256, checks that the ETag is the MD5;
`info` also asks ?acl, ?policy and ?cors), unmodified, with a private config
file (host_base/host_bucket = 127.0.0.1:PORT, use_https = False,
signature_v2 = False)."""

import re
import shutil

import pytest

from s3_support import BUCKET, S3cmd, md5_hex, multipart_etag, random_bytes, tree_files, unique

MiB = 1024 * 1024

pytestmark = pytest.mark.skipif(shutil.which("s3cmd") is None, reason="s3cmd is not installed")


@pytest.fixture(scope="module")
def s3cmd(s3):
    return S3cmd(s3)


def s3url(key=""):
    return f"s3://{BUCKET}/{key}"


def ls_entries(stdout):
    """{s3 url: size} of `s3cmd ls` object lines; DIR lines as 'DIR'."""
    out = {}
    for line in stdout.splitlines():
        m = re.match(r"^\s+DIR\s+(s3://\S.*)$", line)
        if m:
            out[m.group(1)] = "DIR"
            continue
        m = re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d\s+(\d+)\s+(s3://.+)$", line)
        assert m, f"unexpected s3cmd ls line {line!r}"
        out[m.group(2)] = int(m.group(1))
    return out


def test_put_get_ls_info_del(s3cmd, tmp_path):
    prefix = unique("s3cmd/basic") + "/"
    data = random_bytes(123_456, 41)
    (tmp_path / "blob.bin").write_bytes(data)
    (tmp_path / "two.txt").write_bytes(b"two\n")
    put = s3cmd.ok("put", tmp_path / "blob.bin", tmp_path / "two.txt", s3url(prefix))
    assert put.stdout.count("upload: ") == 2, put.describe()
    # s3cmd compares the returned ETag with the MD5 it computed and warns on a mismatch.
    assert "MD5 Sums don't match" not in put.stdout + put.stderr, put.describe()

    s3cmd.ok("get", s3url(prefix + "blob.bin"), tmp_path / "blob.down")
    assert (tmp_path / "blob.down").read_bytes() == data

    listed = ls_entries(s3cmd.ok("ls", s3url(prefix)).stdout)
    assert listed == {s3url(prefix + "blob.bin"): len(data), s3url(prefix + "two.txt"): 4}
    buckets = s3cmd.ok("ls").stdout
    assert re.search(rf"\s{re.escape('s3://' + BUCKET)}$", buckets, re.M), buckets

    info = s3cmd.ok("info", s3url(prefix + "blob.bin"), timeout=90)
    assert re.search(rf"File size:\s+{len(data)}$", info.stdout, re.M), info.describe()
    assert re.search(rf"MD5 sum:\s+{md5_hex(data)}$", info.stdout, re.M), info.describe()

    dele = s3cmd.ok("del", s3url(prefix + "blob.bin"))
    assert f"delete: '{s3url(prefix + 'blob.bin')}'" in dele.stdout, dele.describe()
    listed = ls_entries(s3cmd.ok("ls", s3url(prefix)).stdout)
    assert listed == {s3url(prefix + "two.txt"): 4}
    missing = s3cmd.run("get", s3url(prefix + "blob.bin"), tmp_path / "missing.bin")
    assert missing.returncode != 0, missing.describe()


def test_multipart_put(s3cmd, s3, tmp_path):
    key = unique("s3cmd/big") + "/big.bin"
    data = random_bytes(11 * MiB, 42)
    (tmp_path / "big.bin").write_bytes(data)
    s3cmd.ok("put", "--multipart-chunk-size-mb=5", tmp_path / "big.bin", s3url(key))
    # Three parts of 5, 5 and 1 MiB (s3cmd checks a multipart ETag its own way).
    head = s3.client().head_object(Bucket=BUCKET, Key=key)
    assert head["ETag"] == multipart_etag([data[:5 * MiB], data[5 * MiB:10 * MiB],
                                           data[10 * MiB:]])
    s3cmd.ok("get", s3url(key), tmp_path / "big.down")
    assert (tmp_path / "big.down").read_bytes() == data


def test_sync_up_and_down(s3cmd, tmp_path):
    prefix = unique("s3cmd/sync") + "/"
    src = tmp_path / "src"
    files = {"a.txt": b"alpha", "dir/b.bin": random_bytes(5000, 43), "dir/sub/c d.txt": b"cd",
             "\u00e9t\u00e9.txt": b"summer"}
    for name, content in files.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_bytes(content)
    up = s3cmd.ok("sync", str(src) + "/", s3url(prefix))
    assert up.stdout.count("upload: ") == len(files), up.describe()
    again = s3cmd.ok("sync", str(src) + "/", s3url(prefix))
    assert "upload: " not in again.stdout, again.describe()
    dst = tmp_path / "dst"
    dst.mkdir()
    s3cmd.ok("sync", s3url(prefix), str(dst) + "/")
    assert tree_files(dst) == files


def test_make_and_remove_bucket(s3cmd):
    bucket = unique("s3cmd-bucket")
    s3cmd.ok("mb", f"s3://{bucket}")
    assert re.search(rf"\ss3://{bucket}$", s3cmd.ok("ls").stdout, re.M)
    s3cmd.ok("rb", f"s3://{bucket}")
    assert not re.search(rf"\ss3://{bucket}$", s3cmd.ok("ls").stdout, re.M)
