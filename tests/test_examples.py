from __future__ import annotations

import io
import json
import subprocess
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path

from salesmetrics.examples import example_path, generate, main, write
from salesmetrics.load import from_dict, load, load_json, load_jsonl

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = example_path()


def test_same_seed_same_dataset_and_different_seed_differs() -> None:
    a = generate(seed=7, messages=300, weeks=1)
    assert generate(seed=7, messages=300, weeks=1) == a
    assert generate(seed=8, messages=300, weeks=1) != a


def test_exactly_the_requested_number_of_messages() -> None:
    for n in (0, 1, 37, 500):
        assert len(generate(seed=2, messages=n, weeks=1)["messages"]) == n


def test_generated_data_is_valid_and_covers_every_kind() -> None:
    data = generate(seed=3, messages=1500, weeks=2)
    ds = from_dict(data)
    assert len(ds.teams) == 3 and len(ds.users) == 8 and len(ds.smart_lists) == 2
    assert {m.channel for m in ds.messages} == {"sms", "widget", "sdk", "ivr", "messenger"}
    assert {(m.direction.value, m.sender.value) for m in ds.messages} == {
        ("in", "customer"), ("out", "user"), ("out", "auto")}
    assert {e.type.value for e in ds.thread_events} == {
        "transfer", "escalation", "assign", "status", "note", "mention"}
    kinds = Counter(a.kind.value for a in ds.activities)
    assert set(kinds) == {"call", "email", "sms", "mail", "note", "appointment", "todo",
                          "lead_created", "opportunity_created", "opportunity_won"}
    assert any(a.automated for a in ds.activities)
    assert any(not a.completed for a in ds.activities)
    assert any(a.smart_list for a in ds.activities)
    assert {lead.status_group.value for lead in ds.leads if lead.status_group} == {
        "open", "won", "lost"}
    assert {c.kind.value for lead in ds.leads for c in lead.conversions} == {"order", "sale"}
    assert any(s.end is None for s in ds.sessions)
    assert {c.account_type.value for c in ds.customers if c.account_type} == {
        "business", "enterprise", "deactivated", "individual", "prospect"}
    offsets = {m.at.utcoffset() for m in ds.messages}
    assert len(offsets) >= 3  # each team's local offset


def test_human_replies_fall_in_their_team_open_hours() -> None:
    ds = from_dict(generate(seed=4, messages=800, weeks=2))
    users = {u.id: u.team for u in ds.users}
    replies = [m for m in ds.messages if m.is_human_outbound]
    assert replies
    inside = sum(ds.calendar_of_team(users[m.user]).is_open(m.at)  # type: ignore[index]
                 for m in replies)
    assert inside / len(replies) > 0.97


def test_start_and_weeks_place_the_data() -> None:
    data = generate(seed=1, messages=100, start=date(2025, 1, 6), weeks=1)
    first = min(datetime.fromisoformat(m["at"]) for m in data["messages"])
    assert first.date() >= date(2025, 1, 5)


def test_json_and_jsonl_output_match_generate(tmp_path: Path) -> None:
    data = generate(seed=9, messages=120, weeks=1)
    buf = io.StringIO()
    write(buf, format="json", seed=9, messages=120, weeks=1)
    assert json.loads(buf.getvalue()) == data
    lines = io.StringIO()
    write(lines, format="jsonl", seed=9, messages=120, weeks=1)
    expected = from_dict(data)
    got = load_jsonl(lines.getvalue().splitlines())
    assert got.messages == expected.messages and got.leads == expected.leads


def test_command_line_writes_json_and_jsonl(tmp_path: Path) -> None:
    out = tmp_path / "d.jsonl"
    assert main(["--seed", "1", "--messages", "50", "--weeks", "1", "--out", str(out)]) == 0
    assert len(load(out).messages) == 50
    out_json = tmp_path / "d.json"
    main(["--seed", "1", "--messages", "50", "--weeks", "1", "--format", "json",
          "--out", str(out_json)])
    assert load(out_json).messages == load(out).messages


def test_module_runs_as_a_script(tmp_path: Path) -> None:
    out = tmp_path / "d.json"
    subprocess.run([sys.executable, "-m", "salesmetrics.examples", "--messages", "20",
                    "--weeks", "1", "--out", str(out)], check=True)
    assert len(load_json(out).messages) == 20


def test_the_bundled_example_loads_and_is_what_its_command_writes() -> None:
    ds = load_json(EXAMPLE)
    assert len(ds.messages) == 2000 and len(ds.calendars) == 3
    assert EXAMPLE.stat().st_size < 2_000_000
    buf = io.StringIO()
    write(buf, format="json", seed=0, messages=2000, weeks=4, start=date(2026, 3, 2))
    assert buf.getvalue() == EXAMPLE.read_text(encoding="utf-8")


def test_the_example_is_package_data_and_examples_points_to_it() -> None:
    assert EXAMPLE.parent == ROOT / "src" / "salesmetrics" / "data"
    assert (ROOT / "examples" / "store_network.json").resolve() == EXAMPLE.resolve()
