"""Every result with drill-down rows exports them as formula-safe CSV."""

from __future__ import annotations

from salesmetrics.load import from_dict


def test_every_result_with_rows_exports_formula_safe_csv() -> None:
    from datetime import UTC, datetime

    from salesmetrics import metrics
    from salesmetrics.examples import generate
    from salesmetrics.period import Period

    ds = from_dict(generate(seed=5, messages=300))
    week = Period(datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC))
    at = datetime(2026, 3, 6, 12, tzinfo=UTC)
    results = [
        metrics.response_rate(ds, period=week, by="team"),
        metrics.lead_response_time(ds, period=week, by="team"),
        metrics.lead_dashboard(ds, period=week, at=at),
        metrics.lead_conversion(ds, period=week, by="type"),
        metrics.lost_leads(ds, period=week),
        metrics.rep_activity(ds, period=week, by="user"),
        metrics.inactive_users(ds, at=at),
        metrics.smart_list_progress(ds, period=week),
        metrics.colleagues(ds, day=at.date(), at=at, by="user"),
        metrics.open_too_long(ds, at=at, threshold_seconds=3600),
    ]
    for result in results:
        text = result.csv()
        rows = result.to_rows()
        assert text.count("\n") == len(rows) + 1, type(result).__name__
        for line in text.splitlines()[1:]:
            assert not line.startswith(("=", "+", "-", "@", "\t")), line
