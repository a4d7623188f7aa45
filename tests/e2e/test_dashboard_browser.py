"""The dashboard in a real browser: Debian's chromium, headless, driven by
playwright-core (npm) from tests/browser/dashboard_flow.mjs against a real
`invtrack serve`. Skipped only when chromium or the npm packages are not
installed (scripts/setup installs both)."""

import os
import pathlib
import shutil
import subprocess

import pytest

from dashboard_support import ADMIN_PASSWORD, start_dashboard, stop


def _node_modules(source_dir: pathlib.Path) -> pathlib.Path:
    return source_dir / "node_modules"


def test_dashboard_in_chromium(cli, source_dir, tmp_path):
    if not os.path.exists("/usr/bin/chromium") or shutil.which("node") is None:
        pytest.skip("chromium or node is not installed (run scripts/setup)")
    if not (_node_modules(source_dir) / "playwright-core").is_dir():
        pytest.skip("playwright-core is not installed (run scripts/setup)")
    dash = start_dashboard(cli)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "NODE_PATH": str(_node_modules(source_dir)),
        "BASE_URL": dash.base,
        "ADMIN_USER": "admin",
        "ADMIN_PASSWORD": ADMIN_PASSWORD,
        "INVTRACK_BIN": str(cli.binary),
        "INVTRACK_DATA": str(cli.data_dir),
        "WORK_DIR": str(cli.work_dir),
        "INVTRACK_S3_LISTEN": "127.0.0.1:0",
        "INVTRACK_DASHBOARD_LISTEN": "127.0.0.1:0",
    }
    if os.environ.get("INVTRACK_SCREENSHOT"):
        env["SCREENSHOT"] = os.environ["INVTRACK_SCREENSHOT"]
    done = subprocess.run(["node", str(source_dir / "tests/browser/dashboard_flow.mjs")],
                          cwd=source_dir, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=300)
    out = done.stdout.decode(errors="replace")
    assert done.returncode == 0, out + "\n--- stderr ---\n" + done.stderr.decode(errors="replace")
    assert "ok - sign out ends the session" in out, out
    stop(dash.proc)
