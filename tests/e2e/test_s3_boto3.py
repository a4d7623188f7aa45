"""The S3 endpoint driven by boto3: Debian's python3-boto3 (1.26, in this
process) and the pyenv Python's boto3 1.43 (a subprocess: CRC32 checksums,
Expect: 100-continue, and its aws-chunked trailer encoding), plus hand-built
requests (signed with the SigV4 code of s3_support, itself checked against
AWS's published example signatures) for what no SDK sends on purpose: wrong
secrets, skewed clocks, bad digests, malformed XML, unknown operations, huge
headers, a connection dropped mid-body.

S3_TEST_TARGET=moto runs everything not marked invtrack_only against moto."""

import datetime
import hashlib
import pathlib
import socket
import unicodedata
import urllib.parse

import pytest
from botocore.exceptions import ClientError

from s3_support import (BUCKET, EMPTY_SHA256, HOST_IP, ON_MOTO, Creds, assert_s3_error,
                        chunk_signature, client_error, crc32_b64, crc32c, crc32c_b64, get_url,
                        invtrack_only, md5_b64, md5_hex, moto_differs, multipart_etag,
                        object_path, parse_xml, presigned_url, random_bytes, run_pyenv_script,
                        send_bytes, send_raw, sha256_b64, sign_headers, signed_chunked_body,
                        sigv4_signature, unique, unsigned_trailer_body)

MiB = 1024 * 1024


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc)


def head_status(s3, key, bucket=BUCKET):
    return s3.raw("HEAD", object_path(bucket, key)).status


# ---- The signer the hand-built requests use --------------------------------------


def test_sigv4_helpers_match_aws_published_examples():
    """The example requests of the S3 SigV4 documentation (header auth,
    presigned URL, and the chunked upload with its chunk signatures)."""
    creds = Creds("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    ts = "20130524T000000Z"
    sig, signed, _ = sigv4_signature(
        creds, "GET", "/test.txt", [],
        {"Host": "examplebucket.s3.amazonaws.com", "Range": "bytes=0-9",
         "x-amz-content-sha256": EMPTY_SHA256, "x-amz-date": ts}, EMPTY_SHA256, ts)
    assert signed == "host;range;x-amz-content-sha256;x-amz-date"
    assert sig == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"

    query = [("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
             ("X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"),
             ("X-Amz-Date", ts), ("X-Amz-Expires", "86400"), ("X-Amz-SignedHeaders", "host")]
    sig, _, _ = sigv4_signature(creds, "GET", "/test.txt", query,
                                {"host": "examplebucket.s3.amazonaws.com"}, "UNSIGNED-PAYLOAD", ts)
    assert sig == "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"

    seed, _, _ = sigv4_signature(
        creds, "PUT", "/examplebucket/chunkObject.txt", [],
        {"Host": "s3.amazonaws.com", "x-amz-date": ts,
         "x-amz-storage-class": "REDUCED_REDUNDANCY",
         "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
         "Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": "66560",
         "Content-Length": "66824"}, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", ts)
    assert seed == "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
    first = chunk_signature(creds, ts, seed, b"a" * 65536)
    assert first == "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"
    second = chunk_signature(creds, ts, first, b"a" * 1024)
    assert second == "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"
    assert chunk_signature(creds, ts, second, b"") == \
        "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"
    body = signed_chunked_body(creds, ts, seed, b"a" * 66560, 65536)
    assert len(body) == 66824
    assert crc32c(b"123456789") == 0xE3069283


# ---- Debian boto3 1.26 (in process) ----------------------------------------------


def test_put_head_get_delete_roundtrip_with_metadata(s3):
    c = s3.client()
    key = unique("boto3/roundtrip") + ".bin"
    body = random_bytes(70_000, 1)
    put = c.put_object(Bucket=BUCKET, Key=key, Body=body, ContentType="application/x-e2e",
                       Metadata={"owner": "alice", "purpose": "e2e test"})
    assert put["ETag"] == f'"{md5_hex(body)}"'
    head = c.head_object(Bucket=BUCKET, Key=key)
    assert head["ContentLength"] == len(body)
    assert head["ETag"] == put["ETag"]
    assert head["ContentType"] == "application/x-e2e"
    assert head["Metadata"] == {"owner": "alice", "purpose": "e2e test"}
    assert isinstance(head["LastModified"], datetime.datetime)
    got = c.get_object(Bucket=BUCKET, Key=key)
    assert got["Body"].read() == body
    assert got["Metadata"] == {"owner": "alice", "purpose": "e2e test"}
    assert got["ContentLength"] == len(body)

    # An overwrite replaces body and metadata.
    c.put_object(Bucket=BUCKET, Key=key, Body=b"second")
    got = c.get_object(Bucket=BUCKET, Key=key)
    assert got["Body"].read() == b"second" and got["Metadata"] == {}

    assert c.delete_object(Bucket=BUCKET, Key=key)["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as e:
        c.get_object(Bucket=BUCKET, Key=key)
    assert client_error(e) == ("NoSuchKey", 404)
    assert head_status(s3, key) == 404
    # Deleting what is not there is not an error in S3.
    assert c.delete_object(Bucket=BUCKET, Key=key)["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_missing_key_and_bucket_errors_are_s3_xml(s3):
    resp = s3.raw("GET", object_path(BUCKET, unique("boto3/missing")))
    assert_s3_error(resp, 404, "NoSuchKey")
    resp = s3.raw("GET", object_path(unique("no-such-bucket")) + "/k")
    assert_s3_error(resp, 404, "NoSuchBucket")
    resp = s3.raw("GET", object_path(unique("no-such-bucket")), query=[("list-type", "2")])
    assert_s3_error(resp, 404, "NoSuchBucket")


def test_list_buckets_head_bucket_create_and_delete_bucket(s3):
    c = s3.client()
    names = [b["Name"] for b in c.list_buckets()["Buckets"]]
    assert BUCKET in names
    assert c.head_bucket(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"] == 200

    bucket = unique("boto3-bucket")
    c.create_bucket(Bucket=bucket)
    assert bucket in [b["Name"] for b in c.list_buckets()["Buckets"]]
    c.put_object(Bucket=bucket, Key="k.txt", Body=b"in another bucket")
    assert c.get_object(Bucket=bucket, Key="k.txt")["Body"].read() == b"in another bucket"
    with pytest.raises(ClientError) as e:
        c.delete_bucket(Bucket=bucket)
    assert client_error(e) == ("BucketNotEmpty", 409)
    c.delete_object(Bucket=bucket, Key="k.txt")
    c.delete_bucket(Bucket=bucket)
    assert bucket not in [b["Name"] for b in c.list_buckets()["Buckets"]]
    with pytest.raises(ClientError) as e:
        c.head_bucket(Bucket=bucket)
    assert client_error(e)[1] == 404


def _keys(page):
    return [o["Key"] for o in page.get("Contents", [])]


def test_list_objects_v2_and_v1_prefix_delimiter_and_pagination(s3):
    c = s3.client()
    base = unique("boto3/list") + "/"
    names = ["a/1", "a/2", "b/1", "c", "d", "e"]
    for n in names:
        c.put_object(Bucket=BUCKET, Key=base + n, Body=n.encode())
    everything = [base + n for n in names]

    page = c.list_objects_v2(Bucket=BUCKET, Prefix=base, Delimiter="/")
    assert [p["Prefix"] for p in page["CommonPrefixes"]] == [base + "a/", base + "b/"]
    assert _keys(page) == [base + "c", base + "d", base + "e"]
    assert page["KeyCount"] == 5 and page["IsTruncated"] is False
    sizes = {o["Key"]: o["Size"] for o in page["Contents"]}
    assert sizes == {base + "c": 1, base + "d": 1, base + "e": 1}
    assert all(o["ETag"] == f'"{md5_hex(o["Key"][len(base):].encode())}"'
               for o in page["Contents"])

    # max-keys + continuation tokens
    seen, token, pages = [], None, 0
    for _ in range(10):
        kwargs = {"ContinuationToken": token} if token else {}
        page = c.list_objects_v2(Bucket=BUCKET, Prefix=base, MaxKeys=2, **kwargs)
        pages += 1
        assert page["KeyCount"] == len(_keys(page)) == 2
        seen += _keys(page)
        if not page["IsTruncated"]:
            assert "NextContinuationToken" not in page
            break
        token = page["NextContinuationToken"]
    assert pages == 3 and seen == everything

    page = c.list_objects_v2(Bucket=BUCKET, Prefix=base, StartAfter=base + "b/1")
    assert _keys(page) == [base + "c", base + "d", base + "e"]
    page = c.list_objects_v2(Bucket=BUCKET, Prefix=base + "a/", Delimiter="/", MaxKeys=1)
    assert _keys(page) == [base + "a/1"] and page["IsTruncated"] is True

    # V1: marker paging, and NextMarker when a delimiter is used
    seen, marker = [], ""
    for _ in range(10):
        page = c.list_objects(Bucket=BUCKET, Prefix=base, MaxKeys=4, Marker=marker)
        seen += _keys(page)
        if not page["IsTruncated"]:
            break
        marker = seen[-1]
    assert seen == everything
    assert c.list_objects_v2(Bucket=BUCKET, Prefix=base + "zzz").get("KeyCount") == 0


@moto_differs("its V1 NextMarker is an opaque md5 token and MaxKeys counts only keys; S3's "
              "NextMarker is the last key or common prefix returned")
def test_list_objects_v1_delimiter_next_marker(s3):
    c = s3.client()
    base = unique("boto3/list1") + "/"
    for n in ["a/1", "a/2", "b/1", "c", "d", "e"]:
        c.put_object(Bucket=BUCKET, Key=base + n, Body=n.encode())
    page = c.list_objects(Bucket=BUCKET, Prefix=base, Delimiter="/", MaxKeys=2)
    assert [p["Prefix"] for p in page["CommonPrefixes"]] == [base + "a/", base + "b/"]
    assert page["IsTruncated"] is True and page["NextMarker"] == base + "b/"
    page = c.list_objects(Bucket=BUCKET, Prefix=base, Delimiter="/", Marker=page["NextMarker"])
    assert _keys(page) == [base + "c", base + "d", base + "e"] and "CommonPrefixes" not in page


def test_list_encoding_type_url_on_the_wire(s3):
    c = s3.client()
    base = unique("boto3/enc") + "/"
    key = base + "a b+c%d&é\t<x>"
    c.put_object(Bucket=BUCKET, Key=key, Body=b"x")
    for query in ([("list-type", "2"), ("prefix", base), ("encoding-type", "url")],
                  [("prefix", base), ("encoding-type", "url")]):
        resp = s3.raw("GET", object_path(BUCKET), query=query)
        assert resp.status == 200, resp.describe()
        root = parse_xml(resp.body)
        assert root.findtext("EncodingType") == "url", resp.describe()
        raw_keys = [el.findtext("Key") for el in root.findall("Contents")]
        assert len(raw_keys) == 1, resp.describe()
        assert urllib.parse.unquote_plus(raw_keys[0]) == key, resp.describe()
        assert " " not in raw_keys[0] and "é" not in raw_keys[0] and "<" not in raw_keys[0]
    # Without encoding-type the key is XML-escaped as is.
    resp = s3.raw("GET", object_path(BUCKET), query=[("list-type", "2"), ("prefix", base)])
    assert [el.findtext("Key") for el in parse_xml(resp.body).findall("Contents")] == [key]


def test_get_object_range_and_conditionals(s3):
    c = s3.client()
    key = unique("boto3/range") + ".bin"
    body = bytes(range(256)) * 4
    etag = c.put_object(Bucket=BUCKET, Key=key, Body=body)["ETag"]
    for rng, (start, end) in {"bytes=10-19": (10, 19), "bytes=1000-": (1000, 1023),
                              "bytes=-5": (1019, 1023), "bytes=1020-5000": (1020, 1023)}.items():
        got = c.get_object(Bucket=BUCKET, Key=key, Range=rng)
        assert got["ResponseMetadata"]["HTTPStatusCode"] == 206, rng
        assert got["Body"].read() == body[start:end + 1], rng
        assert got["ContentRange"] == f"bytes {start}-{end}/{len(body)}", rng
        assert got["ContentLength"] == end - start + 1, rng
    with pytest.raises(ClientError) as e:
        c.get_object(Bucket=BUCKET, Key=key, Range="bytes=5000-6000")
    assert client_error(e) == ("InvalidRange", 416)

    # If-None-Match: the current ETag -> 304, another one -> the object.
    resp = s3.raw("GET", object_path(BUCKET, key), headers={"If-None-Match": etag})
    assert resp.status == 304 and resp.body == b"", resp.describe()
    resp = s3.raw("GET", object_path(BUCKET, key), headers={"If-None-Match": '"0123"'})
    assert resp.status == 200 and resp.body == body, resp.describe()
    # If-Modified-Since: not modified since its own Last-Modified -> 304.
    last_modified = c.head_object(Bucket=BUCKET, Key=key)["ResponseMetadata"]["HTTPHeaders"][
        "last-modified"]
    resp = s3.raw("GET", object_path(BUCKET, key), headers={"If-Modified-Since": last_modified})
    assert resp.status == 304, resp.describe()
    resp = s3.raw("GET", object_path(BUCKET, key),
                  headers={"If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"})
    assert resp.status == 200 and resp.body == body, resp.describe()
    # boto3's own parameters end the same way.
    with pytest.raises(ClientError) as e:
        c.get_object(Bucket=BUCKET, Key=key, IfNoneMatch=etag)
    assert client_error(e)[1] == 304


def test_copy_object_and_delete_objects(s3):
    c = s3.client()
    base = unique("boto3/copy") + "/"
    c.put_object(Bucket=BUCKET, Key=base + "src", Body=b"copy me", Metadata={"k": "v"})
    out = c.copy_object(Bucket=BUCKET, Key=base + "dst",
                        CopySource={"Bucket": BUCKET, "Key": base + "src"})
    assert out["CopyObjectResult"]["ETag"] == f'"{md5_hex(b"copy me")}"'
    got = c.get_object(Bucket=BUCKET, Key=base + "dst")
    assert got["Body"].read() == b"copy me" and got["Metadata"] == {"k": "v"}
    out = c.copy_object(Bucket=BUCKET, Key=base + "dst2", MetadataDirective="REPLACE",
                        Metadata={"new": "1"}, CopySource=f"{BUCKET}/{base}src")
    assert c.head_object(Bucket=BUCKET, Key=base + "dst2")["Metadata"] == {"new": "1"}
    with pytest.raises(ClientError) as e:
        c.copy_object(Bucket=BUCKET, Key=base + "x",
                      CopySource={"Bucket": BUCKET, "Key": base + "missing"})
    assert client_error(e) == ("NoSuchKey", 404)

    res = c.delete_objects(Bucket=BUCKET, Delete={"Objects": [
        {"Key": base + "src"}, {"Key": base + "dst"}, {"Key": base + "dst2"},
        {"Key": base + "never-existed"}]})
    assert sorted(d["Key"] for d in res["Deleted"]) == sorted(
        [base + "src", base + "dst", base + "dst2", base + "never-existed"])
    assert not res.get("Errors")
    assert c.list_objects_v2(Bucket=BUCKET, Prefix=base)["KeyCount"] == 0


@moto_differs("its DeleteObjects lists deleted keys in Quiet mode too")
def test_delete_objects_quiet_mode(s3):
    c = s3.client()
    key = unique("boto3/quiet") + "/q"
    c.put_object(Bucket=BUCKET, Key=key, Body=b"q")
    res = c.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": key}], "Quiet": True})
    assert not res.get("Deleted") and not res.get("Errors")
    assert head_status(s3, key) == 404


def test_multipart_upload_list_parts_complete_and_etag(s3):
    c = s3.client()
    key = unique("boto3/mpu") + ".bin"
    parts = [random_bytes(5 * MiB, 2), random_bytes(1234, 3)]
    upload_id = c.create_multipart_upload(Bucket=BUCKET, Key=key, Metadata={"m": "1"})["UploadId"]
    listed = c.list_multipart_uploads(Bucket=BUCKET, Prefix=key)
    assert [(u["Key"], u["UploadId"]) for u in listed.get("Uploads", [])] == [(key, upload_id)]
    etags = []
    for number, data in enumerate(parts, 1):
        out = c.upload_part(Bucket=BUCKET, Key=key, UploadId=upload_id, PartNumber=number,
                            Body=data)
        assert out["ETag"] == f'"{md5_hex(data)}"'
        etags.append(out["ETag"])
    listed = c.list_parts(Bucket=BUCKET, Key=key, UploadId=upload_id)
    assert [(p["PartNumber"], p["ETag"], p["Size"]) for p in listed["Parts"]] == [
        (1, etags[0], len(parts[0])), (2, etags[1], len(parts[1]))]
    # Not visible before it is completed.
    assert head_status(s3, key) == 404
    done = c.complete_multipart_upload(
        Bucket=BUCKET, Key=key, UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": i + 1, "ETag": e} for i, e in enumerate(etags)]})
    assert done["ETag"] == multipart_etag(parts)
    assert done["Key"] == key
    head = c.head_object(Bucket=BUCKET, Key=key)
    assert head["ETag"] == multipart_etag(parts)
    assert head["ContentLength"] == sum(map(len, parts)) and head["Metadata"] == {"m": "1"}
    assert c.get_object(Bucket=BUCKET, Key=key)["Body"].read() == b"".join(parts)
    assert upload_id not in [u["UploadId"] for u in
                             c.list_multipart_uploads(Bucket=BUCKET).get("Uploads", [])]


def test_multipart_errors_and_abort(s3):
    c = s3.client()
    key = unique("boto3/mpu-bad") + ".bin"
    upload_id = c.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
    small = [c.upload_part(Bucket=BUCKET, Key=key, UploadId=upload_id, PartNumber=n,
                           Body=bytes([n]) * 1024)["ETag"] for n in (1, 2)]

    def complete(parts):
        with pytest.raises(ClientError) as e:
            c.complete_multipart_upload(Bucket=BUCKET, Key=key, UploadId=upload_id,
                                        MultipartUpload={"Parts": parts})
        return client_error(e)

    assert complete([{"PartNumber": 1, "ETag": small[0]}, {"PartNumber": 2, "ETag": small[1]}]) \
        == ("EntityTooSmall", 400)
    assert complete([{"PartNumber": 1, "ETag": '"00000000000000000000000000000000"'}]) \
        == ("InvalidPart", 400)
    assert complete([{"PartNumber": 3, "ETag": small[0]}]) == ("InvalidPart", 400)
    c.abort_multipart_upload(Bucket=BUCKET, Key=key, UploadId=upload_id)
    with pytest.raises(ClientError) as e:
        c.list_parts(Bucket=BUCKET, Key=key, UploadId=upload_id)
    assert client_error(e) == ("NoSuchUpload", 404)
    if not ON_MOTO:  # moto answers an UploadPart to an aborted upload with a 500
        with pytest.raises(ClientError) as e:
            c.upload_part(Bucket=BUCKET, Key=key, UploadId=upload_id, PartNumber=1, Body=b"x")
        assert client_error(e) == ("NoSuchUpload", 404)
    assert head_status(s3, key) == 404

    # Parts listed out of order (all big enough).
    upload_id = c.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
    big = [c.upload_part(Bucket=BUCKET, Key=key, UploadId=upload_id, PartNumber=n,
                         Body=bytes([n]) * (5 * MiB))["ETag"] for n in (1, 2)]
    if not ON_MOTO:  # moto does not implement InvalidPartOrder (it completes the upload)
        assert complete([{"PartNumber": 2, "ETag": big[1]}, {"PartNumber": 1, "ETag": big[0]}]) \
            == ("InvalidPartOrder", 400)
    c.abort_multipart_upload(Bucket=BUCKET, Key=key, UploadId=upload_id)

    # A single small part is allowed (the last part may be small).
    upload_id = c.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
    etag = c.upload_part(Bucket=BUCKET, Key=key, UploadId=upload_id, PartNumber=1,
                         Body=b"only part")["ETag"]
    done = c.complete_multipart_upload(Bucket=BUCKET, Key=key, UploadId=upload_id,
                                       MultipartUpload={"Parts": [{"PartNumber": 1,
                                                                   "ETag": etag}]})
    assert done["ETag"] == multipart_etag([b"only part"])
    assert c.get_object(Bucket=BUCKET, Key=key)["Body"].read() == b"only part"


def test_key_edge_cases_are_distinct_keys_not_paths(s3):
    c = s3.client()
    base = unique("boto3/keys") + "/"
    nfc = unicodedata.normalize("NFC", "caf\u00e9")
    nfd = unicodedata.normalize("NFD", "caf\u00e9")
    assert nfc != nfd
    keys = [base + "a/../b", base + "../../../../etc/passwd", base + "./c", base + "d//e",
            base + "Case", base + "case", base + "CASE", base + nfc, base + nfd,
            base + "ü ñ 日本語 🎉", base + "sp ace+plus%25pct?q=1#h&a;b", base + "tab\there",
            base + "trailing/", base + "x" * (1024 - len(base.encode()))]
    for i, key in enumerate(keys):
        c.put_object(Bucket=BUCKET, Key=key, Body=f"body {i}".encode())
    for i, key in enumerate(keys):
        assert c.get_object(Bucket=BUCKET, Key=key)["Body"].read() == f"body {i}".encode(), key
    listed = []
    for page in c.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=base):
        listed += _keys(page)
    assert sorted(listed) == sorted(keys)
    assert listed == sorted(keys, key=lambda k: k.encode())  # UTF-8 byte order

    # A leading '/' is part of the key: "/x" and "x" are different objects.
    lead = "/" + base + "leading"
    c.put_object(Bucket=BUCKET, Key=lead, Body=b"with slash")
    c.put_object(Bucket=BUCKET, Key=lead[1:], Body=b"without slash")
    assert c.get_object(Bucket=BUCKET, Key=lead)["Body"].read() == b"with slash"
    assert c.get_object(Bucket=BUCKET, Key=lead[1:])["Body"].read() == b"without slash"
    assert _keys(c.list_objects_v2(Bucket=BUCKET, Prefix=lead)) == [lead]



@moto_differs("it accepts keys over 1024 bytes")
def test_key_over_1024_bytes_is_key_too_long(s3):
    c = s3.client()
    base = unique("boto3/long") + "/"
    long_ok = base + "é" * ((1024 - len(base.encode())) // 2)
    assert len(long_ok.encode()) <= 1024
    c.put_object(Bucket=BUCKET, Key=long_ok, Body=b"ok")
    too_long = long_ok + "é"
    assert len(too_long.encode()) > 1024
    with pytest.raises(ClientError) as e:
        c.put_object(Bucket=BUCKET, Key=too_long, Body=b"no")
    assert client_error(e) == ("KeyTooLongError", 400)
    with pytest.raises(ClientError) as e:
        c.put_object(Bucket=BUCKET, Key=base + "x" * 1025, Body=b"no")
    assert client_error(e) == ("KeyTooLongError", 400)


@invtrack_only
def test_keys_are_never_paths_in_the_data_dir(s3):
    c = s3.client()
    marker = unique("escape")
    for key in [f"../../{marker}", f"/{marker}", f"../{marker}/x", f"..\\..\\{marker}"]:
        c.put_object(Bucket=BUCKET, Key=key, Body=b"x")
        assert c.get_object(Bucket=BUCKET, Key=key)["Body"].read() == b"x"
    root = s3.cli.data_dir.parent
    hits = [str(p) for p in root.parent.rglob(f"*{marker}*")]
    assert hits == [], f"an object key became a file path: {hits}"
    assert not (pathlib.Path("/") / marker).exists()


@moto_differs("it does not check Content-MD5")
def test_content_md5_checked(s3):
    c = s3.client()
    key = unique("boto3/md5") + ".txt"
    with pytest.raises(ClientError) as e:
        c.put_object(Bucket=BUCKET, Key=key, Body=b"the body", ContentMD5=md5_b64(b"other"))
    assert client_error(e) == ("BadDigest", 400)
    assert head_status(s3, key) == 404
    resp = s3.raw("PUT", object_path(BUCKET, key), body=b"the body",
                  headers={"Content-MD5": md5_b64(b"other")})
    assert_s3_error(resp, 400, "BadDigest")
    resp = s3.raw("PUT", object_path(BUCKET, key), body=b"the body",
                  headers={"Content-MD5": "not base64 at all!"})
    assert_s3_error(resp, 400, "InvalidDigest")
    assert head_status(s3, key) == 404
    c.put_object(Bucket=BUCKET, Key=key, Body=b"the body", ContentMD5=md5_b64(b"the body"))
    assert c.get_object(Bucket=BUCKET, Key=key)["Body"].read() == b"the body"


@invtrack_only
def test_x_amz_content_sha256_checked(s3):
    key = unique("boto3/sha") + ".txt"
    resp = s3.raw("PUT", object_path(BUCKET, key), body=b"the body",
                  payload_hash=hashlib.sha256(b"other").hexdigest())
    assert_s3_error(resp, 400, "XAmzContentSHA256Mismatch")
    assert head_status(s3, key) == 404
    resp = s3.raw("PUT", object_path(BUCKET, key), body=b"unsigned body",
                  payload_hash="UNSIGNED-PAYLOAD")
    assert resp.status == 200, resp.describe()
    assert s3.client().get_object(Bucket=BUCKET, Key=key)["Body"].read() == b"unsigned body"


def test_x_amz_checksum_headers(s3):
    base = unique("boto3/cksum") + "/"
    body = random_bytes(10_000, 4)
    for name, value in (("crc32", crc32_b64(body)), ("crc32c", crc32c_b64(body)),
                        ("sha256", sha256_b64(body))):
        resp = s3.raw("PUT", object_path(BUCKET, base + name), body=body,
                      headers={f"x-amz-checksum-{name}": value,
                               "x-amz-sdk-checksum-algorithm": name.upper()})
        assert resp.status == 200, resp.describe()
        assert s3.client().get_object(Bucket=BUCKET, Key=base + name)["Body"].read() == body


@invtrack_only
def test_x_amz_checksum_mismatch_is_bad_digest(s3):
    key = unique("boto3/cksum-bad") + ".bin"
    for name, value in (("crc32", crc32_b64(b"other")), ("crc32c", crc32c_b64(b"other")),
                        ("sha256", sha256_b64(b"other"))):
        resp = s3.raw("PUT", object_path(BUCKET, key), body=b"the body",
                      headers={f"x-amz-checksum-{name}": value})
        assert_s3_error(resp, 400, "BadDigest")
        assert head_status(s3, key) == 404


def test_aws_chunked_signed_streaming_put(s3):
    key = unique("boto3/chunked-signed") + ".bin"
    data = random_bytes(200_000, 5)
    when = now_utc()
    ts = when.strftime("%Y%m%dT%H%M%SZ")
    streaming = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    encoded_len = len(signed_chunked_body(s3.admin, ts, "0" * 64, data, 65536))
    headers = sign_headers(s3.admin, "PUT", s3.host, object_path(BUCKET, key), [],
                           {"Content-Encoding": "aws-chunked",
                            "x-amz-decoded-content-length": str(len(data)),
                            "Content-Length": str(encoded_len)}, streaming, amz_date=when)
    seed = headers["Authorization"].rsplit("Signature=", 1)[1]
    body = signed_chunked_body(s3.admin, ts, seed, data, 65536)
    resp = s3.raw("PUT", object_path(BUCKET, key), headers=headers, body=body, sign=False)
    assert resp.status == 200, resp.describe()
    assert resp.header("etag") == f'"{md5_hex(data)}"', resp.describe()
    got = s3.raw("GET", object_path(BUCKET, key))
    assert got.status == 200 and got.body == data
    assert "aws-chunked" not in (got.header("content-encoding") or "")


@invtrack_only
def test_aws_chunked_bad_chunk_signature_is_refused(s3):
    key = unique("boto3/chunked-badsig") + ".bin"
    data = random_bytes(100_000, 6)
    when = now_utc()
    ts = when.strftime("%Y%m%dT%H%M%SZ")
    encoded_len = len(signed_chunked_body(s3.admin, ts, "0" * 64, data, 65536))
    headers = sign_headers(s3.admin, "PUT", s3.host, object_path(BUCKET, key), [],
                           {"Content-Encoding": "aws-chunked",
                            "x-amz-decoded-content-length": str(len(data)),
                            "Content-Length": str(encoded_len)},
                           "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", amz_date=when)
    seed = headers["Authorization"].rsplit("Signature=", 1)[1]
    body = bytearray(signed_chunked_body(s3.admin, ts, seed, data, 65536))
    body[-200] ^= 0x01  # a byte of the second chunk's data
    resp = s3.raw("PUT", object_path(BUCKET, key), headers=headers, body=bytes(body), sign=False)
    assert_s3_error(resp, 403, "SignatureDoesNotMatch")
    assert head_status(s3, key) == 404


@pytest.mark.parametrize("algorithm", ["crc32", "crc32c", "sha256"])
def test_aws_chunked_unsigned_trailer_put(s3, algorithm):
    key = unique(f"boto3/chunked-trailer-{algorithm}") + ".bin"
    data = random_bytes(150_000, 7)
    value = {"crc32": crc32_b64, "crc32c": crc32c_b64, "sha256": sha256_b64}[algorithm](data)
    body = unsigned_trailer_body(data, 65536, f"x-amz-checksum-{algorithm}", value)
    resp = s3.raw("PUT", object_path(BUCKET, key), body=body,
                  payload_hash="STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                  headers={"Content-Encoding": "aws-chunked",
                           "x-amz-decoded-content-length": str(len(data)),
                           "x-amz-trailer": f"x-amz-checksum-{algorithm}",
                           "x-amz-sdk-checksum-algorithm": algorithm.upper()})
    assert resp.status == 200, resp.describe()
    got = s3.raw("GET", object_path(BUCKET, key))
    assert got.status == 200 and got.body == data


@invtrack_only
def test_aws_chunked_trailer_checksum_mismatch_is_bad_digest(s3):
    key = unique("boto3/chunked-trailer-bad") + ".bin"
    data = random_bytes(70_000, 8)
    body = unsigned_trailer_body(data, 65536, "x-amz-checksum-crc32", crc32_b64(b"other"))
    resp = s3.raw("PUT", object_path(BUCKET, key), body=body,
                  payload_hash="STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                  headers={"Content-Encoding": "aws-chunked",
                           "x-amz-decoded-content-length": str(len(data)),
                           "x-amz-trailer": "x-amz-checksum-crc32"})
    assert_s3_error(resp, 400, "BadDigest")
    assert head_status(s3, key) == 404


@moto_differs("it answers malformed XML with a 500 HTML page")
def test_malformed_xml_bodies(s3):
    body = b"<Delete><Object><Key>k</Key></Object"
    resp = s3.raw("POST", object_path(BUCKET), query=[("delete", "")], body=body,
                  headers={"Content-MD5": md5_b64(body)})
    assert_s3_error(resp, 400, "MalformedXML")
    c = s3.client()
    key = unique("boto3/mpu-xml") + ".bin"
    upload_id = c.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
    c.upload_part(Bucket=BUCKET, Key=key, UploadId=upload_id, PartNumber=1, Body=b"x")
    for bad in (b"this is not xml", b"<CompleteMultipartUpload><Part><PartNumber>1"):
        resp = s3.raw("POST", object_path(BUCKET, key), query=[("uploadId", upload_id)],
                      body=bad)
        assert_s3_error(resp, 400, "MalformedXML")
    c.abort_multipart_upload(Bucket=BUCKET, Key=key, UploadId=upload_id)
    assert head_status(s3, key) == 404


def test_expect_100_continue(s3):
    """A client that waits for 100 Continue gets it (and then its 200); a
    request refused from its headers alone gets the final answer at once."""
    key = unique("boto3/expect") + ".bin"
    body = random_bytes(300_000, 9)

    def send_headers(creds):
        headers = sign_headers(creds, "PUT", s3.host, object_path(BUCKET, key), [],
                               {"Content-Length": str(len(body)), "Expect": "100-continue"},
                               hashlib.sha256(body).hexdigest())
        sock = socket.create_connection((HOST_IP, s3.port), timeout=15)
        sock.sendall((f"PUT {object_path(BUCKET, key)} HTTP/1.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n").encode())
        return sock

    buffered = [b""]

    def read_head(sock, skip_interim=False):
        """The next response head (skipping 1xx ones if asked)."""
        while True:
            data = buffered[0]
            while b"\r\n\r\n" not in data:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
            head, _, rest = data.partition(b"\r\n\r\n")
            buffered[0] = rest
            if not (skip_interim and head.startswith(b"HTTP/1.1 1")):
                return head

    sock = send_headers(s3.admin)
    try:
        interim = read_head(sock)
        assert interim.startswith(b"HTTP/1.1 100"), interim
        sock.sendall(body)
        final = read_head(sock, skip_interim=True)
        assert final.startswith(b"HTTP/1.1 200"), final
    finally:
        sock.close()
    assert s3.raw("GET", object_path(BUCKET, key)).body == body

    if not ON_MOTO:
        bad = Creds(s3.admin.access_key_id, "0" * 40)
        sock = send_headers(bad)
        buffered[0] = b""
        try:
            answer = read_head(sock)  # without sending any body
            assert answer.startswith(b"HTTP/1.1 403"), answer
        finally:
            sock.close()


def test_aborted_upload_leaves_no_object(s3):
    store = unique("Abort")
    key = f"stores/{store}/aborted.csv"
    declared = 1_000_000
    headers = sign_headers(s3.admin, "PUT", s3.host, object_path(BUCKET, key), [],
                           {"Content-Length": str(declared)}, "UNSIGNED-PAYLOAD")
    sock = socket.create_connection((HOST_IP, s3.port), timeout=15)
    try:
        sock.sendall((f"PUT {object_path(BUCKET, key)} HTTP/1.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n").encode())
        sock.sendall(b"store,item,count\n" + f"{store},Kettle,1\n".encode() * 2000)
    finally:
        sock.close()
    # A later upload, fully processed, orders the check after the server has
    # seen the connection drop.
    sentinel_store = unique("Sentinel")
    sentinel = f"stores/{sentinel_store}/sentinel.csv"
    s3.client().put_object(Bucket=BUCKET, Key=sentinel,
                           Body=f"store,item,count\n{sentinel_store},Pan,4\n".encode())
    if s3.is_invtrack:
        s3.wait_for_stock(sentinel_store, {"Pan": 4})
    assert head_status(s3, key) == 404
    listed = s3.client().list_objects_v2(Bucket=BUCKET, Prefix=f"stores/{store}/")
    assert listed["KeyCount"] == 0
    if s3.is_invtrack:
        assert s3.load_events(key) == []
        assert s3.stock(store) == {}


# ---- Authentication and authorization (invtrack only: moto accepts anything) -----


@invtrack_only
def test_wrong_secret_and_unknown_key(s3):
    key = unique("boto3/auth") + ".txt"
    s3.client().put_object(Bucket=BUCKET, Key=key, Body=b"secret stuff")
    wrong = Creds(s3.admin.access_key_id, s3.admin.secret_access_key[::-1])
    unknown = Creds("ITUNKNOWNKEY00000000", s3.admin.secret_access_key)
    for creds, code in ((wrong, "SignatureDoesNotMatch"), (unknown, "InvalidAccessKeyId")):
        with pytest.raises(ClientError) as e:
            s3.client(creds).get_object(Bucket=BUCKET, Key=key)
        assert client_error(e) == (code, 403)
        with pytest.raises(ClientError) as e:
            s3.client(creds).put_object(Bucket=BUCKET, Key=key + ".new", Body=b"x")
        assert client_error(e) == (code, 403)
        assert_s3_error(s3.raw("GET", object_path(BUCKET, key), creds=creds), 403, code)
        assert_s3_error(s3.raw("GET", object_path(BUCKET), query=[("list-type", "2")],
                               creds=creds), 403, code)
    assert head_status(s3, key + ".new") == 404
    # No credentials at all.
    resp = s3.raw("GET", object_path(BUCKET, key), sign=False)
    assert_s3_error(resp, 403, "AccessDenied")
    # A request changed after it was signed (its X-Amz-Date).
    headers = sign_headers(s3.admin, "GET", s3.host, object_path(BUCKET, key), [], {},
                           EMPTY_SHA256)
    headers["X-Amz-Date"] = (now_utc() - datetime.timedelta(seconds=5)).strftime(
        "%Y%m%dT%H%M%SZ")
    assert_s3_error(send_raw(s3.port, "GET", object_path(BUCKET, key), headers, b""), 403,
                    "SignatureDoesNotMatch")


@invtrack_only
def test_clock_skew(s3):
    key = unique("boto3/skew") + ".txt"
    s3.client().put_object(Bucket=BUCKET, Key=key, Body=b"timely")
    for minutes in (-20, 20, -60 * 24):
        resp = s3.raw("GET", object_path(BUCKET, key),
                      amz_date=now_utc() + datetime.timedelta(minutes=minutes))
        assert_s3_error(resp, 403, "RequestTimeTooSkewed")
    for minutes in (-5, 5):
        resp = s3.raw("GET", object_path(BUCKET, key),
                      amz_date=now_utc() + datetime.timedelta(minutes=minutes))
        assert resp.status == 200 and resp.body == b"timely", resp.describe()
    resp = s3.raw("PUT", object_path(BUCKET, key + ".late"), body=b"late",
                  amz_date=now_utc() - datetime.timedelta(minutes=16))
    assert_s3_error(resp, 403, "RequestTimeTooSkewed")
    assert head_status(s3, key + ".late") == 404


@invtrack_only
def test_presigned_urls_signed_at_a_chosen_time(s3):
    key = unique("boto3/presign") + ".txt"
    s3.client().put_object(Bucket=BUCKET, Key=key, Body=b"presigned body")
    fresh = presigned_url(s3, s3.admin, "GET", key, 300, now_utc())
    resp = get_url(fresh)
    assert resp.status == 200 and resp.body == b"presigned body", resp.describe()
    # Signed 10 minutes ago for 60 s: expired (inside the 15 min skew window).
    old = presigned_url(s3, s3.admin, "GET", key, 60, now_utc() - datetime.timedelta(minutes=10))
    assert_s3_error(get_url(old), 403, "AccessDenied")
    # Tampered: another key with the same signature.
    tampered = fresh.replace(urllib.parse.quote(key, safe="/-_.~"),
                             urllib.parse.quote(key + "x", safe="/-_.~"))
    assert_s3_error(get_url(tampered), 403, "SignatureDoesNotMatch")
    wrong = presigned_url(s3, Creds(s3.admin.access_key_id, "f" * 40), "GET", key, 300, now_utc())
    assert_s3_error(get_url(wrong), 403, "SignatureDoesNotMatch")
    # boto3's own presigned URL works too.
    url = s3.client().generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": key},
                                             ExpiresIn=120)
    resp = get_url(url)
    assert resp.status == 200 and resp.body == b"presigned body", resp.describe()


@invtrack_only
def test_store_key_is_confined_to_its_prefix(s3):
    store = unique("Oslo")
    other = unique("Bergen")
    creds = s3.create_key(store)
    mine = s3.client(creds)
    admin = s3.client()
    own_key = f"stores/{store}/notes.txt"
    mine.put_object(Bucket=BUCKET, Key=own_key, Body=b"mine")
    assert mine.get_object(Bucket=BUCKET, Key=own_key)["Body"].read() == b"mine"
    assert _keys(mine.list_objects_v2(Bucket=BUCKET, Prefix=f"stores/{store}/")) == [own_key]
    admin.put_object(Bucket=BUCKET, Key=f"stores/{other}/theirs.txt", Body=b"theirs")

    denied = [f"stores/{other}/x.txt", "top-level.txt", f"stores/{store}x/y.txt",
              f"stores/{store.lower()}/y.txt", f"stores/{store}", f"Stores/{store}/y.txt",
              f"/stores/{store}/y.txt", f"stores//{store}/y.txt"]
    for key in denied:
        with pytest.raises(ClientError) as e:
            mine.put_object(Bucket=BUCKET, Key=key, Body=b"no")
        assert client_error(e) == ("AccessDenied", 403), key
        assert head_status(s3, key) == 404, key
    for call in (lambda: mine.get_object(Bucket=BUCKET, Key=f"stores/{other}/theirs.txt"),
                 lambda: mine.delete_object(Bucket=BUCKET, Key=f"stores/{other}/theirs.txt"),
                 lambda: mine.copy_object(Bucket=BUCKET, Key=f"stores/{store}/stolen.txt",
                                          CopySource=f"{BUCKET}/stores/{other}/theirs.txt"),
                 lambda: mine.create_bucket(Bucket=unique("store-bucket"))):
        with pytest.raises(ClientError) as e:
            call()
        assert client_error(e) == ("AccessDenied", 403)
    assert admin.get_object(Bucket=BUCKET, Key=f"stores/{other}/theirs.txt")["Body"].read() \
        == b"theirs"
    assert head_status(s3, f"stores/{store}/stolen.txt") == 404
    resp = s3.raw("GET", object_path(BUCKET, f"stores/{other}/theirs.txt"), creds=creds)
    assert_s3_error(resp, 403, "AccessDenied")
    # DeleteObjects reports the foreign key as an error and deletes only its own.
    res = mine.delete_objects(Bucket=BUCKET, Delete={"Objects": [
        {"Key": own_key}, {"Key": f"stores/{other}/theirs.txt"}]})
    assert [d["Key"] for d in res.get("Deleted", [])] == [own_key]
    assert [(x["Key"], x["Code"]) for x in res.get("Errors", [])] == [
        (f"stores/{other}/theirs.txt", "AccessDenied")]
    assert head_status(s3, f"stores/{other}/theirs.txt") == 200


@invtrack_only
def test_revoked_key_is_refused_on_the_next_request(s3):
    store = unique("Rome")
    creds = s3.create_key(store)
    mine = s3.client(creds)
    key = f"stores/{store}/a.txt"
    mine.put_object(Bucket=BUCKET, Key=key, Body=b"before")
    listed = {k["access_key_id"]: k for k in s3.list_keys()}
    assert listed[creds.access_key_id]["store"] == store
    assert listed[creds.access_key_id]["admin"] is False
    assert listed[s3.admin.access_key_id]["store"] is None
    assert listed[s3.admin.access_key_id]["admin"] is True
    assert all("secret_access_key" not in k and creds.secret_access_key not in str(k)
               for k in listed.values())
    s3.revoke_key(creds.access_key_id)
    with pytest.raises(ClientError) as e:
        mine.put_object(Bucket=BUCKET, Key=key, Body=b"after")
    assert client_error(e) == ("InvalidAccessKeyId", 403)
    assert s3.client().get_object(Bucket=BUCKET, Key=key)["Body"].read() == b"before"
    assert s3.cli.run("keys", "revoke", "ITNOSUCHKEY0000000000", timeout=60).returncode != 0


@invtrack_only
@pytest.mark.parametrize("method,path_suffix,query", [
    ("GET", "", "acl"), ("GET", "", "policy"), ("PUT", "", "versioning"),
    ("GET", "", "lifecycle"), ("GET", "/k.txt", "tagging"), ("PUT", "/k.txt", "acl"),
    ("POST", "/k.txt", "restore"), ("GET", "/k.txt", "torrent")])
def test_unknown_operations_are_501_not_implemented(s3, method, path_suffix, query):
    resp = s3.raw(method, object_path(BUCKET) + path_suffix, query=[(query, "")],
                  body=b"<x/>" if method != "GET" else b"")
    assert_s3_error(resp, 501, "NotImplemented")
    assert s3.raw("GET", object_path(BUCKET), query=[("list-type", "2"),
                                                    ("max-keys", "1")]).status == 200


@invtrack_only
@pytest.mark.parametrize("query", ["versioning", "policy", "tagging", "acl", "cors"])
def test_put_bucket_subresource_does_not_create_a_bucket(s3, query):
    bucket = unique("sub-" + query)
    resp = s3.raw("PUT", object_path(bucket), query=[(query, "")], body=b"<x/>")
    assert_s3_error(resp, 501, "NotImplemented")
    assert bucket not in [b["Name"] for b in s3.client().list_buckets()["Buckets"]]


@invtrack_only
@pytest.mark.parametrize("shape", ["one-100KiB-header", "2000-headers"])
def test_huge_header_is_refused_and_server_keeps_serving(s3, shape):
    if shape == "one-100KiB-header":
        extra = {"X-Padding": "a" * 100_000}
    else:
        extra = {f"X-Many-{i}": "v" * 100 for i in range(2000)}
    path = object_path(BUCKET) + "?list-type=2"
    headers = sign_headers(s3.admin, "GET", s3.host, object_path(BUCKET), [("list-type", "2")],
                           extra, EMPTY_SHA256)
    request = (f"GET {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
               + "\r\n").encode()
    answer, problem = send_bytes(s3.port, request, timeout=20)
    status_line = answer.split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 4"), (
        f"no 4xx answer to a {len(request)}-byte request head ({shape}): {status_line!r} {problem}")
    resp = s3.raw("GET", object_path(BUCKET), query=[("list-type", "2"), ("max-keys", "1")])
    assert resp.status == 200, resp.describe()


# ---- pyenv boto3 1.43 (a subprocess) ------------------------------------------------

PYENV_SCRIPT = r'''
import hashlib, json, os, sys, tempfile
import boto3, botocore
from botocore.config import Config
from boto3.s3.transfer import TransferConfig

url, bucket, prefix = os.environ["S3_URL"], sys.argv[1], sys.argv[2]
sent = []

def record(request, event_name, **kwargs):
    body = request.body if isinstance(request.body, bytes) else b""
    sent.append({"op": event_name.split(".")[-1],
                 "headers": {k.lower(): (v.decode() if isinstance(v, bytes) else v)
                             for k, v in request.headers.items()},
                 "body": body.decode("utf-8", "replace") if len(body) < 4096 else ""})

def client(**extra):
    cfg = Config(region_name="us-east-1", signature_version="s3v4",
                 s3={"addressing_style": "path"}, retries={"max_attempts": 1, "mode": "standard"},
                 **extra)
    c = boto3.client("s3", endpoint_url=url, config=cfg)
    c.meta.events.register("before-send.s3.*", record)
    return c

def force_trailer(params, **kwargs):
    # What this SDK does over HTTPS: the checksum goes in an aws-chunked trailer.
    algorithm = params["context"].get("checksum", {}).get("request_algorithm")
    if isinstance(algorithm, dict):
        algorithm["in"] = "trailer"

out = {"boto3": boto3.__version__, "botocore": botocore.__version__}
c = client()
small = os.urandom(20000)
c.put_object(Bucket=bucket, Key=prefix + "small.bin", Body=small)
got = c.get_object(Bucket=bucket, Key=prefix + "small.bin", ChecksumMode="ENABLED")
out["small_ok"] = got["Body"].read() == small
c.put_object(Bucket=bucket, Key=prefix + "sha256.bin", Body=small, ChecksumAlgorithm="SHA256")
out["sha256_ok"] = c.get_object(Bucket=bucket, Key=prefix + "sha256.bin")["Body"].read() == small

big = os.urandom(6 * 1024 * 1024 + 5)
tmp = tempfile.mkdtemp()
src, dst = os.path.join(tmp, "big.bin"), os.path.join(tmp, "big.down")
open(src, "wb").write(big)
tc = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024,
                    max_concurrency=2)
c.upload_file(src, bucket, prefix + "big.bin", Config=tc)
c.download_file(bucket, prefix + "big.bin", dst, Config=tc)
out["big_ok"] = open(dst, "rb").read() == big
head = c.head_object(Bucket=bucket, Key=prefix + "big.bin")
out["big_etag"] = head["ETag"]
out["big_length"] = head["ContentLength"]
parts = [big[:5 * 1024 * 1024], big[5 * 1024 * 1024:]]
out["big_expected_etag"] = '"%s-2"' % hashlib.md5(
    b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()

t = client()
t.meta.events.register("before-call.s3.PutObject", force_trailer)
chunked = os.urandom(300000)
t.put_object(Bucket=bucket, Key=prefix + "trailer-crc32.bin", Body=chunked)
t.put_object(Bucket=bucket, Key=prefix + "trailer-sha256.bin", Body=chunked,
             ChecksumAlgorithm="SHA256")
out["trailer_ok"] = [c.get_object(Bucket=bucket, Key=prefix + k)["Body"].read() == chunked
                     for k in ("trailer-crc32.bin", "trailer-sha256.bin")]

w = client(request_checksum_calculation="when_required")
w.put_object(Bucket=bucket, Key=prefix + "when-required.bin", Body=small)
out["when_required_ok"] = c.get_object(Bucket=bucket,
                                       Key=prefix + "when-required.bin")["Body"].read() == small

c.copy_object(Bucket=bucket, Key=prefix + "copy.bin",
              CopySource={"Bucket": bucket, "Key": prefix + "small.bin"})
out["copy_ok"] = c.get_object(Bucket=bucket, Key=prefix + "copy.bin")["Body"].read() == small
listed = c.list_objects_v2(Bucket=bucket, Prefix=prefix)
out["listed"] = sorted(o["Key"][len(prefix):] for o in listed.get("Contents", []))
res = c.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": prefix + k} for k in
                                                          ("small.bin", "copy.bin")]})
out["deleted"] = sorted(d["Key"][len(prefix):] for d in res.get("Deleted", []))
out["after_delete"] = sorted(o["Key"][len(prefix):] for o in c.list_objects_v2(
    Bucket=bucket, Prefix=prefix).get("Contents", []))
out["sent"] = sent
print(json.dumps(out))
'''


def test_pyenv_boto3_143_crc32_multipart_and_aws_chunked(s3):
    prefix = unique("boto3-143") + "/"
    out = run_pyenv_script(s3, PYENV_SCRIPT, args=[BUCKET, prefix])
    assert out["botocore"].startswith("1."), out["botocore"]
    assert out["small_ok"] and out["sha256_ok"] and out["big_ok"], out
    assert out["big_length"] == 6 * MiB + 5
    assert out["big_etag"] == out["big_expected_etag"]
    assert out["trailer_ok"] == [True, True], out
    assert out["when_required_ok"] and out["copy_ok"], out
    assert out["listed"] == ["big.bin", "copy.bin", "sha256.bin", "small.bin",
                             "trailer-crc32.bin", "trailer-sha256.bin", "when-required.bin"]
    assert out["deleted"] == ["copy.bin", "small.bin"]
    assert out["after_delete"] == ["big.bin", "sha256.bin", "trailer-crc32.bin",
                                   "trailer-sha256.bin", "when-required.bin"]

    # Prove the requests were the kinds this test is about.
    sent = out["sent"]
    puts = [r["headers"] for r in sent if r["op"] == "PutObject"]
    assert any("x-amz-checksum-crc32" in h and h.get("expect", "").lower() == "100-continue"
               and "content-md5" not in h for h in puts), puts
    assert any("x-amz-checksum-sha256" in h for h in puts), puts
    trailers = [h for h in puts if h.get("x-amz-content-sha256") ==
                "STREAMING-UNSIGNED-PAYLOAD-TRAILER"]
    assert len(trailers) == 2 and all(h.get("content-encoding") == "aws-chunked"
                                      for h in trailers), puts
    assert {h.get("x-amz-trailer") for h in trailers} == {"x-amz-checksum-crc32",
                                                          "x-amz-checksum-sha256"}
    assert any(not any(k.startswith("x-amz-checksum") for k in h) for h in puts), puts
    parts = [r["headers"] for r in sent if r["op"] == "UploadPart"]
    assert len(parts) == 2 and all("x-amz-checksum-crc32" in h for h in parts), parts
    completes = [r for r in sent if r["op"] == "CompleteMultipartUpload"]
    assert completes and "<ChecksumCRC32>" in completes[0]["body"], completes
    deletes = [r["headers"] for r in sent if r["op"] == "DeleteObjects"]
    assert deletes and "x-amz-checksum-crc32" in deletes[0] and "content-md5" not in deletes[0]
