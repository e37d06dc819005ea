"""build_report returns plain data; the text rendering a manager reads."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesmetrics.examples import EXAMPLE_PERIOD, example_path
from salesmetrics.load import from_dict, load
from salesmetrics.report import (
    SECTIONS,
    Column,
    Report,
    build_report,
    format_change,
    format_duration,
    format_points,
    format_value,
    points_change,
    relative_change,
    render_table,
)
from salesmetrics.spec.check import Check
from salesmetrics.spec.registry import adapter_for

DATASET = load(example_path())


@pytest.fixture(scope="module")
def by_team() -> Report:
    return build_report(DATASET, period=EXAMPLE_PERIOD)


@pytest.fixture(scope="module")
def by_user() -> Report:
    return build_report(DATASET, period=EXAMPLE_PERIOD, by="user")


def test_rows_hold_raw_numbers_and_totals_are_the_ungrouped_metric(by_team: Report) -> None:
    for section in by_team.sections:
        assert section.error is None, section.title
        adapter = adapter_for(section.metric)
        whole = adapter(DATASET, Check(section.metric, period=EXAMPLE_PERIOD))
        before = adapter(DATASET, Check(section.metric, period=EXAMPLE_PERIOD.previous()))
        assert section.total is not None and section.total.group is None
        for c in section.columns:
            if c.kind == "instant":
                continue
            assert section.total.values[c.key] == whole[c.key], (section.metric, c.key)
            assert section.total.previous[c.key] == before[c.key], (section.metric, c.key)


def test_rows_carry_the_previous_period_by_group(by_team: Report) -> None:
    rate = next(s for s in by_team.sections if s.metric == "response_rate")
    grouped = adapter_for("response_rate")(
        DATASET, Check("response_rate", period=EXAMPLE_PERIOD.previous(), by="team"))
    for row in rate.rows:
        assert row.group is not None
        assert row.previous["contacts"] == grouped[row.group]["contacts"]
        assert isinstance(row.values["rate"], float)


def test_groups_are_named(by_team: Report, by_user: Report) -> None:
    teams = next(s for s in by_team.sections if s.metric == "conversations")
    assert [(r.group, r.name) for r in teams.rows] == [
        ("montreal", "Montréal Centre"), ("online", "Online (overnight)"),
        ("paris", "Paris Opéra")]
    reps = next(s for s in by_user.sections if s.metric == "rep_activity")
    names = [r.name for r in reps.rows]
    assert "Camille Durand" in names and all(not n.startswith("u-") for n in names)
    assert names.index("Émile Tremblay") < names.index("Hugo Martin")  # accents ignored


def test_a_group_without_a_name_shows_its_id() -> None:
    data = {"teams": [{"id": "north"}], "users": [{"id": "u1", "team": "north"}],
            "threads": [{"id": "t", "team": "north"}],
            "messages": [{"thread": "t", "at": "2026-03-10T10:00:00+00:00",
                          "direction": "in"}]}
    report = build_report(from_dict(data), period=EXAMPLE_PERIOD)
    assert report.sections[0].rows[0].name == "north"


def test_sections_without_a_user_grouping_say_so(by_user: Report) -> None:
    conversations = by_user.sections[0]
    assert conversations.error == "not available by user" and conversations.rows == ()


def test_no_compare_leaves_previous_empty() -> None:
    report = build_report(DATASET, period=EXAMPLE_PERIOD, compare=False)
    assert report.previous is None
    assert all(not r.previous for s in report.sections for r in s.rows)
    assert "change" not in render_table(report)


def test_progress_is_called_before_each_section_and_at_the_end() -> None:
    calls: list[tuple[int, int, str]] = []
    build_report(DATASET, period=EXAMPLE_PERIOD, compare=False,
                 progress=lambda d, t, title: calls.append((d, t, title)))
    assert [c[0] for c in calls] == list(range(len(SECTIONS) + 1))
    assert {c[1] for c in calls} == {len(SECTIONS)}
    assert [c[2] for c in calls] == [s.title for s in SECTIONS] + [""]


@pytest.mark.parametrize("width", [120, 100, 80])
def test_the_text_fits_the_width_and_shows_names_not_ids(
        by_team: Report, by_user: Report, width: int) -> None:
    for report in (by_team, by_user):
        text = render_table(report, width=width)
        assert max(len(line) for line in text.splitlines()) <= width
        assert "u-camille" not in text and "montreal " not in text
        assert re.search(r"\(\s*[+-]\d+%\)", text) is None  # no change in brackets
    assert "Rep activity (by user) (1/" in render_table(by_user, width=width)


def test_the_text_shows_durations_percentages_and_totals(by_team: Report) -> None:
    text = render_table(by_team)
    block = text.split("Response time (business hours)")[1].split("\n\n")[0]
    assert re.search(r"\b\d+m \d\ds\b", block)
    assert "All teams" in block and block.count("---") >= 2
    rate = text.split("Response rate (by team)")[1].split("\n\n")[0]
    assert re.search(r"\b\d+% [+-]\d+ pts\b", rate) or " = " in rate
    assert "Mon 09 Mar 2026 00:00 (UTC+01:00)" in text


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0s"), (45, "45s"), (59.6, "1m 00s"), (125, "2m 05s"), (3900, "1h 05m"),
    (86399, "23h 59m"), (311_000, "3d 14h"), (None, "N/A"), (-90, "-1m 30s")])
def test_durations_read_like_a_person_writes_them(seconds: float | None, text: str) -> None:
    assert format_duration(seconds) == text


@given(st.floats(min_value=0, max_value=10**8))
def test_a_duration_text_is_within_its_last_unit(seconds: float) -> None:
    units = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    parts = re.findall(r"(\d+)([dhms])", format_duration(seconds))
    total = sum(int(n) * units[u] for n, u in parts)
    assert 0 <= seconds - total + 0.5 < units[parts[-1][1]] + 0.5


def test_changes() -> None:
    assert relative_change(12, 10) == pytest.approx(0.2)
    assert relative_change(5, 0) is None and relative_change(None, 3) is None
    assert points_change(0.75, 0.7) == pytest.approx(0.05)
    assert (format_change(8, 10), format_change(4, 4), format_change(2, 0),
            format_change(0, 0)) == ("-20%", "=", "new", "=")
    assert format_points(0.5, 0.25) == "+25 pts" and format_points(None, 0.5) == ""


@pytest.mark.parametrize(("kind", "value", "text"), [
    ("count", 1234, "1,234"), ("rate", 0.5, "50%"), ("rate", None, "N/A"),
    ("seconds", 7200, "2h 00m"), ("instant", "2026-03-15T07:57:02+01:00", "Sun 15 Mar 07:57")])
def test_values(kind: Any, value: Any, text: str) -> None:
    assert format_value(Column("k", kind, "K"), value) == text


_NAMES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1,
                 max_size=60)


@given(st.lists(_NAMES, min_size=1, max_size=3), st.sampled_from([120, 90]))
def test_any_names_fit_the_width_and_send_no_control_character(
        names: list[str], width: int) -> None:
    from salesmetrics.report import _text_width

    data: dict[str, Any] = {
        "teams": [{"id": f"T{i}", "name": n} for i, n in enumerate(names)],
        "threads": [{"id": f"t{i}", "team": f"T{i}"} for i in range(len(names))],
        "messages": [{"thread": f"t{i}", "at": "2026-03-10T10:00:00+01:00", "direction": "in"}
                     for i in range(len(names))]}
    report = build_report(from_dict(data), period=EXAMPLE_PERIOD)
    text = render_table(report, source="data\x1b]0;title\x07.json", width=width)
    assert max(_text_width(line) for line in text.splitlines()) <= width
    assert not any(c != "\n" and (ord(c) < 32 or 0x7F <= ord(c) < 0xA0) for c in text)


def test_profiles_section_puts_each_profiles_median_side_by_side() -> None:
    from salesmetrics.errors import SalesmetricsError
    from salesmetrics.metrics import compare_profiles, differing

    ds = load(example_path())
    names = ("instaply", "zendesk", "dbt_hubspot")
    report = build_report(ds, period=EXAMPLE_PERIOD, profiles=names)
    (section,) = [s for s in report.sections if s.metric == "compare_profiles"]
    before = [s.metric for s in report.sections]
    assert before.index("compare_profiles") == before.index("response_time") + 1
    assert [c.key for c in section.columns] == [*names, "differ"]
    cmp = compare_profiles(ds, period=EXAMPLE_PERIOD, profiles=names, by="team")
    for row in section.rows:
        assert row.group is not None
        assert [row.values[p] for p in names] == [cmp.groups[row.group][p].median for p in names]
    assert section.total is not None and section.total.values["differ"] == len(differing(cmp))
    unteamed = sum(1 for r in differing(cmp) if all(t is None for t in r.teams.values()))
    assert sum(r.values["differ"] for r in section.rows) == len(differing(cmp)) - unteamed
    assert "compare_profiles" not in [s.metric for s in build_report(
        ds, period=EXAMPLE_PERIOD).sections]
    for bad in (("nope",), ("zendesk", "zendesk"), ("zendesk", "")):
        with pytest.raises(SalesmetricsError) as e:
            build_report(ds, period=EXAMPLE_PERIOD, profiles=bad)
        assert (e.value.code, e.value.path) == ("invalid_option", "profiles")
