"""Presigned URLs (query-string SigV4, made with botocore's s3v4 signer)
fetched with curl: GET, PUT (curl sends `Expect: 100-continue` for a body over
1 MiB) and HEAD; an expired, a tampered and a wrong-method URL are refused."""

import shutil
import time
import urllib.parse

import pytest

from s3_support import BUCKET, invtrack_only, random_bytes, run_cmd, s3_error, unique

MiB = 1024 * 1024

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")


def curl(s3, *args, out=None):
    """(HTTP status, body) of a curl run; the body goes to `out`."""
    result = run_cmd(["curl", "--noproxy", "*", "-sS", "--max-time", "60", "-o", out,
                      "-w", "%{http_code}", *args], s3.client_env(), timeout=90)
    assert result.returncode == 0, result.describe()
    return int(result.stdout.strip()), out.read_bytes() if out.exists() else b""


def presign(s3, method, key, expires=300, **params):
    return s3.client().generate_presigned_url(
        method, Params={"Bucket": BUCKET, "Key": key, **params}, ExpiresIn=expires)


def test_presigned_get(s3, tmp_path):
    key = unique("curl/get") + "/r\u00e9sum\u00e9 file+1.bin"
    data = random_bytes(500_000, 61)
    s3.client().put_object(Bucket=BUCKET, Key=key, Body=data)
    url = presign(s3, "get_object", key)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"] and query["X-Amz-Expires"] == ["300"]
    status, body = curl(s3, url, out=tmp_path / "got")
    assert status == 200 and body == data
    status, body = curl(s3, "-r", "0-9", url, out=tmp_path / "part")
    assert status == 206 and body == data[:10]


def test_presigned_put_then_head(s3, tmp_path):
    key = unique("curl/put") + "/upload.bin"
    data = random_bytes(2 * MiB + 5, 62)
    (tmp_path / "upload.bin").write_bytes(data)
    status, body = curl(s3, "-T", tmp_path / "upload.bin", presign(s3, "put_object", key),
                        out=tmp_path / "put-response")
    assert status == 200, body
    assert s3.client().get_object(Bucket=BUCKET, Key=key)["Body"].read() == data
    result = run_cmd(["curl", "--noproxy", "*", "-sS", "--max-time", "60", "-I",
                      presign(s3, "head_object", key)], s3.client_env(), timeout=90)
    assert result.returncode == 0, result.describe()
    lines = result.stdout.splitlines()
    assert lines[0].split()[1] == "200", result.stdout
    assert any(line.lower().startswith("content-length:") and line.split(":")[1].strip() ==
               str(len(data)) for line in lines), result.stdout


@invtrack_only
def test_expired_tampered_and_wrong_method_urls_are_refused(s3, tmp_path):
    key = unique("curl/expired") + "/x.txt"
    s3.client().put_object(Bucket=BUCKET, Key=key, Body=b"not for you")
    expired = presign(s3, "get_object", key, expires=1)
    tampered = presign(s3, "get_object", key).replace("x.txt", "y.txt")
    put_url = presign(s3, "put_object", key)
    time.sleep(2.5)  # let the 1-second URL expire (no timing is asserted)
    for url, code in ((expired, "AccessDenied"), (tampered, "SignatureDoesNotMatch"),
                      (put_url, "SignatureDoesNotMatch")):
        status, body = curl(s3, url, out=tmp_path / "refused")
        assert status == 403, (url, body)
        err = s3_error(body)
        assert err.get("Code") == code and err.get("RequestId"), (url, body)
    # A refused presigned PUT stores nothing.
    (tmp_path / "evil").write_bytes(b"overwritten")
    status, _ = curl(s3, "-T", tmp_path / "evil", presign(s3, "put_object", key, expires=1)
                     .replace("X-Amz-Expires=1", "X-Amz-Expires=9"), out=tmp_path / "r2")
    assert status == 403
    assert s3.client().get_object(Bucket=BUCKET, Key=key)["Body"].read() == b"not for you"
