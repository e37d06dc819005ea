"""Lead conversion and lost leads (docs/definitions.md §5, RemOnline).

* :func:`lead_conversion`: over leads received in the period, how many
  converted (at least one order or sale up to ``as_of``), the rate, and the
  numbers of orders and sales; grouped by type, assignee or not at all.
* :func:`lost_leads`: leads received in the period whose status group is
  ``lost``, counted by status (the reason) and by type.

Both are rows (one :class:`ConversionRow` per lead) → partial aggregates
(tallies per group) that merge associatively → frozen results whose summaries
come from the tallies alone (the rows are the drill-down).

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
ConversionSummary(leads=2, converted=1, rate=0.5, orders=1, sales=0, lead_ids=('L1', 'L2'), lead_list=(LeadStatus(id='L1', status=None, status_group=None, type='repair', converted=True), LeadStatus(id='L2', status=None, status_group=None, type='repair', converted=False)))
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from operator import itemgetter
from typing import Any

import attrs

from salesmetrics._time import epoch_us
from salesmetrics.dataset import Dataset
from salesmetrics.load._files import fast_loads
from salesmetrics.metrics._args import check_by, check_dataset, check_window
from salesmetrics.metrics._partial import (
    Partial,
    Result,
    Tally,
    _Builder,
    check_partial,
    make_partial,
)
from salesmetrics.metrics.leads import group_names, leads_received, visible
from salesmetrics.model import ConversionKind, Lead, StatusGroup
from salesmetrics.period import Period
from salesmetrics.results import rate

__all__ = [
    "NO_STATUS",
    "ConversionAggregate",
    "ConversionRow",
    "ConversionSummary",
    "LeadStatus",
    "LostAggregate",
    "LostSummary",
    "conversion_rows",
    "finish_lead_conversion",
    "finish_lost_leads",
    "lead_conversion",
    "lead_conversion_partial",
    "lost_leads",
    "lost_leads_partial",
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
    def sort_key(self) -> tuple[Any, ...]:
        """Reception instant, then lead id."""
        return (self.received_at.timestamp(), self.id)

    @property
    def converted(self) -> bool:
        """Whether the lead has at least one visible conversion."""
        return self.orders + self.sales > 0

    def group(self, by: str) -> str | None:
        """The lead's group for ``type`` or ``assignee`` (None: in no group)."""
        value: str | None = getattr(self, by)
        return value


def _converted(lead: Lead, as_of: datetime | None) -> tuple[int, int]:
    """A lead's orders and sales visible at ``as_of``."""
    kinds = [c.kind for c in lead.conversions if visible(c.at, as_of)]
    return kinds.count(ConversionKind.ORDER), kinds.count(ConversionKind.SALE)


def _row(lead: Lead, as_of: datetime | None,
         converted: tuple[int, int] | None = None) -> ConversionRow:
    """A lead's row (``converted``: its :func:`_converted`, when known)."""
    orders, sales = _converted(lead, as_of) if converted is None else converted
    return ConversionRow(
        id=lead.id, received_at=lead.received_at, type=lead.type, assignee=lead.assignee,
        status=lead.status, status_group=lead.status_group, orders=orders, sales=sales,
    )


def conversion_rows(dataset: Dataset, /, *, period: Period,
                    as_of: datetime | None = None) -> tuple[ConversionRow, ...]:
    """One :class:`ConversionRow` per lead received in the period (visible), input order."""
    check_dataset(dataset)
    period, as_of = check_window(period, as_of)
    return tuple(_row(lead, as_of) for lead in leads_received(dataset, period, as_of))


def _lead_key(row: ConversionRow) -> tuple[datetime, str]:
    return (row.received_at, row.id)


def _sorted_rows(rows: Iterable[ConversionRow]) -> tuple[ConversionRow, ...]:
    return tuple(sorted(rows, key=_lead_key))


@attrs.frozen
class LeadStatus:
    """A lead of a conversion summary's drill-down list: its status, type and conversion."""

    id: str
    status: str | None
    status_group: StatusGroup | None
    type: str | None
    converted: bool


@attrs.frozen
class ConversionSummary:
    """Conversion of one group: leads, converted, rate, orders, sales and lead ids.

    ``lead_ids`` are sorted by reception, then id; ``lead_list`` is the
    drill-down list of those leads with their status, type and conversion.
    """

    leads: int
    converted: int
    rate: float | None
    orders: int
    sales: int
    lead_ids: tuple[str, ...]
    lead_list: tuple[LeadStatus, ...] = ()


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
            lead_list=tuple(LeadStatus(r.id, r.status, r.status_group, r.type, r.converted)
                            for r in self.rows),
        )


def lead_conversion(dataset: Dataset, /, *, period: Period, as_of: datetime | None = None,
                    by: str | None = None) -> Result[ConversionSummary, ConversionRow]:
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
    check_dataset(dataset)
    return finish_lead_conversion(lead_conversion_partial(dataset, period=period, as_of=as_of,
                                                          by=by), by=by)


def lead_conversion_partial(dataset: Dataset, /, *, period: Period,
                            as_of: datetime | None = None,
                            by: str | None = None, rows: bool = True
                            ) -> Partial[ConversionRow]:
    """The mergeable partial aggregate of :func:`lead_conversion`.

    Per group (every group of the grouping, even empty): leads, converted,
    orders and sales counted, and each lead's drill-down entry as a key (so
    the summary's ``lead_ids`` and ``lead_list`` need no rows); leads in no
    group in the ungrouped tally; and the rows (none with ``rows=False``).
    """
    check_dataset(dataset)
    check_by(by, ("type", "assignee"))
    period, as_of = check_window(period, as_of)
    b = _Builder(group_names(dataset, by) if by is not None else ())
    out = []
    for lead in leads_received(dataset, period, as_of):
        counts = orders, sales = _converted(lead, as_of)
        converted = orders + sales > 0
        group = getattr(lead, by) if by is not None else None  # the row's group(by)
        b.add(group, "leads")
        b.add(group, "converted", int(converted))
        b.add(group, "orders", orders)
        b.add(group, "sales", sales)
        b.key(group, "leads", _lead_entry(lead, converted))
        if rows:
            out.append(_row(lead, as_of, counts))
    return make_partial("lead_conversion", b, out, by)


def _lead_entry(lead: Lead, converted: bool) -> str:
    """A lead of a summary's drill-down list as a key: reception, id, status, type, converted."""
    group = None if lead.status_group is None else lead.status_group.value
    return json.dumps([lead.received_at.isoformat(), lead.id, lead.status, group, lead.type,
                       converted])


#: A status group by its value (an enum call per lead costs more than the rest of its decoding).
_STATUS_GROUPS: Mapping[str | None, StatusGroup | None] = {None: None,
                                                           **{g.value: g for g in StatusGroup}}

#: A decoded lead entry: its sort key (reception as epoch microseconds, id, then the
#: entry's other fields), and its drill-down item.
_Decoded = tuple[tuple[Any, ...], "LeadStatus"]


def _decode(entry: str) -> _Decoded:
    at, lead, status, group, kind, converted = fast_loads()(entry)
    return ((epoch_us(datetime.fromisoformat(at)), lead, status, group, kind, converted),
            LeadStatus(lead, status, _STATUS_GROUPS[group], kind, converted))


def _lead_list(entries: Iterable[str],
               decoded: dict[str, _Decoded] | None = None) -> tuple[LeadStatus, ...]:
    """The drill-down list of a summary from its keys, by reception, then id.

    Receptions are sorted as integers (:func:`epoch_us`), which compare as the
    aware instants do, without asking each instant's zone for its offset.
    ``decoded`` keeps each entry decoded once across the summaries of one
    result (a lead's entry is in its group's and in the overall summary).
    """
    memo: dict[str, _Decoded] = {} if decoded is None else decoded
    items = []
    for entry in entries:
        item = memo.get(entry)
        if item is None:
            item = memo[entry] = _decode(entry)
        items.append(item)
    items.sort(key=itemgetter(0))
    return tuple(item[1] for item in items)


def _conversion_summary(tally: Tally,
                        decoded: dict[str, _Decoded] | None = None) -> ConversionSummary:
    leads = tally.count("leads")
    converted = tally.count("converted")
    lead_list = _lead_list(tally.keys_of("leads"), decoded)
    return ConversionSummary(
        leads=leads, converted=converted, rate=rate(converted, leads),
        orders=tally.count("orders"), sales=tally.count("sales"),
        lead_ids=tuple(x.id for x in lead_list), lead_list=lead_list)


def finish_lead_conversion(partial: Partial[ConversionRow], /, *, by: str | None = None
                           ) -> Result[ConversionSummary, ConversionRow]:
    """The final :func:`lead_conversion` result of a (merged) partial aggregate.

    The summaries come from the tallies, so a partial without its rows gives
    the same summaries.
    """
    check_partial(partial, "lead_conversion")
    check_by(by, ("type", "assignee"))
    decoded: dict[str, _Decoded] = {}
    groups = ({k: _conversion_summary(t, decoded) for k, t in partial.tallies.items()}
              if by is not None else {})
    return Result("lead_conversion", by, groups, _conversion_summary(partial.overall(), decoded),
                  partial.rows)


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


def lost_leads(dataset: Dataset, /, *, period: Period, as_of: datetime | None = None,
               by: str | None = None) -> Result[LostSummary, ConversionRow]:
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
    check_dataset(dataset)
    return finish_lost_leads(lost_leads_partial(dataset, period=period, as_of=as_of, by=by),
                             by=by)


def lost_leads_partial(dataset: Dataset, /, *, period: Period, as_of: datetime | None = None,
                       by: str | None = None, rows: bool = True) -> Partial[ConversionRow]:
    """The mergeable partial aggregate of :func:`lost_leads`.

    Per group (every type, even empty) the lost leads counted by status (the
    reason); those of no type in the ungrouped tally; and the lost leads' rows
    (none with ``rows=False``).
    """
    check_dataset(dataset)
    check_by(by, ("type",))
    period, as_of = check_window(period, as_of)
    lost = [lead for lead in leads_received(dataset, period, as_of)
            if lead.status_group is StatusGroup.LOST]
    b = _Builder(group_names(dataset, by) if by is not None else ())
    for lead in lost:
        b.add(getattr(lead, by) if by is not None else None,  # the row's group(by)
              _STATUS + (NO_STATUS if lead.status is None else lead.status))
    return make_partial("lost_leads", b, [_row(lead, as_of) for lead in lost] if rows else (),
                        by)


#: The prefix of a lost leads tally's counter of one status.
_STATUS = "status:"


def _lost_summary(tally: Tally) -> LostSummary:
    counts = {name[len(_STATUS):]: n for name, n in tally.counts.items()
              if name.startswith(_STATUS) and n}
    return LostAggregate(count=sum(counts.values()), by_status=dict(sorted(counts.items()))
                         ).summary()


def finish_lost_leads(partial: Partial[ConversionRow], /, *, by: str | None = None
                      ) -> Result[LostSummary, ConversionRow]:
    """The final :func:`lost_leads` result of a (merged) partial aggregate (from its tallies)."""
    check_partial(partial, "lost_leads")
    check_by(by, ("type",))
    groups = ({k: _lost_summary(t) for k, t in partial.tallies.items()}
              if by is not None else {})
    return Result("lost_leads", by, groups, _lost_summary(partial.overall()), partial.rows)
