"""Lead conversion and lost leads (METRICS.md §5, RemOnline).

* :func:`lead_conversion`: over leads received in the period, how many
  converted (at least one order or sale up to ``as_of``), the rate, and the
  numbers of orders and sales; grouped by type, assignee or not at all.
* :func:`lost_leads`: leads received in the period whose status group is
  ``lost``, counted by status (the reason) and by type.

Both are rows (one :class:`ConversionRow` per lead) → aggregates that merge
associatively → frozen results whose summaries are the aggregates of the rows.

>>> from datetime import datetime, timezone
>>> from salesmetrics.dataset import Dataset
>>> from salesmetrics.model import Conversion, ConversionKind, Lead
>>> from salesmetrics.period import Period
>>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
>>> ds = Dataset(leads=[
...     Lead(id="L1", received_at=t, type="repair",
...          conversions=(Conversion(kind=ConversionKind.ORDER, at=t),)),
...     Lead(id="L2", received_at=t, type="repair")])
>>> r = lead_conversion(ds, period=Period(t, t.replace(hour=10)), by="type")
>>> r.groups["repair"]
ConversionSummary(leads=2, converted=1, rate=0.5, orders=1, sales=0, lead_ids=('L1', 'L2'))
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs

from salesmetrics.dataset import Dataset
from salesmetrics.metrics._common import check_by
from salesmetrics.metrics._params import check_args
from salesmetrics.metrics.leads import group_names, leads_received, to_rows, visible
from salesmetrics.model import ConversionKind, Lead, StatusGroup
from salesmetrics.period import Period
from salesmetrics.results import RowsExport, rate

__all__ = [
    "NO_STATUS",
    "ConversionAggregate",
    "ConversionRow",
    "ConversionSummary",
    "LeadConversion",
    "LostAggregate",
    "LostLeads",
    "LostSummary",
    "conversion_rows",
    "lead_conversion",
    "lost_leads",
]

#: The ``by_status`` key of a lost lead without a status.
NO_STATUS = "(none)"


@attrs.frozen
class ConversionRow:
    """One lead received in the period, with what it converted into up to ``as_of``."""

    id: str
    received_at: datetime
    type: str | None
    assignee: str | None
    status: str | None
    status_group: StatusGroup | None
    orders: int
    sales: int

    @property
    def converted(self) -> bool:
        """Whether the lead has at least one visible conversion."""
        return self.orders + self.sales > 0

    def group(self, by: str) -> str | None:
        """The lead's group for ``type`` or ``assignee`` (None: in no group)."""
        value: str | None = getattr(self, by)
        return value


def _row(lead: Lead, as_of: datetime | None) -> ConversionRow:
    kinds = [c.kind for c in lead.conversions if visible(c.at, as_of)]
    return ConversionRow(
        id=lead.id, received_at=lead.received_at, type=lead.type, assignee=lead.assignee,
        status=lead.status, status_group=lead.status_group,
        orders=kinds.count(ConversionKind.ORDER), sales=kinds.count(ConversionKind.SALE),
    )


def conversion_rows(dataset: Dataset, /, *, period: Period,
                    as_of: datetime | None = None) -> tuple[ConversionRow, ...]:
    """One :class:`ConversionRow` per lead received in the period (visible), input order."""
    check_args(dataset, period=period, as_of=as_of)
    return tuple(_row(lead, as_of) for lead in leads_received(dataset, period, as_of))


def _lead_key(row: ConversionRow) -> tuple[datetime, str]:
    return (row.received_at, row.id)


def _sorted_rows(rows: Iterable[ConversionRow]) -> tuple[ConversionRow, ...]:
    return tuple(sorted(rows, key=_lead_key))


@attrs.frozen
class ConversionSummary:
    """Conversion of one group: leads, converted, rate, orders, sales and lead ids.

    ``lead_ids`` are sorted by reception, then id.
    """

    leads: int
    converted: int
    rate: float | None
    orders: int
    sales: int
    lead_ids: tuple[str, ...]


@attrs.frozen
class ConversionAggregate:
    """A partial aggregate of conversion rows; merges associatively."""

    rows: tuple[ConversionRow, ...] = attrs.field(default=(), converter=_sorted_rows)

    @classmethod
    def of(cls, rows: Iterable[ConversionRow]) -> ConversionAggregate:
        """The aggregate of some rows."""
        return cls(rows=tuple(rows))

    def merge(self, other: ConversionAggregate) -> ConversionAggregate:
        """The aggregate of both parts."""
        return ConversionAggregate(rows=self.rows + other.rows)

    def summary(self) -> ConversionSummary:
        """The summary of the rows."""
        converted = sum(1 for r in self.rows if r.converted)
        return ConversionSummary(
            leads=len(self.rows), converted=converted, rate=rate(converted, len(self.rows)),
            orders=sum(r.orders for r in self.rows), sales=sum(r.sales for r in self.rows),
            lead_ids=tuple(r.id for r in self.rows),
        )


@attrs.frozen
class LeadConversion(RowsExport):
    """The result of :func:`lead_conversion`.

    ``overall`` counts every lead; ``groups`` (empty without ``by``) one
    summary per type or assignee; ``leads`` the drill-down rows (status, type,
    conversions) in the order of ``overall.lead_ids``.
    """

    by: str | None
    overall: ConversionSummary
    groups: Mapping[str, ConversionSummary]
    leads: tuple[ConversionRow, ...]

    def to_rows(self) -> list[dict[str, Any]]:
        """The drill-down rows as JSON-able dicts."""
        return to_rows(self.leads)


def lead_conversion(dataset: Dataset, /, *, period: Period, as_of: datetime | None = None,
                    by: str | None = None) -> LeadConversion:
    """Conversion of the leads received in the period into orders and sales.

    Is equivalent to::

        leads = [lead for lead in dataset.leads if lead.received_at in period]
        converted = [lead for lead in leads
                     if any(c.at <= as_of for c in lead.conversions)]
        rate = len(converted) / len(leads)
        orders = count(c.kind == "order" and c.at <= as_of for each conversion)

    per ``type`` (every distinct type of the dataset's leads appears) or per
    ``assignee`` (every user appears); a lead with no value is in no group.

    Raises:
        SalesmetricsError: ``invalid_option`` at ``by`` for another grouping.

    >>> from datetime import datetime, timezone
    >>> from salesmetrics.model import Lead, User
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> ds = Dataset(users=[User(id="u"), User(id="v")],
    ...              leads=[Lead(id="L", received_at=t, assignee="u")])
    >>> r = lead_conversion(ds, period=Period(t, t.replace(hour=10)), by="assignee")
    >>> r.groups["u"].leads, r.groups["v"].rate
    (1, None)
    """
    check_args(dataset, period=period, as_of=as_of)
    check_by(by, ("type", "assignee"))
    rows = conversion_rows(dataset, period=period, as_of=as_of)
    overall = ConversionAggregate.of(rows)
    groups: dict[str, list[ConversionRow]] = {}
    if by is not None:
        groups = {n: [] for n in group_names(dataset, by)}
        for r in rows:
            key = r.group(by)
            if key is not None:
                groups.setdefault(key, []).append(r)
    return LeadConversion(
        by=by, overall=overall.summary(),
        groups={k: ConversionAggregate.of(v).summary() for k, v in groups.items()},
        leads=overall.rows,
    )


@attrs.frozen
class LostSummary:
    """Lost leads of one group: how many, and how many per status (reason)."""

    count: int
    by_status: Mapping[str, int]


@attrs.frozen
class LostAggregate:
    """A partial aggregate of lost leads; merges associatively."""

    count: int = 0
    by_status: Mapping[str, int] = attrs.field(factory=dict)

    @classmethod
    def of(cls, rows: Iterable[ConversionRow]) -> LostAggregate:
        """The aggregate of some lost lead rows."""
        counts = Counter(NO_STATUS if r.status is None else r.status for r in rows)
        return cls(count=sum(counts.values()), by_status=dict(sorted(counts.items())))

    def merge(self, other: LostAggregate) -> LostAggregate:
        """The aggregate of both parts."""
        counts = Counter(self.by_status)
        counts.update(other.by_status)
        return LostAggregate(count=self.count + other.count,
                             by_status=dict(sorted(counts.items())))

    def summary(self) -> LostSummary:
        """The summary."""
        return LostSummary(count=self.count, by_status=dict(self.by_status))


@attrs.frozen
class LostLeads(RowsExport):
    """The result of :func:`lost_leads`: overall, per type, and the lost leads."""

    by: str | None
    overall: LostSummary
    groups: Mapping[str, LostSummary]
    leads: tuple[ConversionRow, ...]

    def to_rows(self) -> list[dict[str, Any]]:
        """The lost leads as JSON-able dicts."""
        return to_rows(self.leads)


def lost_leads(dataset: Dataset, /, *, period: Period, as_of: datetime | None = None,
               by: str | None = None) -> LostLeads:
    """Leads received in the period whose status group is ``lost``, by reason.

    Is equivalent to::

        lost = [lead for lead in dataset.leads
                if lead.received_at in period and lead.status_group == "lost"]
        count = len(lost)
        by_status = Counter(lead.status or "(none)" for lead in lost)

    per ``type`` when ``by="type"`` (every distinct type of the dataset's leads).

    >>> from datetime import datetime, timezone
    >>> from salesmetrics.model import Lead, StatusGroup
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> ds = Dataset(leads=[Lead(id="L", received_at=t, status="price",
    ...                          status_group=StatusGroup.LOST)])
    >>> lost_leads(ds, period=Period(t, t.replace(hour=10))).overall
    LostSummary(count=1, by_status={'price': 1})
    """
    check_args(dataset, period=period, as_of=as_of)
    check_by(by, ("type",))
    rows = tuple(r for r in conversion_rows(dataset, period=period, as_of=as_of)
                 if r.status_group is StatusGroup.LOST)
    groups: dict[str, list[ConversionRow]] = {}
    if by is not None:
        groups = {n: [] for n in group_names(dataset, by)}
        for r in rows:
            key = r.group(by)
            if key is not None:
                groups.setdefault(key, []).append(r)
    return LostLeads(
        by=by, overall=LostAggregate.of(rows).summary(),
        groups={k: LostAggregate.of(v).summary() for k, v in groups.items()},
        leads=tuple(sorted(rows, key=_lead_key)),
    )
