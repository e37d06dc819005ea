"""Calendar history (v1.1, 7.1): the calendar in force, pieces, and every clock across changes."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesmetrics.calendars import (
    BUSINESS,
    DEFERRED_START,
    WALL,
    Calendar,
    CalendarHistory,
    Special,
    Week,
)
from salesmetrics.errors import SalesmetricsError
from salesmetrics.load import from_dict, load_csv_dir
from salesmetrics.load._csv import dump_csv_dir

UTC = dt.UTC
T0 = dt.datetime(2026, 6, 1, tzinfo=UTC)
NINE_FIVE = Calendar("UTC", Week.every_day(("09:00", "17:00")))
MORNINGS = Calendar("UTC", Week.every_day(("08:00", "12:00")))
NEVER = Calendar("UTC", Week())


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_in_force_is_the_last_change_at_or_before() -> None:
    h = CalendarHistory(NINE_FIVE, [(T0, MORNINGS)])
    assert h.in_force(T0 - dt.timedelta(seconds=1)) is NINE_FIVE
    assert h.in_force(T0) is MORNINGS


def test_changes_must_be_strictly_increasing() -> None:
    with pytest.raises(ValueError, match="strictly increasing"):
        CalendarHistory(NINE_FIVE, [(T0, MORNINGS), (T0, NINE_FIVE)])


def test_pieces_cut_only_at_changes_strictly_inside() -> None:
    h = CalendarHistory(NINE_FIVE, [(T0, MORNINGS)])
    assert [p[2] for p in h.pieces(T0, T0 + dt.timedelta(days=1))] == [MORNINGS]
    assert [p[2] for p in h.pieces(T0 - dt.timedelta(days=1), T0)] == [NINE_FIVE]
    got = h.pieces(T0 - dt.timedelta(days=1), T0 + dt.timedelta(days=1))
    assert [(p[0], p[1], p[2]) for p in got] == [
        (T0 - dt.timedelta(days=1), T0, NINE_FIVE), (T0, T0 + dt.timedelta(days=1), MORNINGS)]


def test_business_is_the_sum_of_the_pieces_and_signed() -> None:
    h = CalendarHistory(NINE_FIVE, [(T0, MORNINGS)])
    a, b = at("2026-05-31T16:00:00+00:00"), at("2026-06-01T10:00:00+00:00")
    assert h.elapsed(BUSINESS, a, b) == 3600 + 7200
    assert h.elapsed(BUSINESS, b, a) == -(3600 + 7200)
    assert h.elapsed(WALL, a, b) == (b - a).total_seconds()


def test_deferred_start_opens_on_the_calendar_in_force() -> None:
    # closed from the change on: the opening is the old calendar's, before the change
    h = CalendarHistory(NEVER, [(T0, MORNINGS)])
    a = at("2026-05-31T20:00:00+00:00")
    assert h.elapsed(DEFERRED_START, a, at("2026-06-01T09:00:00+00:00")) == 3600
    assert h.next_opening(a) == at("2026-06-01T08:00:00+00:00")
    # no opening before b: 0
    assert h.elapsed(DEFERRED_START, a, at("2026-06-01T07:00:00+00:00")) == 0
    # an opening on the old calendar that the change cut off does not count
    h2 = CalendarHistory(MORNINGS, [(at("2026-06-01T07:00:00+00:00"), NEVER)])
    assert h2.elapsed(DEFERRED_START, a, at("2026-06-02T09:00:00+00:00")) == 0


def test_deferred_start_never_searches_past_b() -> None:
    # regression: no weekly hours and one special date in 9990 made the search
    # walk 8,000 years, one compiled year at a time
    far = Calendar("UTC", Week()) + Special("9990-06-01", ("09:00", "10:00"))
    a = at("2026-03-02T09:00:00+00:00")
    assert DEFERRED_START.elapsed(far, a, a + dt.timedelta(days=1)) == 0
    assert far.next_opening(a) == at("9990-06-01T09:00:00+00:00")
    history = CalendarHistory(NINE_FIVE, [(a, far)])
    assert history.elapsed(DEFERRED_START, a, a + dt.timedelta(days=2)) == 0
    assert history.next_opening(a) == at("9990-06-01T09:00:00+00:00")


def test_empty_week_next_opening_walks_special_dates_only() -> None:
    cal = (Calendar("UTC", Week()) + Special("2026-03-02", ("22:00", "02:00"))
           + Special("2026-03-10", ("09:00", "10:00")))
    assert cal.next_opening(at("2026-03-03T01:00:00+00:00")) == at("2026-03-03T01:00:00+00:00")
    assert cal.next_opening(at("2026-03-03T03:00:00+00:00")) == at("2026-03-10T09:00:00+00:00")
    assert cal.next_opening(at("2026-03-10T10:00:00+00:00")) is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 20 * 24), min_size=0, max_size=4, unique=True),
       st.integers(0, 25 * 24 * 60), st.integers(0, 10 * 24 * 60),
       st.lists(st.sampled_from([NINE_FIVE, MORNINGS, NEVER]), min_size=5, max_size=5))
def test_history_equals_minute_by_minute(hours: list[int], start: int, length: int,
                                         cals: list[Calendar]) -> None:
    changes = [(T0 + dt.timedelta(hours=h), cals[i + 1]) for i, h in enumerate(sorted(hours))]
    h = CalendarHistory(cals[0], changes)
    a = T0 + dt.timedelta(minutes=start)
    b = a + dt.timedelta(minutes=length)
    minutes = [a + dt.timedelta(minutes=k) for k in range(length)]
    open_minutes = [m for m in minutes if h.in_force(m).is_open(m)]
    assert h.elapsed(BUSINESS, a, b) == 60 * len(open_minutes)
    expected = (b - open_minutes[0]).total_seconds() if open_minutes else 0.0
    assert h.elapsed(DEFERRED_START, a, b) == expected


def _data(history: list[dict[str, str]]) -> dict[str, object]:
    return {"calendars": {"w": {"timezone": "UTC"}, "s": {"timezone": "UTC"}},
            "teams": [{"id": "A", "calendar": "w", "calendar_history": history}]}


def _error(data: dict[str, object]) -> tuple[str, str]:
    with pytest.raises(SalesmetricsError) as info:
        from_dict(data)
    return info.value.code, info.value.path


def test_loader_errors_name_the_entry() -> None:
    ok = {"from": "2026-06-01T00:00:00Z", "calendar": "s"}
    assert _error(_data([ok, {"from": "2026-06-01T00:00:00+00:00", "calendar": "w"}])) == (
        "invalid_value", "teams[0].calendar_history[1].from")
    assert _error(_data([ok, {"from": "2026-07-01T00:00:00Z", "calendar": "zz"}])) == (
        "unknown_reference", "teams[0].calendar_history[1].calendar")
    assert _error(_data([{"calendar": "s"}])) == (
        "missing_field", "teams[0].calendar_history[0].from")
    assert _error(_data([{"from": "2026-06-01T00:00:00", "calendar": "s"}])) == (
        "invalid_instant", "teams[0].calendar_history[0].from")


def test_loaded_history_reaches_the_dataset(tmp_path: object) -> None:
    data = _data([{"from": "2026-06-01T00:00:00Z", "calendar": "s"},
                  {"from": "2026-09-01T00:00:00Z", "calendar": "w"}])
    ds = from_dict(data)
    history = ds.calendar_history_of_team("A")
    assert [s.isoformat() for s, _ in history.changes] == [
        "2026-06-01T00:00:00+00:00", "2026-09-01T00:00:00+00:00"]
    assert ds.calendar_in_force("A", T0) is ds.calendars["s"]
    import pathlib

    folder = pathlib.Path(str(tmp_path)) / "csv"
    dump_csv_dir(data, folder)
    assert (folder / "calendar_history.csv").read_text().splitlines()[0] == "team,from,calendar"
    again = load_csv_dir(folder)
    assert again.teams == ds.teams


def test_every_error_of_a_history_is_collected() -> None:
    from salesmetrics.errors import DatasetError

    data = _data([{"from": "2026-06-01T00:00:00Z", "calendar": "nope"},
                  {"from": "2026-06-01T00:00:00Z", "calendar": "s"},
                  {"from": "2026-05-01T00:00:00Z", "calendar": "s"}])
    with pytest.raises(DatasetError) as info:
        from_dict(data)
    assert [(e.code, e.path) for e in info.value.errors] == [
        ("unknown_reference", "teams[0].calendar_history[0].calendar"),
        ("invalid_value", "teams[0].calendar_history[1].from"),
        ("invalid_value", "teams[0].calendar_history[2].from")]


def test_json_lines_and_csv_rows_carry_a_history(tmp_path: object) -> None:
    import pathlib

    from salesmetrics.load import load_jsonl

    lines = ['{"section": "calendars", "id": "s", "timezone": "UTC"}',
             '{"section": "teams", "id": "A", "calendar_history": '
             '[{"from": "2026-06-01T00:00:00Z", "calendar": "s"}]}']
    ds = load_jsonl(lines)
    assert ds.calendar_in_force("A", T0).timezone == "UTC"
    folder = pathlib.Path(str(tmp_path))
    (folder / "teams.csv").write_text("id\nA\n")
    (folder / "calendars.json").write_text('{"s": {"timezone": "UTC"}}')
    (folder / "calendar_history.csv").write_text(
        "team,from,calendar\nA,2026-06-01T00:00:00Z,s\nZ,2026-07-01T00:00:00Z,s\n"
        "A,2026-05-01T00:00:00Z,s\n")
    with pytest.raises(SalesmetricsError) as info:
        load_csv_dir(folder)
    errors = getattr(info.value, "errors", (info.value,))
    assert [(e.code, e.path) for e in errors] == [
        ("unknown_reference", "calendar_history[1].team"),
        ("invalid_value", "teams[0].calendar_history[1].from")]
