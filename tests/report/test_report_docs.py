"""Every snippet of docs/report.md and docs/plots.md runs as written."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from salesmetrics import cli

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"```(python|sh)\n(.*?)```", re.S)


def blocks(page: str, language: str) -> list[str]:
    return [code for lang, code in BLOCK.findall((DOCS / page).read_text(encoding="utf-8"))
            if lang == language]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "examples").symlink_to(DOCS.parent / "examples")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("page", ["report.md", "plots.md"])
def test_python_snippets_run_in_order_and_write_only_to_temporary_folders(
        page: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib" if page == "plots.md" else "openpyxl")
    root = DOCS.parent
    monkeypatch.chdir(root)  # as a reader of the repository runs them
    before = sorted(p.name for p in root.iterdir())
    namespace: dict[str, object] = {}
    snippets = blocks(page, "python")
    assert snippets
    for code in snippets:
        exec(compile(code, f"{page} snippet", "exec"), namespace)
    capsys.readouterr()
    assert sorted(p.name for p in root.iterdir()) == before


def test_shell_snippets_of_the_report_page_run(workdir: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("openpyxl")
    commands = [line for code in blocks("report.md", "sh") for line in code.splitlines()
                if line.strip()]
    assert len(commands) >= 4
    for line in commands:
        argv = shlex.split(line)
        assert argv[0] == "salesmetrics"
        assert cli.main(argv[1:]) == 0, line
    capsys.readouterr()
    assert (workdir / "report.csv").read_text(encoding="utf-8").startswith("section,by,group")
