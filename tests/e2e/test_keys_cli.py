"""End-to-end tests of `invtrack keys` and the S3 endpoint's settings: the
exact `--format env` lines, JSON views without secrets, revocation, and
clear errors for bad usage and bad addresses."""

import json
import re
import socket

import pytest

from conftest import DEFAULT_TIMEOUT_S

ENV_LINES = re.compile(
    r"\Aexport AWS_ACCESS_KEY_ID=(IT[A-Z0-9]{18})\n"
    r"export AWS_SECRET_ACCESS_KEY=([A-Za-z0-9+/]{40})\n\Z")


def test_create_env_format_is_exactly_two_export_lines(cli):
    out = cli.ok("keys", "create", "--admin", "--format", "env").stdout
    match = ENV_LINES.match(out)
    assert match, repr(out)
    listed = json.loads(cli.ok("keys", "list", "--format", "json").stdout)
    assert [k["access_key_id"] for k in listed] == [match.group(1)]
    assert listed[0]["admin"] is True and listed[0]["store"] is None
    assert match.group(2) not in json.dumps(listed), "list must not show secrets"


def test_store_key_json_and_revoke(cli):
    created = json.loads(cli.ok("keys", "create", "--store", "Berlin", "--format", "json").stdout)
    assert created["store"] == "Berlin" and created["admin"] is False
    assert len(created["secret_access_key"]) == 40
    table = cli.ok("keys", "list").stdout
    assert created["access_key_id"] in table and "store Berlin" in table
    assert created["secret_access_key"] not in table
    cli.ok("keys", "revoke", created["access_key_id"])
    assert json.loads(cli.ok("keys", "list", "--format", "json").stdout) == []
    again = cli.run("keys", "revoke", created["access_key_id"])
    assert again.returncode == 1
    assert "no such access key" in again.stderr


def test_keys_usage_errors(cli):
    for args, needle in [
        (["keys", "create"], "exactly one of --admin or --store"),
        (["keys", "create", "--admin", "--store", "Berlin"], "exactly one of --admin or --store"),
        (["keys", "create", "--store", "a/b"], "store name"),
        (["keys", "create", "--admin", "--format", "yaml"], "--format"),
        (["keys", "list", "--format", "env"], "--format"),
    ]:
        result = cli.run(*args)
        assert result.returncode == 2, result.describe()
        assert needle in result.stderr, result.describe()
    assert cli.run("keys").returncode == 2
    assert cli.run("keys", "revoke").returncode == 2


def test_bad_listen_address_is_a_clear_error(cli):
    for value in ["9000", "127.0.0.1:", "127.0.0.1:99999", "::1:9000", "host:port"]:
        result = cli.run("serve", "--no-demo", "--s3-listen", value, timeout=DEFAULT_TIMEOUT_S)
        assert result.returncode == 2, result.describe()
        assert "s3.listen must be HOST:PORT" in result.stderr, result.describe()


def test_port_in_use_is_a_clear_error(cli):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = cli.run("serve", "--no-demo", "--s3-listen", f"127.0.0.1:{port}")
        assert result.returncode == 1, result.describe()
        assert f"cannot start the S3 endpoint on 127.0.0.1:{port}" in result.stderr


def ipv6_loopback_available():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


def read_until_closed(conn):
    data = b""
    for _ in range(1000):  # bounded: the server closes after one response
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data.decode("utf-8", "replace")


@pytest.mark.skipif(not ipv6_loopback_available(), reason="no IPv6 loopback on this machine")
def test_env_variable_sets_the_address(cli):
    proc = cli.start("serve", "--no-demo", env={"INVTRACK_S3_LISTEN": "[::1]:0"})
    proc.wait_for_stdout("S3 endpoint: http://[::1]:")
    port = int(re.search(r"S3 endpoint: http://\[::1\]:(\d+)", proc.stdout).group(1))
    with socket.create_connection(("::1", port), timeout=5) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        conn.settimeout(10)
        reply = read_until_closed(conn)
    assert reply.startswith("HTTP/1.1 403"), reply  # no credentials: AccessDenied
    assert "<Code>AccessDenied</Code>" in reply and "<RequestId>" in reply, reply
    proc.stop()
