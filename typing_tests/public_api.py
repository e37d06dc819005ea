"""Small uses of the public API, checked by mypy (strict): what users see in their checker."""

from __future__ import annotations

from datetime import UTC, datetime

from salesmetrics import Dataset, Period, SalesmetricsError, from_dict
from salesmetrics.calendars import BUSINESS, Calendar, Clock, Holidays, Week, clock_named
from salesmetrics.metrics import lead_response_time, rank, response_rate, response_time
from salesmetrics.rules import Tukey

ds: Dataset = from_dict({"teams": [{"id": "A"}]})
week = Period(datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC))

rates = response_rate(ds, period=week, by="team")
rate_a: float | None = rates.groups["A"].rate

times = response_time(ds, period=week, clock=BUSINESS, outliers=Tukey(1.5))
mean_a: float | None = times.groups["A"].mean

leads = lead_response_time(ds, period=week, by="team", buckets=[(0, 1), (1, 6)])

store = Calendar("Europe/Paris", Week.weekdays(("09:00", "19:00"))) + Holidays("FR")
clock: Clock = clock_named("business")
seconds: float = clock.elapsed(store, week.start, week.end)

rows = rank({"A": 0.5, "B": None}, higher_is_better=True)
first_rank: int | None = rows[0].rank

try:
    from_dict({"teams": [{"id": 1}]})
except SalesmetricsError as err:
    where: str = err.path
    code: str = err.code
