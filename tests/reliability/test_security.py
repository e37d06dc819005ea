"""Security: no code execution from input, formula-safe CSV, no leak across user scopes."""

from __future__ import annotations

import ast
import csv
import io
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from _harness import compute, imported, random_check, small_data

import salesmetrics
from salesmetrics.load import from_dict
from salesmetrics.results import csv_text, safe_cell
from salesmetrics.spec.registry import METRICS

SRC = Path(salesmetrics.__file__).parent
FORMULA = ("=", "+", "-", "@", "\t", "\r")
#: Calls that execute or deserialise code: never allowed in the library.
_BANNED_CALLS = {"eval", "exec", "compile", "__import__", "input", "breakpoint"}
_BANNED_MODULES = {"pickle", "cPickle", "marshal", "shelve", "dill", "yaml", "subprocess"}


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else (
                func.attr if isinstance(func, ast.Attribute) else "")
            if name in _BANNED_CALLS and (isinstance(func, ast.Name) or name != "compile"):
                found.append(f"{path.name}:{node.lineno}: {name}()")
            if (isinstance(func, ast.Attribute) and func.attr == "import_module"
                    and node.args and not isinstance(node.args[0], ast.Constant)
                    and path.name != "registry.py"):
                found.append(f"{path.name}:{node.lineno}: import_module of a computed name")
        found += [f"{path.name}:{getattr(node, 'lineno', 0)}: import {n}"
                  for n in imported(node) if n.split(".")[0] in _BANNED_MODULES]
    return found


def test_no_module_executes_or_unpickles_input() -> None:
    files = sorted(SRC.rglob("*.py"))
    assert len(files) > 30
    assert [p for f in files for p in _problems(f)] == []


def test_registry_imports_only_its_own_adapters() -> None:
    # the one dynamic import: adapter names come from the table, never from input
    assert all(spec.adapter == "" or spec.adapter.startswith("salesmetrics.spec.adapters.")
               for spec in METRICS.values())
    assert sum(1 for spec in METRICS.values() if spec.adapter) == 3


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx",
                                  "=HYPERLINK(\"http://x\")"])
def test_safe_cell_neutralises_every_formula_start(text: str) -> None:
    assert not str(safe_cell(text)).startswith(FORMULA)
    cells = next(csv.reader(io.StringIO(csv_text([{text: text}]).splitlines()[1])))
    assert not any(c.startswith(FORMULA) for c in cells)


def _hostile_data() -> dict[str, Any]:
    data = small_data(4)
    rename = {t["id"]: bad for t, bad in zip(data["teams"], ["=cmd|' /C calc'!A0", "+1",
                                                             "@SUM(1)"], strict=True)}
    for team, bad in zip(data["teams"], ["-2+3", "=2*5", "\t=x"], strict=True):
        team["id"], team["name"] = rename[team["id"]], bad
    for user in data["users"]:
        user["team"] = rename.get(user.get("team"), user.get("team"))
        user["first_name"], user["code"] = "=evil()", "+code"
    for section in ("threads", "messages", "leads"):
        for rec in data[section]:
            if rec.get("team") in rename:
                rec["team"] = rename[rec["team"]]
    for ev in data["thread_events"]:
        if ev.get("to_team") in rename:
            ev["to_team"] = rename[ev["to_team"]]
    return data


@pytest.mark.parametrize("by", ["team", "user"])
def test_report_csv_never_starts_a_formula(tmp_path: Path, by: str) -> None:
    data = _hostile_data()
    from_dict(data)  # the renamed dataset is valid
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data))
    out = subprocess.run(
        [sys.executable, "-m", "salesmetrics", "report", str(path), "--period",
         "2026-03-02T00:00:00+00:00", "2026-03-09T00:00:00+00:00", "--by", by,
         "--format", "csv"], capture_output=True, text=True, check=True, timeout=120,
        env={"PYTHONPATH": str(SRC.parent), "PATH": ""})
    cells = [c for row in csv.reader(io.StringIO(out.stdout)) for c in row]
    assert any(c.startswith("'=") or c.startswith("'+") for c in cells), out.stdout[:500]
    # numbers are numbers (a change of -0.25 is not text): only text must not start a formula
    assert [c for c in cells if c.startswith(FORMULA) and not _is_number(c)] == []


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


# -- scope: a user's computation never shows another user's items ---------------

def _items(value: Any, found: dict[str, set[str]]) -> None:
    """Thread, lead and activity ids named anywhere in a result."""
    if isinstance(value, list):
        for v in value:
            _items(v, found)
    elif isinstance(value, dict):
        for key, v in value.items():
            if key in ("thread", "threads") and isinstance(v, str):
                found["threads"].add(v)
            elif key in ("lead", "id") and isinstance(v, str) and v.startswith("L"):
                found["leads"].add(v)
            elif key == "lead_ids" and isinstance(v, list):
                found["leads"].update(v)
            _items(v, found)


@pytest.mark.parametrize("block", range(2))
def test_scoped_results_never_name_another_users_items(block: int) -> None:
    named = 0
    for seed in range(block, 60, 2):
        data = small_data(1000 + seed)
        dataset = from_dict(data)
        rnd = random.Random(seed)
        user = rnd.choice([u["id"] for u in data["users"]])
        for metric in METRICS:
            check = random_check(metric, rnd, data)
            check["scope"] = {"user": user}
            try:
                result = compute(dataset, check)
            except salesmetrics.SalesmetricsError:
                continue
            at = check.get("as_of") or check.get("options", {}).get("at")
            seen = dataset.scoped_to_user(user, None if at is None else
                                          salesmetrics._time.parse_instant(at, ""))
            own_threads = {t.id for t in seen.threads}
            own_leads = {lead.id for lead in dataset.leads if lead.assignee == user}
            found: dict[str, set[str]] = {"threads": set(), "leads": set()}
            _items(result, found)
            assert found["threads"] <= own_threads, (metric, user, found)
            assert found["leads"] <= own_leads, (metric, user, found)
            named += len(found["threads"]) + len(found["leads"])
            unscoped = dict(check)
            del unscoped["scope"]
            assert result == compute(seen, unscoped), (metric, user)
    assert named > 0  # the drill-downs did name items: the check was not vacuous
