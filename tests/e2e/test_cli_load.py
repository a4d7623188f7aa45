"""End-to-end tests of `invtrack load`, `stock` and `alerts` against a fresh
data directory, with the event runtime running inside the load process."""

import csv
import io
import re
from datetime import datetime

import pytest

from conftest import level_of, stock_csv_text, transition

DEMO_STORES = ["berlin", "calcutta", "karachi", "pusan", "shanghai", "springfield"]


def read_csv_rows(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return [(r["store"], r["item"], int(r["count"])) for r in csv.DictReader(f)]


def problems_of(result):
    """The indented problem lines of a text-format rejection."""
    return [line.strip() for line in result.stdout.splitlines() if line.startswith("  ")]


def alert_keys(alerts):
    return sorted((a["kind"], a["store"], a["item"], a["count"]) for a in alerts)


# ---- Lab compatibility --------------------------------------------------------


def test_demo_files_load_unchanged_with_lab_alert_text(cli, source_dir):
    files = [source_dir / "demo" / f"inventory-{name}.csv" for name in DEMO_STORES]
    for f in files:
        assert f.is_file(), f"missing demo file {f}"
    result = cli.load(*files)
    assert result.returncode == 0, result.describe()

    expected_stock = {}
    expected_alerts = []
    for name, f in zip(DEMO_STORES, files):
        rows = read_csv_rows(f)
        store = rows[0][0]
        assert re.search(
            rf"inventory-{name}\.csv: applied {len(rows)} rows, {len(rows)} changed "
            rf"\(stores/{store}/inventory-{name}\.csv\)", result.stdout), result.describe()
        for s, item, count in rows:
            expected_stock[(s, item)] = count
            kind = transition(None, count)
            if kind:
                expected_alerts.append((kind, s, item, count))

    assert cli.stock_csv() == stock_csv_text(expected_stock)

    alerts = cli.alerts()
    assert alert_keys(alerts) == sorted(expected_alerts)
    berlin = [a for a in alerts if a["store"] == "Berlin" and a["item"] == "Echo Plus"]
    assert len(berlin) == 1, alerts
    assert berlin[0]["kind"] == "OUT"
    assert berlin[0]["count"] == 0
    assert berlin[0]["subject"] == "Inventory Alert!"
    assert berlin[0]["message"] == "Berlin is out of stock of Echo Plus"
    for a in alerts:
        if a["kind"] == "OUT":
            assert a["message"] == f"{a['store']} is out of stock of {a['item']}"
        assert a["subject"] == "Inventory Alert!"


# ---- Stock views ----------------------------------------------------------------

# Two stores, rows deliberately not in sorted order, names with a comma and
# with quotes.
AACHEN = ('store,item,count\n'
          'Aachen,"Widget, large",12\n'
          'Aachen,"Say ""Cheese"" Mug",0\n'
          'Aachen,Apple,3\n'
          'Aachen,Kettle,5\n'
          'Aachen,Lamp,6\n')
ZURICH = ('store,item,count\n'
          'Zurich,Banana,7\n'
          'Zurich,"A ""quoted"", item",1\n'
          'Zurich,Melon,0\n')


@pytest.fixture
def two_stores(cli):
    result = cli.load(cli.write("zurich.csv", ZURICH), cli.write("aachen.csv", AACHEN))
    assert result.returncode == 0, result.describe()
    return cli


def test_stock_csv_is_exact_rfc4180_and_sorted(two_stores):
    expected = ('store,item,count\n'
                'Aachen,Apple,3\n'
                'Aachen,Kettle,5\n'
                'Aachen,Lamp,6\n'
                'Aachen,"Say ""Cheese"" Mug",0\n'
                'Aachen,"Widget, large",12\n'
                'Zurich,"A ""quoted"", item",1\n'
                'Zurich,Banana,7\n'
                'Zurich,Melon,0\n')
    assert two_stores.stock_csv() == expected
    # The output reads back as the same rows with any RFC 4180 reader.
    rows = list(csv.reader(io.StringIO(two_stores.stock_csv(), newline="")))
    assert rows[0] == ["store", "item", "count"]
    assert ["Aachen", 'Say "Cheese" Mug', "0"] in rows
    assert ["Aachen", "Widget, large", "12"] in rows


def test_stock_filters_low_out_and_store(two_stores):
    low = two_stores.stock_csv("--low")
    assert low == ('store,item,count\n'
                   'Aachen,Apple,3\n'
                   'Aachen,Kettle,5\n'
                   'Aachen,"Say ""Cheese"" Mug",0\n'
                   'Zurich,"A ""quoted"", item",1\n'
                   'Zurich,Melon,0\n')
    out = two_stores.stock_csv("--out")
    assert out == ('store,item,count\n'
                   'Aachen,"Say ""Cheese"" Mug",0\n'
                   'Zurich,Melon,0\n')
    zurich = two_stores.stock_csv("--store", "Zurich")
    assert zurich == ('store,item,count\n'
                      'Zurich,"A ""quoted"", item",1\n'
                      'Zurich,Banana,7\n'
                      'Zurich,Melon,0\n')
    assert two_stores.stock_csv("--store", "Zurich", "--out") == (
        'store,item,count\nZurich,Melon,0\n')
    assert two_stores.stock_csv("--store", "Nowhere") == "store,item,count\n"


def test_stock_json_one_object_per_line(two_stores):
    lines = two_stores.ok("stock", "--format", "json").stdout.splitlines()
    assert len(lines) == 8
    rows = two_stores.stock_json()
    by_key = {(r["store"], r["item"]): r for r in rows}
    assert [(r["store"], r["item"]) for r in rows] == sorted(by_key, key=lambda k: (
        k[0].encode(), k[1].encode()))
    quoted = by_key[("Zurich", 'A "quoted", item')]
    assert quoted["count"] == 1 and quoted["level"] == "LOW"
    assert by_key[("Aachen", "Widget, large")]["count"] == 12
    for r in rows:
        assert isinstance(r["count"], int)
        assert r["level"] == level_of(r["count"]), r
    low = two_stores.stock_json("--low")
    assert {(r["store"], r["item"]) for r in low} == {
        k for k, r in by_key.items() if r["level"] in ("LOW", "OUT")}
    assert {r["level"] for r in two_stores.stock_json("--out")} == {"OUT"}


def test_stock_table_has_header_and_levels(two_stores):
    lines = two_stores.ok("stock").stdout.splitlines()
    assert re.split(r"\s{2,}", lines[0].strip()) == ["STORE", "ITEM", "COUNT", "LEVEL"]
    rows = [re.split(r"\s{2,}", line.strip()) for line in lines[1:]]
    assert ["Aachen", "Widget, large", "12", "IN_STOCK"] in rows
    assert ["Aachen", 'Say "Cheese" Mug', "0", "OUT"] in rows
    assert ["Aachen", "Kettle", "5", "LOW"] in rows
    assert len(rows) == 8
    only_out = two_stores.ok("stock", "--out", "--store", "Aachen").stdout.splitlines()
    assert [re.split(r"\s{2,}", line.strip()) for line in only_out[1:]] == [
        ["Aachen", 'Say "Cheese" Mug', "0", "OUT"]]


def test_unknown_stock_format_is_usage_error(cli):
    result = cli.run("stock", "--format", "xml")
    assert result.returncode == 2, result.describe()
    assert "xml" in result.stderr


def test_alerts_json_fields(two_stores):
    alerts = two_stores.alerts()
    assert alert_keys(alerts) == sorted([
        ("OUT", "Aachen", 'Say "Cheese" Mug', 0),
        ("LOW", "Aachen", "Apple", 3),
        ("LOW", "Aachen", "Kettle", 5),
        ("LOW", "Zurich", 'A "quoted", item', 1),
        ("OUT", "Zurich", "Melon", 0),
    ])
    for a in alerts:
        for key in ("kind", "store", "item", "count", "subject", "message", "time", "id"):
            assert key in a, (key, a)
        assert a["subject"] == "Inventory Alert!"
        assert isinstance(a["id"], str) and a["id"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", a["time"]), a
        datetime.fromisoformat(a["time"].replace("Z", "+00:00"))
    assert len({a["id"] for a in alerts}) == len(alerts)
    melon = next(a for a in alerts if a["item"] == "Melon")
    assert melon["message"] == "Zurich is out of stock of Melon"
    table = two_stores.ok("alerts").stdout
    assert "Zurich is out of stock of Melon" in table


# ---- Transitions and idempotence ---------------------------------------------------


def test_alerts_fire_on_transitions_only(cli):
    path = cli.work_dir / "gadget.csv"

    def upload(count):
        cli.write("gadget.csv", f"store,item,count\nStore1,Gadget,{count}\n")
        result = cli.load(path)
        assert result.returncode == 0, result.describe()
        return result

    upload(0)
    upload(0)
    alerts = cli.alerts()
    assert [(a["kind"], a["count"]) for a in alerts] == [("OUT", 0)], alerts

    upload(7)
    alerts = cli.alerts()
    assert [(a["kind"], a["count"]) for a in alerts] == [("OUT", 0), ("BACK_IN_STOCK", 7)]
    assert alerts[1]["store"] == "Store1" and alerts[1]["item"] == "Gadget"

    upload(3)
    alerts = cli.alerts()
    assert [(a["kind"], a["count"]) for a in alerts] == [
        ("OUT", 0), ("BACK_IN_STOCK", 7), ("LOW", 3)]

    upload(4)  # still low: no new alert
    assert len(cli.alerts()) == 3
    assert len({a["id"] for a in cli.alerts()}) == 3
    assert cli.stock_csv() == "store,item,count\nStore1,Gadget,4\n"


def test_reuploading_identical_file_changes_nothing(cli):
    path = cli.write("shop.csv", "store,item,count\nShop,A,0\nShop,B,2\nShop,C,40\n")
    first = cli.load(path, "--format", "json")
    assert first.returncode == 0, first.describe()
    [line] = first.json_lines()
    assert (line["outcome"], line["rows"], line["changes"]) == ("applied", 3, 3)
    assert line["key"] == "stores/Shop/shop.csv"
    alerts_before = cli.alerts()
    stock_before = cli.stock_json()
    assert len(alerts_before) == 2

    again = cli.load(path)
    assert again.returncode == 0, again.describe()
    assert re.search(r"applied 3 rows, 0 changed", again.stdout), again.describe()
    again_json = cli.load(path, "--format", "json")
    assert again_json.returncode == 0, again_json.describe()
    assert again_json.json_lines()[0]["changes"] == 0
    assert cli.alerts() == alerts_before
    assert [(r["store"], r["item"], r["count"]) for r in cli.stock_json()] == [
        (r["store"], r["item"], r["count"]) for r in stock_before]


# ---- All-or-nothing and bad input ----------------------------------------------------


def test_one_bad_row_rejects_whole_file(cli):
    good = cli.write("shop.csv", "store,item,count\nShop,A,10\nShop,B,20\nShop,C,30\n")
    assert cli.load(good).returncode == 0
    stock_before = cli.stock_csv()
    alerts_before = cli.alerts()

    mixed = cli.write("shop.csv", "store,item,count\nShop,A,0\nShop,B,1\nShop,C,x3\n"
                                  "Shop,D,0\nShop,E,50\n")
    result = cli.load(mixed)
    assert result.returncode == 1, result.describe()
    assert "rejected" in result.stdout and "nothing applied" in result.stdout
    assert problems_of(result) == ["line 4: count 'x3' is not a whole number >= 0"]
    assert cli.stock_csv() == stock_before
    assert cli.alerts() == alerts_before

    as_json = cli.load(mixed, "--format", "json")
    assert as_json.returncode == 1
    [line] = as_json.json_lines()
    assert line["outcome"] == "rejected"
    assert line["problems"] == ["line 4: count 'x3' is not a whole number >= 0"]
    assert cli.stock_csv() == stock_before


# (file content, expected problem text fragments). The first data row always
# names a valid store, so the CLI can derive the key; each case is also loaded
# with --store to be sure the pipeline (not the CLI's peek) rejects it.
BAD_FILES = {
    "missing_column": (b"store,item\nS,Apple\n", ["line 1", "missing", "'count'"]),
    "non_integer": (b"store,item,count\nS,Apple,3\nS,Pear,lots\n",
                    ["line 3", "count 'lots'", "not a whole number"]),
    "negative": (b"store,item,count\nS,Apple,-4\n", ["line 2", "count '-4'", "not a whole number"]),
    "decimal": (b"store,item,count\nS,Apple,2\nS,Pear,1.5\n",
                ["line 3", "count '1.5'", "not a whole number"]),
    "empty_count": (b"store,item,count\nS,Apple,\n", ["line 2", "count is empty"]),
    "empty_item": (b"store,item,count\nS,Apple,1\nS,,2\n", ["line 3", "item is empty"]),
    "empty_store": (b"store,item,count\nS,Apple,1\n,Pear,2\n", ["line 3", "store is empty"]),
    "duplicate_item": (b"store,item,count\nS,Apple,1\nS,Pear,2\nS,Apple,3\n",
                       ["line 4", "'Apple'", "appears again", "3", "1"]),
    "too_few_fields": (b"store,item,count\nS,Apple,1\nS,Pear\n", ["line 3", "expected 3 fields"]),
    "unclosed_quote": (b'store,item,count\nS,Apple,1\nS,"Pear,2\n', ["line 3", "quoted field"]),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_is_rejected_with_line_number(cli, case):
    content, fragments = BAD_FILES[case]
    path = cli.write(f"{case}.csv", content)
    for extra in ([], ["--store", "S"]):
        result = cli.load(path, *extra)
        assert result.returncode == 1, result.describe()
        assert f"{case}.csv: rejected, nothing applied (stores/S/{case}.csv)" in result.stdout, \
            result.describe()
        problems = problems_of(result)
        assert len(problems) == 1, result.describe()
        for fragment in fragments:
            assert fragment in problems[0], (fragment, result.describe())
    assert cli.stock_csv() == "store,item,count\n"
    assert cli.alerts() == []


def test_duplicate_item_with_same_count_is_accepted(cli):
    result = cli.load(cli.write("dup.csv", "store,item,count\nS,Apple,4\nS,Apple,4\n"))
    assert result.returncode == 0, result.describe()
    assert cli.stock_csv() == "store,item,count\nS,Apple,4\n"


# Files whose first data row the CLI cannot read or which have none. Loaded as
# a user would (`invtrack load FILE`), each must still get the file's own
# problem reported and exit 1 (bad input), not a usage hint about --store.
UNREADABLE_FILES = {
    "empty": (b"", ["empty"]),
    "header_only": (b"store,item,count\n", ["no rows"]),
    "binary": (b"store,item,count\nBerlin,Echo\x00\x01\x02Dot,1\n", ["line 2", "NUL"]),
    "latin1": ("store,item,count\nBerlin,Caf\u00e9 Cr\u00e8me,3\n".encode("latin-1"),
               ["line 2", "UTF-8"]),
}


@pytest.mark.parametrize("case", sorted(UNREADABLE_FILES))
def test_unreadable_file_rejected_with_its_problem(cli, case):
    content, fragments = UNREADABLE_FILES[case]
    path = cli.write(f"{case}.csv", content)
    # With an explicit store the pipeline reports it.
    result = cli.load(path, "--store", "Berlin")
    assert result.returncode == 1, result.describe()
    assert "rejected, nothing applied" in result.stdout, result.describe()
    for fragment in fragments:
        assert fragment in result.stdout, (fragment, result.describe())
    # The plain invocation must name the same problem and exit 1 too.
    plain = cli.load(path)
    assert plain.returncode == 1, plain.describe()
    for fragment in fragments:
        assert fragment in plain.stdout + plain.stderr, (fragment, plain.describe())
    assert cli.stock_csv() == "store,item,count\n"


def test_binary_file_is_rejected(cli):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"
    result = cli.load(cli.write("picture.csv", png), "--store", "Berlin")
    assert result.returncode == 1, result.describe()
    assert "rejected" in result.stdout
    assert re.search(r"line 1: (invalid UTF-8|NUL byte)", result.stdout), result.describe()


def test_wrong_store_for_key_is_rejected(cli):
    path = cli.write("other.csv", "store,item,count\nBerlin,Echo Dot,3\nPusan,Echo Dot,4\n")
    result = cli.load(path, "--key", "stores/Berlin/other.csv")
    assert result.returncode == 1, result.describe()
    assert problems_of(result) == [
        "line 3: store 'Pusan' does not match the key's store 'Berlin'"], result.describe()
    assert cli.stock_csv() == "store,item,count\n"
    # A key without a store prefix takes the rows' stores as they are.
    ok = cli.load(path, "--key", "uploads/other.csv")
    assert ok.returncode == 0, ok.describe()
    assert cli.stock_csv() == "store,item,count\nBerlin,Echo Dot,3\nPusan,Echo Dot,4\n"


def test_key_store_fills_missing_store_column(cli):
    path = cli.write("nostore.csv", "item,count\nEcho Dot,3\nEcho Show,9\n")
    result = cli.load(path, "--key", "stores/Berlin/nostore.csv")
    assert result.returncode == 0, result.describe()
    assert cli.stock_csv() == "store,item,count\nBerlin,Echo Dot,3\nBerlin,Echo Show,9\n"


def test_more_than_100_problems_are_capped(cli):
    lines = ["store,item,count"] + [f"S,item{i:03d},bad{i}" for i in range(150)]
    path = cli.write("many.csv", "\n".join(lines) + "\n")
    result = cli.load(path)
    assert result.returncode == 1, result.describe()
    problems = problems_of(result)
    listed = [p for p in problems if p.startswith("line ")]
    assert len(listed) == 100, result.describe()
    assert listed[0] == "line 2: count 'bad0' is not a whole number >= 0"
    assert listed[-1] == "line 101: count 'bad99' is not a whole number >= 0"
    # Checking stops at the cap, and the report says so.
    more = [p for p in problems if "stopped after 100 problems" in p]
    assert len(more) == 1, f"no 'stopped after 100 problems' line:\n{result.describe()}"
    as_json = cli.load(path, "--format", "json").json_lines()[0]
    assert len(as_json["problems"]) == 101
    assert "stopped after 100 problems" in as_json["problems"][-1]


def test_exactly_100_problems_have_no_more_line(cli):
    lines = ["store,item,count"] + [f"S,item{i:03d},bad{i}" for i in range(100)]
    result = cli.load(cli.write("hundred.csv", "\n".join(lines) + "\n"))
    assert result.returncode == 1, result.describe()
    problems = problems_of(result)
    assert len(problems) == 100, result.describe()
    assert not any("stopped after" in p for p in problems)


def test_crlf_bom_and_quoted_newline_load_fine(cli):
    content = ("\ufeffStore,Item,Count\r\n"
               'Berlin,"Multi\nline item",3\r\n'
               'Berlin,"Comma, ""quoted""",12\r\n'
               "Berlin,Plain,7\r\n"
               "Berlin,Last,0")  # no final line end
    path = cli.write("windows.csv", content.encode("utf-8"))
    result = cli.load(path)
    assert result.returncode == 0, result.describe()
    assert "applied 4 rows, 4 changed (stores/Berlin/windows.csv)" in result.stdout
    rows = {(r["store"], r["item"]): r["count"] for r in cli.stock_json()}
    assert rows == {("Berlin", "Multi\nline item"): 3, ("Berlin", 'Comma, "quoted"'): 12,
                    ("Berlin", "Plain"): 7, ("Berlin", "Last"): 0}
    assert cli.stock_csv() == ('store,item,count\n'
                               'Berlin,"Comma, ""quoted""",12\n'
                               'Berlin,Last,0\n'
                               'Berlin,"Multi\nline item",3\n'
                               'Berlin,Plain,7\n')


def test_problem_line_numbers_count_physical_lines(cli):
    content = ('store,item,count\r\n'
               'Berlin,"Two\r\nlines",3\r\n'
               'Berlin,Bad,-1\r\n')
    result = cli.load(cli.write("lines.csv", content))
    assert result.returncode == 1, result.describe()
    assert problems_of(result) == ["line 4: count '-1' is not a whole number >= 0"]


def test_extra_columns_are_ignored_and_low_threshold_column_used(cli):
    content = "sku,store,item,count,low_threshold\n1,Berlin,Dot,8,10\n2,Berlin,Show,8,\n"
    result = cli.load(cli.write("extra.csv", content))
    assert result.returncode == 0, result.describe()
    levels = {r["item"]: (r["level"], r["low_threshold"]) for r in cli.stock_json()}
    assert levels == {"Dot": ("LOW", 10), "Show": ("IN_STOCK", 5)}


# ---- Usage errors -----------------------------------------------------------------


def test_key_with_two_files_is_usage_error(cli):
    a = cli.write("a.csv", "store,item,count\nS,A,1\n")
    b = cli.write("b.csv", "store,item,count\nS,B,1\n")
    result = cli.load(a, b, "--key", "stores/S/x.csv")
    assert result.returncode == 2, result.describe()
    assert "--key" in result.stderr
    assert result.stdout == ""
    assert cli.stock_csv() == "store,item,count\n"


def test_nonexistent_file_is_an_error(cli):
    good = cli.write("good.csv", "store,item,count\nS,A,1\n")
    result = cli.load(good, cli.work_dir / "no-such-file.csv")
    # Usage and setup problems exit 2, failed operations 1 (cli_context.h).
    assert result.returncode in (1, 2), result.describe()
    assert "no-such-file.csv" in result.stderr, result.describe()
    assert cli.stock_csv() == "store,item,count\n"


def test_file_without_store_needs_store_or_key(cli):
    path = cli.write("items.csv", "item,count\nA,1\n")
    result = cli.load(path)
    # Stored under its own name, the pipeline rejects it for the missing column.
    assert result.returncode == 1, result.describe()
    assert "missing required column(s) 'store'" in result.stdout, result.describe()
    ok = cli.load(path, "--store", "Berlin")
    assert ok.returncode == 0, ok.describe()
    assert cli.stock_csv() == "store,item,count\nBerlin,A,1\n"


# ---- Configuration ------------------------------------------------------------------


SMALL = "store,item,count\nS,Eight,8\nS,Twelve,12\nS,Three,3\n"


def levels(cli_runner, **kwargs):
    return {r["item"]: r["level"] for r in cli_runner.stock_json(**kwargs)}


def test_default_threshold_is_5(cli):
    assert cli.load(cli.write("s.csv", SMALL)).returncode == 0
    assert levels(cli) == {"Eight": "IN_STOCK", "Twelve": "IN_STOCK", "Three": "LOW"}
    assert [(a["kind"], a["item"]) for a in cli.alerts()] == [("LOW", "Three")]


def test_config_file_sets_threshold(cli):
    config = cli.write("invtrack.toml", "[thresholds]\ndefault = 10\n")
    result = cli.run("--config", config, "load", cli.write("s.csv", SMALL))
    assert result.returncode == 0, result.describe()
    stock = cli.ok("--config", config, "stock", "--format", "json").json_lines()
    assert {r["item"]: r["level"] for r in stock} == {
        "Eight": "LOW", "Twelve": "IN_STOCK", "Three": "LOW"}
    alerts = cli.alerts()
    eight = [a for a in alerts if a["item"] == "Eight"]
    assert len(eight) == 1 and eight[0]["kind"] == "LOW" and eight[0]["threshold"] == 10, alerts
    assert eight[0]["message"] == "S is low on Eight: 8 left (threshold 10)"
    # INVTRACK_CONFIG names the file too.
    via_env = cli.stock_json(env={"INVTRACK_CONFIG": config})
    assert {r["item"]: r["level"] for r in via_env}["Eight"] == "LOW"


def test_env_var_sets_threshold_and_overrides_config(cli):
    env = {"INVTRACK_LOW_THRESHOLD": "10"}
    result = cli.load(cli.write("s.csv", SMALL), env=env)
    assert result.returncode == 0, result.describe()
    assert levels(cli, env=env)["Eight"] == "LOW"
    assert [(a["kind"], a["item"]) for a in cli.alerts()] == [("LOW", "Eight"), ("LOW", "Three")]
    config = cli.write("c.toml", "[thresholds]\ndefault = 2\n")
    # Defaults <- config file <- environment <- flags.
    assert levels(cli, env={"INVTRACK_LOW_THRESHOLD": "10", "INVTRACK_CONFIG": config})[
        "Eight"] == "LOW"
    assert levels(cli, env={"INVTRACK_CONFIG": config})["Three"] == "IN_STOCK"


def test_config_store_and_item_thresholds_and_subject(cli):
    config = cli.write("c.toml", (
        '[thresholds]\ndefault = 1\n'
        '[thresholds.stores]\nS = 9\n'
        '[[thresholds.items]]\nstore = "S"\nitem = "Twelve"\nthreshold = 20\n'
        '[alerts]\nsubject = "Stock news"\n'))
    result = cli.run("--config", config, "load", cli.write("s.csv", SMALL))
    assert result.returncode == 0, result.describe()
    assert levels(cli, env={"INVTRACK_CONFIG": config}) == {
        "Eight": "LOW", "Twelve": "LOW", "Three": "LOW"}
    alerts = cli.alerts()
    assert {a["item"]: a["threshold"] for a in alerts} == {"Eight": 9, "Twelve": 20, "Three": 9}
    assert {a["subject"] for a in alerts} == {"Stock news"}


def test_bad_env_threshold_is_an_error(cli):
    result = cli.run("stock", env={"INVTRACK_LOW_THRESHOLD": "ten"})
    assert result.returncode == 2, result.describe()
    assert "INVTRACK_LOW_THRESHOLD" in result.stderr and "ten" in result.stderr


@pytest.mark.parametrize("content,fragment", [
    ("[thresholds\ndefault = 10\n", ":1:"),
    ("[thresholds]\ndefault = = 10\n", ":2:"),
    ('[thresholds]\ndefault = "ten"\n', "thresholds.default"),
    ("[stream]\nbatch_size = 0\n", "stream.batch_size"),
])
def test_malformed_config_names_the_file(cli, content, fragment):
    config = cli.write("broken.toml", content)
    for args in (["--config", config, "stock"], ["--config", config, "load",
                                                 cli.write("s.csv", SMALL)]):
        result = cli.run(*args)
        assert result.returncode == 2, result.describe()
        assert str(config) in result.stderr, result.describe()
        assert fragment in result.stderr, result.describe()
    assert cli.stock_csv() == "store,item,count\n"


def test_missing_config_file_is_an_error(cli):
    missing = cli.work_dir / "nope.toml"
    result = cli.run("--config", missing, "stock")
    assert result.returncode != 0, result.describe()
    assert str(missing) in result.stderr


# ---- Status ---------------------------------------------------------------------------


def test_status_counts_what_the_pipeline_did(cli):
    assert cli.load(cli.write("a.csv", "store,item,count\nBerlin,A,0\nBerlin,B,9\n")).returncode == 0
    assert cli.load(cli.write("b.csv", "store,item,count\nPusan,A,x\n")).returncode == 1
    result = cli.run("status")
    assert result.returncode == 0, result.describe()
    out = result.stdout
    assert "2 items in 1 stores" in out, out
    assert "1 applied, 1 rejected" in out, out
    assert "0 pending, 0 running, 0 dead" in out, out
    assert "2 records, checked up to 2" in out, out
    assert "event runtime    not running" in out, out
