"""End-to-end tests of `invtrack upload`: files go through the S3 endpoint of
a running `invtrack serve` (signed PutObject, as any S3 client), and each
load result is printed exactly as `invtrack load` prints it. Also the clear
errors: endpoint down, access denied, bad credentials, missing file."""

import re
import signal
import socket
import subprocess

import pytest

START_TIMEOUT_S = 60
UPLOAD_TIMEOUT_S = 120


@pytest.fixture
def serve(cli):
    """`invtrack serve --no-demo` with its S3 endpoint on a free port; yields
    the endpoint URL parsed from serve's own output."""
    # AWS_* keys of the caller's environment must not decide which key is
    # used: without them upload takes the data directory's local key.
    cli.env_extra.update({"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "",
                          "AWS_SESSION_TOKEN": ""})
    proc = cli.start("serve", "--no-demo", "--s3-listen", "127.0.0.1:0")
    proc.wait_for_stdout("S3 endpoint:", timeout=START_TIMEOUT_S)
    line = next(l for l in proc.stdout_lines if "S3 endpoint:" in l)
    endpoint = re.search(r"S3 endpoint: (http://127\.0\.0\.1:\d+)", line).group(1)
    yield endpoint
    # Stopping is test_serve.py's subject; here it only must not outlive the test.
    proc.signal(signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()


def upload(cli, endpoint, *args, env=None):
    return cli.run("upload", "--endpoint", endpoint, *args, env=env, timeout=UPLOAD_TIMEOUT_S)


def admin_env(cli):
    out = cli.ok("keys", "create", "--admin", "--format", "env").stdout
    return dict(re.findall(r"^export (AWS_\w+)=(\S+)$", out, re.M))


def store_env(cli, store):
    out = cli.ok("keys", "create", "--store", store, "--format", "env").stdout
    return dict(re.findall(r"^export (AWS_\w+)=(\S+)$", out, re.M))


def test_upload_loads_and_prints_like_load(cli, serve):
    path = cli.write("lisbon.csv", "store,item,count\nLisbon,Kettle,0\nLisbon,Toaster,9\n")
    result = upload(cli, serve, path)
    assert result.returncode == 0, result.describe()
    assert result.stdout == f"{path}: applied 2 rows, 2 changed (stores/Lisbon/lisbon.csv)\n"
    assert cli.stock_csv() == "store,item,count\nLisbon,Kettle,0\nLisbon,Toaster,9\n"
    assert [(a["kind"], a["item"]) for a in cli.alerts()] == [("OUT", "Kettle")]
    # Not a terminal and no --progress: no progress bar.
    assert "MB/s" not in result.stderr, result.describe()


def test_json_output_matches_load(cli, serve, make_cli):
    content = "store,item,count\nOslo,Pan,3\nOslo,Pot,12\n"
    path = cli.write("oslo.csv", content)
    uploaded = upload(cli, serve, path, "--format", "json")
    assert uploaded.returncode == 0, uploaded.describe()
    [line] = uploaded.json_lines()

    other = make_cli("load")
    loaded = other.load(other.write("oslo.csv", content), "--format", "json")
    assert loaded.returncode == 0, loaded.describe()
    [reference] = loaded.json_lines()
    assert set(line) == set(reference)
    for field in ("key", "outcome", "rows", "changes", "problems"):
        assert line[field] == reference[field], (line, reference)
    assert line["key"] == "stores/Oslo/oslo.csv"
    assert re.fullmatch(r"[0-9a-f]{32}", line["etag"]), line


def test_rejected_file_exits_1_with_the_report(cli, serve):
    good = cli.write("good.csv", "store,item,count\nRome,Lamp,4\n")
    bad = cli.write("bad.csv", "store,item,count\nRome,Lamp,many\nRome,Desk,-1\n")
    result = upload(cli, serve, good, bad)
    assert result.returncode == 1, result.describe()
    lines = result.stdout.splitlines()
    assert lines[0] == f"{good}: applied 1 rows, 1 changed (stores/Rome/good.csv)"
    assert lines[1] == f"{bad}: rejected, nothing applied (stores/Rome/bad.csv)"
    assert "  line 2: count 'many' is not a whole number >= 0" in lines
    assert cli.stock_csv() == "store,item,count\nRome,Lamp,4\n"


def test_store_and_key_options(cli, serve):
    path = cli.write("export.csv", "item,count\nChair,2\n")
    result = upload(cli, serve, path, "--store", "Vienna", "--format", "json")
    assert result.returncode == 0, result.describe()
    assert result.json_lines()[0]["key"] == "stores/Vienna/export.csv"

    path = cli.write("other.csv", "store,item,count\nVienna,Table,1\n")
    result = upload(cli, serve, path, "--key", "stores/Vienna/renamed.csv", "--format", "json")
    assert result.returncode == 0, result.describe()
    assert result.json_lines()[0]["key"] == "stores/Vienna/renamed.csv"
    assert cli.stock_csv() == "store,item,count\nVienna,Chair,2\nVienna,Table,1\n"

    two = upload(cli, serve, path, path, "--key", "k.csv")
    assert two.returncode == 2, two.describe()
    assert "--key names one object" in two.stderr


def test_non_csv_key_is_stored_without_a_load(cli, serve):
    path = cli.write("notes.txt", "not inventory\n")
    result = upload(cli, serve, path, "--key", "misc/notes.txt")
    assert result.returncode == 0, result.describe()
    assert "stored without a load" in result.stdout, result.describe()
    assert "(misc/notes.txt)" in result.stdout


def test_missing_file_is_reported_and_the_others_still_go(cli, serve):
    path = cli.write("ok.csv", "store,item,count\nParis,Bread,7\n")
    result = upload(cli, serve, "missing.csv", path)
    assert result.returncode == 1, result.describe()
    assert "invtrack: missing.csv: no such file" in result.stderr
    assert f"{path}: applied 1 rows" in result.stdout
    assert cli.stock_csv() == "store,item,count\nParis,Bread,7\n"


def test_endpoint_down_says_so(cli):
    cli.env_extra.update({"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""})
    cli.ok("keys", "create", "--admin")  # creates the data directory
    path = cli.write("x.csv", "store,item,count\nOslo,Pan,3\n")
    # A port nothing listens on: bind, note it, close.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}"
    result = upload(cli, endpoint, path)
    assert result.returncode == 1, result.describe()
    assert (f"cannot reach the S3 endpoint at {endpoint}: is `invtrack serve` running?"
            in result.stderr), result.describe()
    assert result.seconds < 30


def test_default_endpoint_comes_from_the_config(cli, serve):
    port = serve.rsplit(":", 1)[1]
    path = cli.write("cfg.csv", "store,item,count\nBonn,Mug,5\n")
    result = cli.run("upload", path, env={"INVTRACK_S3_LISTEN": f"127.0.0.1:{port}"},
                     timeout=UPLOAD_TIMEOUT_S)
    assert result.returncode == 0, result.describe()
    assert "applied 1 rows" in result.stdout


def test_store_key_may_upload_only_its_own_store(cli, serve):
    env = store_env(cli, "Madrid")
    own = cli.write("madrid.csv", "store,item,count\nMadrid,Fan,2\n")
    result = upload(cli, serve, own, env=env)
    assert result.returncode == 0, result.describe()
    assert "applied 1 rows" in result.stdout

    foreign = cli.write("berlin.csv", "store,item,count\nBerlin,Fan,2\n")
    result = upload(cli, serve, foreign, env=env)
    assert result.returncode == 1, result.describe()
    assert "access denied by the S3 endpoint" in result.stderr, result.describe()
    assert "AccessDenied" in result.stderr
    assert cli.stock_csv() == "store,item,count\nMadrid,Fan,2\n"


def test_bad_credentials_are_named(cli, serve):
    env = admin_env(cli)
    env["AWS_SECRET_ACCESS_KEY"] = "not-the-secret-0000000000000000000000000"
    path = cli.write("x.csv", "store,item,count\nOslo,Pan,3\n")
    result = upload(cli, serve, path, env=env)
    assert result.returncode == 1, result.describe()
    assert "SignatureDoesNotMatch" in result.stderr, result.describe()
    assert "AWS_SECRET_ACCESS_KEY" in result.stderr

    only_id = {"AWS_ACCESS_KEY_ID": env["AWS_ACCESS_KEY_ID"]}
    result = upload(cli, serve, path, env=only_id)
    assert result.returncode == 2, result.describe()
    assert "AWS_SECRET_ACCESS_KEY is not" in result.stderr


def test_progress_bar_for_a_larger_file(cli, serve):
    rows = "".join(f"Store{s:03d},Item-{i:05d},{(s + i) % 50}\n"
                   for s in range(20) for i in range(5000))
    path = cli.write("big.csv", "store,item,count\n" + rows)
    result = upload(cli, serve, path, "--progress", "--store", "Store000", "--key",
                    "big.csv", "--format", "json")
    # The rows name twenty stores: a file under a plain key may hold many.
    assert result.returncode == 0, result.describe()
    [line] = result.json_lines()
    assert line["outcome"] == "applied" and line["rows"] == 100000, line
    assert "100%" in result.stderr and "MB/s" in result.stderr, result.describe()

    quiet = upload(cli, serve, path, "--no-progress", "--key", "big.csv")
    assert quiet.returncode == 0, quiet.describe()
    assert "MB/s" not in quiet.stderr
    assert "big.csv: applied 100000 rows, 0 changed (big.csv)" in quiet.stdout
