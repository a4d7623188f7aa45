"""The S3 endpoint driven by Debian's rclone 1.60 (UNSIGNED-PAYLOAD with
Content-MD5, `Expect: 100-Continue`, empty `delimiter=`, `?uploads=`, PUT
/bucket without a slash, HEAD after uploads), unmodified, with a config-file
remote `inv:` (type s3, provider Other, endpoint, force_path_style), run under
`env -u AWS_CA_BUNDLE` (see TOOLCHAIN.md)."""

import shutil

import pytest

from s3_support import BUCKET, Rclone, md5_hex, moto_differs, random_bytes, tree_files, unique

MiB = 1024 * 1024

pytestmark = pytest.mark.skipif(shutil.which("rclone") is None, reason="rclone is not installed")


@pytest.fixture(scope="module")
def rclone(s3):
    return Rclone(s3)


def remote(path=""):
    return f"inv:{BUCKET}/{path}"


def test_copy_ls_lsf_check_cat_delete(rclone, tmp_path):
    prefix = unique("rclone/basic")
    src = tmp_path / "src"
    files = {"a.txt": b"alpha\n", "dir/b.bin": random_bytes(70_000, 51),
             "dir/sub/c d.txt": b"with space", "\u00fc.txt": b"umlaut", "empty.txt": b""}
    for name, content in files.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_bytes(content)
    rclone.ok("copy", src, remote(prefix))

    lsf = rclone.ok("lsf", "-R", "--files-only", remote(prefix)).stdout.splitlines()
    assert sorted(lsf) == sorted(files)
    top = rclone.ok("lsf", remote(prefix)).stdout.splitlines()
    assert sorted(top) == sorted(["a.txt", "dir/", "\u00fc.txt", "empty.txt"])
    ls = {}
    for line in rclone.ok("ls", remote(prefix)).stdout.splitlines():
        size, name = line.strip().split(" ", 1)
        ls[name] = int(size)
    assert ls == {name: len(content) for name, content in files.items()}
    # rclone compares its MD5s with the ETags.
    rclone.ok("check", src, remote(prefix))
    assert rclone.ok("cat", remote(prefix + "/a.txt")).stdout == "alpha\n"
    md5s = dict(reversed(line.split("  ", 1)) for line in
                rclone.ok("md5sum", remote(prefix)).stdout.splitlines())
    assert md5s["dir/b.bin"] == md5_hex(files["dir/b.bin"])

    dst = tmp_path / "dst"
    rclone.ok("copy", remote(prefix), dst)
    assert tree_files(dst) == files

    rclone.ok("delete", remote(prefix), "--include", "*.txt")
    assert rclone.ok("lsf", "-R", "--files-only", remote(prefix)).stdout.splitlines() == \
        ["dir/b.bin"]
    rclone.ok("deletefile", remote(prefix + "/dir/b.bin"))
    assert rclone.ok("lsf", "-R", remote(prefix)).stdout == ""


@moto_differs("CompleteMultipartUpload returns a version id on an unversioned bucket, then "
              "rclone's HEAD ?versionId=null gets a 400")
def test_multipart_copyto_and_back(rclone, s3, tmp_path):
    key = unique("rclone/big") + "/big.bin"
    data = random_bytes(11 * MiB + 3, 52)
    (tmp_path / "big.bin").write_bytes(data)
    rclone.ok("copyto", "--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M",
              tmp_path / "big.bin", remote(key))
    head = s3.client().head_object(Bucket=BUCKET, Key=key)
    assert head["ContentLength"] == len(data)
    assert head["ETag"].endswith('-3"'), head["ETag"]
    rclone.ok("copyto", remote(key), tmp_path / "big.down")
    assert (tmp_path / "big.down").read_bytes() == data


def test_mkdir_and_rmdir_bucket(rclone):
    bucket = unique("rclone-bucket")
    rclone.ok("mkdir", f"inv:{bucket}")
    assert f"{bucket}/" in rclone.ok("lsf", "inv:").stdout.splitlines()
    rclone.ok("rmdir", f"inv:{bucket}")
    assert f"{bucket}/" not in rclone.ok("lsf", "inv:").stdout.splitlines()
