"""The ``salesmetrics`` command: spec run / compute / schema / list, and the report hook."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from salesmetrics import cli
from salesmetrics.spec import fixtures_path, iter_fixtures, schema_path

PERIOD = {"start": "2026-03-02T00:00:00+01:00", "end": "2026-03-09T00:00:00+01:00"}
DATA = {"teams": [{"id": "A"}], "threads": [{"id": "t", "team": "A"}]}


def write_case(folder: Path, name: str, *checks: dict[str, Any],
               data: dict[str, Any] | None = None) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"format": "salesmetrics-case/1", "name": name,
                                "data": DATA if data is None else data,
                                "checks": list(checks)}), encoding="utf-8")
    return path


ERR_OK = {"metric": "response_rate", "period": PERIOD, "by": "user",
          "expect_error": {"code": "invalid_option", "path": "by"}}
ERR_WRONG = {"metric": "response_rate", "period": PERIOD, "by": "user",
             "expect_error": {"code": "invalid_option", "path": "options.by"}}


def test_spec_run_prints_failures_and_totals(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    good = write_case(tmp_path, "a/good.json", ERR_OK, ERR_OK)
    bad = write_case(tmp_path, "b/bad.json", ERR_OK, ERR_WRONG)
    assert cli.main(["spec", "run", str(good)]) == 0
    assert capsys.readouterr().out == "2 passed, 0 failed\n"
    assert cli.main(["spec", "run", str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{bad} check 1: expected error invalid_option at options.by "
                             "got invalid_option at by: ")
    assert out[-1] == "3 passed, 1 failed"
    assert len(out) == 2


def test_spec_run_walks_folders_recursively_in_sorted_order(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("z.json", "a/y.json", "a/b/x.json"):
        write_case(tmp_path, name, ERR_WRONG)
    (tmp_path / "notes.txt").write_text("not a case", encoding="utf-8")
    assert cli.main(["spec", "run", str(tmp_path)]) == 1
    files = [line.split(" check ")[0] for line in capsys.readouterr().out.splitlines()[:-1]]
    assert files == [str(tmp_path / n) for n in ("a/b/x.json", "a/y.json", "z.json")]


def test_spec_run_counts_a_broken_file_as_a_failure(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "broken.json").write_text("[1,", encoding="utf-8")
    assert cli.main(["spec", "run", str(tmp_path)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "0 passed, 1 failed"


def test_spec_run_refuses_a_missing_path(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["spec", "run", str(tmp_path / "nope")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_spec_run_without_paths_runs_the_shipped_invalid_cases_cleanly(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["spec", "run", str(fixtures_path() / "invalid")]) == 0
    assert capsys.readouterr().out.endswith(" passed, 0 failed\n")


def test_spec_compute_prints_one_array(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = write_case(tmp_path, "c.json", ERR_OK, {"metric": "no_such_metric", "expect": {}},
                      {"metric": "waiting", "options": {"at": "2026-03-02T09:00:00"},
                       "expect": {}})
    assert cli.main(["spec", "compute", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [o["error"]["code"] for o in out] == [
        "invalid_option", "invalid_option", "invalid_instant"]
    assert [o["error"]["path"] for o in out] == ["by", "metric", "options.at"]


def test_spec_compute_data_error_for_every_check(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = write_case(tmp_path, "c.json", ERR_OK, ERR_OK,
                      data={"teams": [{"id": "A"}, {"id": "A"}]})
    assert cli.main(["spec", "compute", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out[0] == out[1] == {"error": {
        "code": "duplicate_id", "path": "teams[1].id",
        "message": "team id 'A' is used twice in teams"}}


def test_spec_compute_refuses_a_bad_file(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    assert cli.main(["spec", "compute", str(bad)]) == 2
    assert cli.main(["spec", "compute", str(tmp_path / "absent.json")]) == 2
    (tmp_path / "list.json").write_text("[]", encoding="utf-8")
    assert cli.main(["spec", "compute", str(tmp_path / "list.json")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("salesmetrics spec compute:") == 3


def test_spec_schema_and_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["spec", "schema"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(
        schema_path().read_text(encoding="utf-8"))
    assert cli.main(["spec", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(list(iter_fixtures()))
    assert any(line.startswith("invalid/naive_instant.json\t") for line in lines)


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2
    assert cli.main(["spec"]) == 2
    assert cli.main(["spec", "frobnicate"]) == 2
    assert cli.main(["--help"]) == 0
    capsys.readouterr()


def test_report_hook_without_the_module(monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli, "_report_module", lambda: None)
    assert cli.main(["report", "data.json", "--period", "a", "b"]) == 2
    assert capsys.readouterr().err == "report is not available yet\n"


def test_report_hook_delegates_to_the_module(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []

    class FakeReport:
        @staticmethod
        def add_arguments(parser: Any) -> None:
            parser.add_argument("file")

        @staticmethod
        def run(args: Any) -> int:
            seen.append(args.file)
            return 0

    monkeypatch.setattr(cli, "_report_module", lambda: FakeReport)
    assert cli.main(["report", "data.json"]) == 0
    assert seen == ["data.json"]


def test_python_dash_m(tmp_path: Path) -> None:
    path = write_case(tmp_path, "c.json", ERR_OK)
    src = Path(cli.__file__).resolve().parents[1]
    proc = subprocess.run([sys.executable, "-m", "salesmetrics", "spec", "run", str(path)],
                          capture_output=True, text=True, check=False,
                          env={"PYTHONPATH": str(src)}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "1 passed, 0 failed\n"


def test_version_and_report_help(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib import metadata

    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out == f"salesmetrics {metadata.version('salesmetrics')}\n"
    assert cli.main(["report", "--help"]) == 0
    text = capsys.readouterr().out
    assert "--format {table,json,csv,xlsx}" in text and "salesmetrics report --example" in text
    assert "3 no data" in text


def test_metrics_command_lists_the_metric_table(capsys: pytest.CaptureFixture[str]) -> None:
    from salesmetrics.cli import main
    from salesmetrics.metrics.table import TABLE

    assert main(["metrics"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(TABLE)
    assert main(["metrics", "response_time"]) == 0
    out = capsys.readouterr().out
    assert "option targets" in out and "field  median: seconds, lower is better" in out
    assert main(["metrics", "no_such_metric"]) == 2


@pytest.mark.parametrize("given", [",,,", "instaply,", ",zendesk"])
def test_an_empty_profile_name_is_refused_not_dropped(given: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["report", "--example", "--profiles", given]) == 2
    assert "an empty profile name" in capsys.readouterr().err
