"""``examples/crm_export.py``, the script a CRM developer copies, runs as they would run it."""

from __future__ import annotations

import csv
import importlib.util
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from salesmetrics.examples import EXAMPLE_PERIOD, example_path
from salesmetrics.load import load
from salesmetrics.metrics import response_time
from salesmetrics.report import EXIT_NO_DATA, build_report, report_csv

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "examples" / "crm_export.py"


def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("crm_export", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``--demo`` run as a command, into a temporary folder."""
    out = tmp_path_factory.mktemp("crm") / "weekly"
    done = subprocess.run([sys.executable, str(SCRIPT), "--demo", "--out", str(out)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "report.xlsx" in done.stdout and done.stderr == ""
    return out


def test_demo_writes_the_report_and_the_team_frames(demo: Path) -> None:
    names = sorted(str(p.relative_to(demo)) for p in demo.rglob("*") if p.is_file())
    assert names == ["by_team.csv", "demo.db", "report.csv", "report.txt", "report.xlsx",
                     "teams/montreal.csv", "teams/online.csv", "teams/paris.csv"]
    text = (demo / "report.txt").read_text(encoding="utf-8")
    assert "Paris Opéra" in text and "All teams" in text
    assert max(len(line) for line in text.splitlines()) <= 120


def test_the_database_round_trip_gives_the_numbers_of_the_file(demo: Path) -> None:
    expected = report_csv(build_report(load(example_path()), period=EXAMPLE_PERIOD, by="team"))
    assert (demo / "report.csv").read_text(encoding="utf-8") == expected


def test_team_frames_hold_every_first_response_once(demo: Path) -> None:
    with open(demo / "by_team.csv", encoding="utf-8", newline="") as fh:
        by_team = {row["team"]: row for row in csv.DictReader(fh)}
    assert by_team["paris"]["name"] == "Paris Opéra"
    assert by_team["montreal"]["response_rate"].startswith("0.710526")
    result = response_time(load(example_path()), period=EXAMPLE_PERIOD, by="team")
    for team, summary in result.groups.items():
        with open(demo / "teams" / f"{team}.csv", encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert {r["team"] for r in rows} <= {team}
        assert sum(r["status"] == "counted" for r in rows) == summary.count
        assert int(by_team[team]["first_response_count"]) == summary.count


def test_the_workbook_has_a_sheet_per_section(demo: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(demo / "report.xlsx", read_only=True)
    assert book.sheetnames[0] == "Report" and len(book.sheetnames) > 5


def test_a_sqlite_file_and_a_week_give_the_same_report(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "again"
    code = script().main(["--sqlite", str(demo / "demo.db"), "--week", "2026-03-12",
                          "--timezone", "Europe/Paris", "--out", str(out)])
    assert code == 0
    assert (out / "report.csv").read_bytes() == (demo / "report.csv").read_bytes()


def test_bad_input_is_an_exit_status_and_a_message_with_its_place(
        demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main = script().main
    assert main(["--sqlite", str(tmp_path / "missing.db"), "--out", str(tmp_path / "o")]) == 2
    assert "--sqlite: invalid_value: no such database file" in capsys.readouterr().err
    assert main(["--sqlite", str(demo / "demo.db"), "--week", "2025-01-06",
                 "--out", str(tmp_path / "o")]) == EXIT_NO_DATA
    assert "nothing happened" in capsys.readouterr().err
    assert main(["--sqlite", str(demo / "demo.db"), "--timezone", "Mars/Olympus",
                 "--out", str(tmp_path / "o")]) == 2
    assert "Mars/Olympus" in capsys.readouterr().err

    broken = tmp_path / "broken.db"
    shutil.copyfile(demo / "demo.db", broken)
    with sqlite3.connect(broken) as con:
        con.execute("UPDATE messages SET at = '2026-03-10 09:00:00' WHERE id = 'm0000003'")
    con.close()
    args = ["--sqlite", str(broken), "--week", "2026-03-09", "--timezone", "Europe/Paris"]
    assert main([*args, "--out", str(tmp_path / "strict")]) == 2
    err = capsys.readouterr().err
    assert "messages[3].at: invalid_instant" in err and "naive_timezone" in err
    assert main([*args, "--lenient", "--out", str(tmp_path / "lenient")]) == 0
    assert "skipped messages[3]" in capsys.readouterr().err
    assert (tmp_path / "lenient" / "report.csv").is_file()


def test_queries_replace_tables_section_by_section(demo: Path, tmp_path: Path) -> None:
    queries = tmp_path / "queries.json"
    queries.write_text('{"activities": null, "sessions": null,'
                       ' "teams": "SELECT id, name || \' (CRM)\' AS name, calendar FROM teams"}',
                       encoding="utf-8")
    out = tmp_path / "own"
    assert script().main(["--sqlite", str(demo / "demo.db"), "--queries", str(queries),
                          "--week", "2026-03-09", "--timezone", "Europe/Paris",
                          "--out", str(out)]) == 0
    text = (out / "report.txt").read_text(encoding="utf-8")
    assert "Paris Opéra (CRM)" in text
    with open(out / "report.csv", encoding="utf-8", newline="") as fh:
        calls = [r for r in csv.DictReader(fh)
                 if r["section"] == "rep_activity" and r["key"] == "calls_made"]
    assert calls and {r["value"] for r in calls} == {"0"}  # no activities read
