"""``salesmetrics report``: formats, --output, --example, --lenient, no-data exit status."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from salesmetrics import cli, report
from salesmetrics.examples import example_path

WEEK = ["--period", "2026-03-09T00:00:00+01:00", "2026-03-16T00:00:00+01:00"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["report", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_example_defaults_to_its_second_week(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--example")
    assert code == 0 and err == ""
    assert out.startswith("salesmetrics report: the bundled example")
    assert "Period:   Mon 09 Mar 2026 00:00 (UTC+01:00) to Mon 16 Mar 2026 00:00" in out
    assert run(capsys, str(example_path()), *WEEK)[1].split("\n", 1)[1] == out.split("\n", 1)[1]


def test_a_file_or_the_example_and_a_period_are_required(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys)
    assert code == 2 and "FILE or --example" in err
    code, _, err = run(capsys, str(example_path()), "--example")
    assert code == 2
    code, _, err = run(capsys, str(example_path()))
    assert code == 2 and "--period" in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("salesmetrics 0.")


def _write(tmp_path: Path, data: dict[str, Any]) -> str:
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_an_empty_dataset_warns_and_exits_3(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, _write(tmp_path, {"teams": [{"id": "A"}]}), *WEEK)
    assert (code, out) == (report.EXIT_NO_DATA, "")
    assert "warning" in err and "has no data" in err


def test_a_period_without_data_warns_and_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--example", "--period", "2025-01-01T00:00:00Z",
                         "2025-01-08T00:00:00Z")
    assert (code, out) == (3, "")
    assert "nothing happened" in err and "--period" in err


def test_lenient_reports_each_skipped_record_with_its_path(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = {"teams": [{"id": "A", "name": "Alpha"}],
            "threads": [{"id": "t", "team": "A"}],
            "messages": [{"thread": "t", "at": "2026-03-10T10:00:00+01:00", "direction": "in"},
                         {"thread": "t", "at": "yesterday", "direction": "in"}]}
    path = _write(tmp_path, data)
    code, _, err = run(capsys, path, *WEEK)
    assert code == 2 and "messages[1].at" in err
    code, out, err = run(capsys, path, *WEEK, "--lenient")
    assert code == 0 and "Alpha" in out
    assert "skipped messages[1].at: invalid_instant" in err
    assert "1 record(s) skipped" in err


def test_output_writes_the_file_and_nothing_on_stdout(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "r.txt"
    code, out, _ = run(capsys, "--example", "--output", str(target))
    assert (code, out) == (0, "")
    assert "Response rate (by team)" in target.read_text(encoding="utf-8")


def test_json_holds_raw_numbers_totals_and_previous(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--example", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["previous_period"]["start"] == "2026-03-02T00:00:00+01:00"
    rate = next(s for s in doc["sections"] if s["metric"] == "response_rate")
    assert rate["total"]["name"] == "All teams" and rate["total"]["group"] is None
    assert isinstance(rate["rows"][0]["values"]["rate"], float)
    assert {"key": "rate", "kind": "rate", "label": "Rate"} in rate["columns"]


def test_csv_numbers_are_numbers_and_change_is_its_own_column(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--example", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and list(rows[0]) == list(report._CSV_COLUMNS)
    total = next(r for r in rows if r["section"] == "conversations" and r["key"] == "total"
                 and r["group"] == "")
    assert total["name"] == "All teams"
    assert float(total["value"]) == 80 and float(total["previous"]) == 75
    assert float(total["change"]) == pytest.approx(80 / 75 - 1)
    assert not any(r["change"].startswith("'") for r in rows)
    rate = next(r for r in rows if r["key"] == "rate" and r["section"] == "response_rate")
    assert float(rate["change_points"]) == pytest.approx(float(rate["value"])
                                                         - float(rate["previous"]))


def test_xlsx_needs_an_output_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--example", "--format", "xlsx")
    assert (code, out) == (2, "") and "--output" in err


def test_progress_shows_sections_done_on_a_terminal_only() -> None:
    stream = io.StringIO()
    progress = report._TerminalProgress(stream, after=0)
    progress(3, 11, "Response time")
    progress.close()
    assert "3/11 sections done, computing Response time…" in stream.getvalue()
    assert stream.getvalue().endswith("\r\x1b[K")
    quiet = io.StringIO()
    late = report._TerminalProgress(quiet, after=3600)
    late(1, 11, "Conversations")
    late.close()
    assert quiet.getvalue() == ""  # a short run shows nothing


def test_no_progress_when_stderr_is_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--example", "--by", "user")[2] == ""


def test_xlsx_without_openpyxl_says_how_to_install_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "openpyxl" else real(name, *a))
    code, out, err = run(capsys, "--example", "--format", "xlsx", "-o", str(tmp_path / "r.xlsx"))
    assert (code, out) == (2, "")
    assert "pip install 'salesmetrics[excel]'" in err
    assert not (tmp_path / "r.xlsx").exists()


def test_as_of_is_in_the_header_and_the_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--example", "--as-of", "2026-03-12T12:00:00+01:00")
    assert code == 0 and "As of:    Thu 12 Mar 2026 12:00 (UTC+01:00)" in out
    code, out, _ = run(capsys, "--example", "--as-of", "2026-03-12T12:00:00+01:00",
                       "--format", "json", "--no-compare")
    doc = json.loads(out)
    assert doc["as_of"] == "2026-03-12T12:00:00+01:00" and doc["previous_period"] is None
    assert all(row["previous"] == {} for s in doc["sections"] for row in s["rows"])


def test_a_bad_instant_names_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--example", "--period", "monday", "2026-03-16T00:00:00Z")
    assert code == 2 and "--period START" in err
