"""The metric table: every metric declared once.

Each :class:`Metric` says what its function is, whether it counts over a
period or is taken at an instant, how it can be grouped, its options (the
function's keyword parameters, with the same names in case files), its
result fields with their unit and direction, and its report section. The
conformance registry (:mod:`salesmetrics.spec.registry`), the report's
sections, the direction of rankings and the docs table (:func:`markdown_table`,
``docs/metric-table.md``) are all derived from it, and a test checks it
against the functions themselves.

>>> TABLE["response_time"].takes, TABLE["response_time"].by
('period', ('team', 'user'))
>>> TABLE["response_time"].field("median").better, TABLE["response_rate"].field("rate").unit
('lower', 'rate')
>>> [m.name for m in TABLE.values() if m.takes == "instant"]
['waiting', 'colleagues', 'open_too_long', 'inactive_users']
>>> TABLE["lead_conversion"].row_free, TABLE["rep_activity"].row_free
(True, True)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs

from salesmetrics.metrics.activity import (
    finish_inactive_users,
    finish_rep_activity,
    finish_smart_list_progress,
    inactive_users,
    inactive_users_partial,
    rep_activity,
    rep_activity_partial,
    smart_list_progress,
    smart_list_progress_partial,
)
from salesmetrics.metrics.conversations import (
    conversation_partial,
    conversations,
    finish_conversations,
    finish_outbound_reply,
    outbound_reply,
    outbound_reply_partial,
)
from salesmetrics.metrics.conversion import (
    finish_lead_conversion,
    finish_lost_leads,
    lead_conversion,
    lead_conversion_partial,
    lost_leads,
    lost_leads_partial,
)
from salesmetrics.metrics.customers import (
    connected_customers,
    connected_customers_partial,
    finish_connected_customers,
    finish_new_customers,
    new_customers,
    new_customers_partial,
)
from salesmetrics.metrics.leads import (
    LEAD_GROUPINGS,
    finish_lead_dashboard,
    finish_lead_response_time,
    lead_dashboard,
    lead_dashboard_partial,
    lead_response_time,
    lead_response_time_partial,
)
from salesmetrics.metrics.realtime import (
    colleagues,
    colleagues_partial,
    finish_colleagues,
    finish_open_too_long,
    finish_waiting,
    open_too_long,
    open_too_long_partial,
    waiting,
    waiting_partial,
)
from salesmetrics.metrics.responses import (
    finish_reply_time,
    finish_response_rate,
    finish_response_time,
    reply_time,
    reply_time_partial,
    response_rate,
    response_rate_partial,
    response_time,
    response_time_partial,
)

__all__ = [
    "TABLE",
    "Field",
    "Metric",
    "Option",
    "ReportSection",
    "markdown_table",
]

Unit = Literal["count", "seconds", "rate", "instant", "text", "flag", "counts", "list",
               "change"]
Better = Literal["higher", "lower"] | None
Takes = Literal["period", "instant", "intervals"]


@attrs.frozen
class Field:
    """A result field: its unit and which way is better (None: neither)."""

    name: str
    unit: Unit
    better: Better = None
    doc: str = ""


@attrs.frozen
class Option:
    """A metric option: a keyword parameter of its function, named alike in case files.

    ``json`` says how a case file's value becomes the Python argument:
    ``"instant"`` and ``"date"`` are parsed from ISO text, anything else is
    passed as it is (the function validates it).
    """

    name: str
    doc: str
    default: Any = None
    required: bool = False
    json: Literal["instant", "date", "value"] = "value"


@attrs.frozen
class ReportSection:
    """How the report shows a metric: its title, its grouping per ``--by``, its columns.

    ``columns`` are ``(result field, header)`` pairs; how a column is shown
    and exported follows the field's unit.
    """

    title: str
    by_team: str | None
    by_user: str | None
    columns: tuple[tuple[str, str], ...]


@attrs.frozen
class Metric:
    """One metric of the table.

    ``row_free``: its finish computes every summary from the tallies alone, so
    ``finish(partial.without_rows())`` gives the summaries of ``finish(partial)``,
    and its partial function takes a keyword ``rows`` (default True):
    ``partial(..., rows=False)`` is ``partial(...).without_rows()``, computed
    without building a row. The report's pipeline asks these metrics for their
    tallies only (tests check the flag and the keyword).
    """

    name: str
    section: str
    doc: str
    takes: Takes
    by: tuple[str, ...]
    fields: tuple[Field, ...]
    options: tuple[Option, ...] = ()
    function: Callable[..., Any] | None = None
    adapter: str = ""
    report: ReportSection | None = None
    shape: Literal["object", "list"] = "object"
    reads_as_of: bool = True
    partial: Callable[..., Any] | None = None
    finish: Callable[..., Any] | None = None
    row_free: bool = False

    def field(self, name: str) -> Field:
        """A result field by name.

        Raises:
            KeyError: the metric has no such field.
        """
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def option_names(self) -> tuple[str, ...]:
        """The names of its options, in table order."""
        return tuple(o.name for o in self.options)

    @property
    def required(self) -> tuple[str, ...]:
        """The options a check must give."""
        return tuple(o.name for o in self.options if o.required)


def _counts(*names: str, better: Better = "higher") -> tuple[Field, ...]:
    return tuple(Field(n, "count", better) for n in names)


_TEAM = ("team",)
_GAP = Option("gap_seconds", "silence that starts a new conversation (seconds)", 1296000.0)
_CLOCK_BUSINESS = Option("clock", "clock: business, wall or deferred_start", "business")
_CLOCK_WALL = Option("clock", "clock: business, wall or deferred_start", "wall")
_OUTLIERS = Option("outliers", 'null, {"method": "tukey", "k": K} or {"method": "cap", '
                   '"seconds": S}')
_PROFILE = Option("profile", "first-response reading: instaply (default), zendesk, dbt_zendesk, "
                  "dbt_hubspot")
_RULES = Option("rules", "first-response rules overriding the profile's: start, stop, status, "
                "calendar")
_TARGETS = Option("targets", "one to five positive durations (seconds): within / within_rate")
_AT = Option("at", "the instant the metric is taken at", required=True, json="instant")
_KINDS = Option("kinds", "activity kinds that count as a response (default: every kind)")
_CATEGORIES = Option("categories", "only leads of these categories")
_TIMES = (Field("mean", "seconds", "lower"), Field("median", "seconds", "lower"))
_LEAD_BY = LEAD_GROUPINGS

_METRICS: tuple[Metric, ...] = (
    Metric("conversations", "2.1", "conversations by owner team: new, previously started",
           "period", _TEAM,
           _counts("total", "previously_started", "new_inbound", "new_outbound",
                   "existing_customers"),
           (_GAP,), conversations,
           report=ReportSection("Conversations", "team", None, (("total", "Total"), ("previously_started", "Ongoing"), ("new_inbound", "New in"), ("new_outbound", "New out"), ("existing_customers", "Returning"),)),
           partial=conversation_partial, finish=finish_conversations,
           row_free=True),
    Metric("response_rate", "2.2", "share of contacts their own team answered",
           "period", _TEAM,
           (*_counts("contacts", "answered", "answered_by_any"), Field("rate", "rate", "higher")),
           (_GAP,), response_rate,
           report=ReportSection("Response rate", "team", None, (("contacts", "Contacts"), ("answered", "Answered"), ("answered_by_any", "By anyone"), ("rate", "Rate"),)),
           partial=response_rate_partial, finish=finish_response_rate,
           row_free=True),
    Metric("response_time", "2.3", "first response time of new inbound conversations",
           "period", ("team", "user"),
           (Field("count", "count", "higher"), *_TIMES, Field("p90", "seconds", "lower"),
            Field("excluded", "count"), Field("excluded_values", "list"),
            Field("within", "list"), Field("within_rate", "list")),
           (_OUTLIERS, Option("clock", "clock: the profile's (business; wall for dbt_hubspot)"),
            _GAP, _PROFILE, _RULES, _TARGETS),
           response_time,
           report=ReportSection("Response time (business hours)", "team", "user",
                                (("count", "Replies"), ("mean", "Mean"), ("median", "Median"),
                                 ("p90", "90th pct"), ("excluded", "Excluded"))),
           partial=response_time_partial, finish=finish_response_time,
           row_free=True),
    Metric("reply_time", "7.3", "reply time of every contact, per replying team or user",
           "period", ("team", "user"),
           (Field("count", "count", "higher"), *_TIMES, Field("p90", "seconds", "lower"),
            Field("excluded", "count"), Field("excluded_values", "list"),
            Field("within", "list"), Field("within_rate", "list")),
           (_OUTLIERS, _CLOCK_BUSINESS, _TARGETS),
           reply_time,
           report=ReportSection("Reply time, every contact (business hours)", "team", "user",
                                (("count", "Replies"), ("mean", "Mean"), ("median", "Median"),
                                 ("p90", "90th pct"))),
           partial=reply_time_partial, finish=finish_reply_time,
           row_free=True),
    Metric("outbound_reply", "2.4", "customer reply rate and time of new outbound conversations",
           "period", ("team", "user"),
           (*_counts("conversations", "replied"), Field("rate", "rate", "higher"),
            Field("mean_time", "seconds", "lower"), Field("median_time", "seconds", "lower"),
            Field("p90_time", "seconds", "lower")),
           (_CLOCK_WALL, _GAP), outbound_reply,
           report=ReportSection("Customer reply to outbound conversations", "team", None, (("conversations", "Outbound"), ("replied", "Replied"), ("rate", "Rate"), ("mean_time", "Mean wait"), ("median_time", "Median wait"),)),
           partial=outbound_reply_partial, finish=finish_outbound_reply,
           row_free=True),
    Metric("new_customers", "2.5", "threads whose first message is in the period",
           "period", _TEAM,
           (*_counts("inbound", "outbound"), Field("by_channel", "counts")),
           (), new_customers,
           report=ReportSection("New customers", "team", None, (("inbound", "Inbound"), ("outbound", "Outbound"),)),
           partial=new_customers_partial, finish=finish_new_customers,
           row_free=True),
    Metric("connected_customers", "2.5", "threads started before the period end, by holder",
           "period", _TEAM, _counts("count"), (), connected_customers,
           report=ReportSection("Connected customers", "team", None, (("count", "Customers"),)),
           partial=connected_customers_partial, finish=finish_connected_customers,
           row_free=True),
    Metric("ranking", "2.6", "teams ranked by one result key of a metric", "period", (),
           (Field("team", "text"), Field("value", "count"), Field("rank", "count", "lower"),
            Field("previous_rank", "count", "lower"), Field("move", "count", "higher")),
           (Option("of", "the metric ranked", required=True),
            Option("key", "its result key", required=True),
            Option("previous_period", "true, or a period, to rank the previous period too"),
            Option("by", "the grouping ranked (team)", "team"),
            Option("options", "the ranked metric's own options")),
           adapter="salesmetrics.spec.adapters.compare:ranking", shape="list"),
    Metric("variation", "2.6", "one result key against the previous period of the same length",
           "period", ("team", "user", "type", "assignee", "responder", "store", "source",
                      "source_group", "category", "smart_list"),
           (Field("current", "count"), Field("previous", "count"), Field("change", "change")),
           (Option("of", "the metric compared", required=True),
            Option("key", "its result key", required=True),
            Option("options", "the compared metric's own options")),
           adapter="salesmetrics.spec.adapters.compare:variation"),
    Metric("waiting", "2.7", "threads whose contact is open at an instant", "instant", _TEAM,
           (Field("count", "count", "lower"), Field("threads", "list")),
           (_AT,), waiting,
           partial=waiting_partial, finish=finish_waiting),
    Metric("colleagues", "2.7", "per user: connected seconds, online, contacts processed",
           "instant", ("user",),
           (Field("connected_seconds", "seconds", "higher"), Field("online", "flag"),
            Field("contacts_processed", "count", "higher")),
           (Option("day", "the day (a date)", required=True, json="date"),
            Option("at", "the instant it is read at", required=True, json="instant"),
            Option("timezone", "IANA timezone of the day (default: the user's team calendar)")),
           colleagues,
           partial=colleagues_partial, finish=finish_colleagues),
    Metric("open_too_long", "2.7", "threads whose latest conversation is open too long",
           "instant", (),
           (Field("thread", "text"), Field("team", "text"), Field("assignee", "text"),
            Field("open_seconds", "seconds", "lower")),
           (_AT, Option("threshold_seconds", "age beyond which a thread is listed",
                        required=True),
            _GAP),
           open_too_long, shape="list",
           partial=open_too_long_partial, finish=finish_open_too_long),
    Metric("business_time", "3.2", "elapsed seconds of intervals on a calendar with a clock",
           "intervals", (), (Field("seconds", "seconds"),),
           (Option("calendar", "a calendar id of the dataset", required=True),
            Option("intervals", "[[a, b], ...] instants", required=True),
            Option("clock", "business, wall or deferred_start", "business")),
           adapter="salesmetrics.spec.adapters.calendar:business_time", shape="list"),
    Metric("lead_response_time", "4", "time to a lead's first response", "period", _LEAD_BY,
           (*_counts("leads", "responded"), *_TIMES, Field("p90", "seconds", "lower"),
            Field("within_24h", "count", "higher"), Field("within_24h_rate", "rate", "higher"),
            Field("buckets", "list")),
           (Option("clock", "clock: deferred_start, business or wall", "deferred_start"),
            _KINDS, Option("buckets", "up to five [from_hours, to_hours) buckets", ()),
            _CATEGORIES),
           lead_response_time,
           report=ReportSection("Lead response time", "team", "assignee", (("leads", "Leads"), ("responded", "Responded"), ("mean", "Mean"), ("median", "Median"), ("within_24h", "In 24h"), ("within_24h_rate", "In 24h %"),)),
           partial=lead_response_time_partial, finish=finish_lead_response_time,
           row_free=True),
    Metric("lead_dashboard", "4", "leads received, responded in a window, mean time", "period",
           (), (*_counts("received", "responded", "responded_in_window"), *_TIMES),
           (Option("at", "the instant the dashboard is read at", required=True,
                   json="instant"),
            Option("window_seconds", "the window before at (seconds)", 43200.0),
            Option("clock", "clock: deferred_start, business or wall", "deferred_start"),
            _CATEGORIES, _KINDS),
           lead_dashboard, reads_as_of=False,
           partial=lead_dashboard_partial, finish=finish_lead_dashboard),
    Metric("lead_conversion", "5", "leads converted into orders and sales", "period",
           ("type", "assignee"),
           (*_counts("leads", "converted"), Field("rate", "rate", "higher"),
            *_counts("orders", "sales"), Field("lead_ids", "list")),
           (), lead_conversion,
           report=ReportSection("Lead conversion", "type", "assignee", (("leads", "Leads"), ("converted", "Converted"), ("rate", "Rate"), ("orders", "Orders"), ("sales", "Sales"),)),
           partial=lead_conversion_partial, finish=finish_lead_conversion,
           row_free=True),
    Metric("lost_leads", "5", "leads lost, by reason", "period", ("type",),
           (Field("count", "count", "lower"), Field("by_status", "counts")),
           (), lost_leads,
           report=ReportSection("Lost leads", "type", "type", (("count", "Lost"),)),
           partial=lost_leads_partial, finish=finish_lost_leads,
           row_free=True),
    Metric("rep_activity", "6", "Statflo's activity report per user", "period", ("user",),
           (Field("first_name", "text"), Field("last_name", "text"), Field("code", "text"),
            Field("last_activity", "instant"),
            *_counts("sms_sent", "new_conversations", "sms_received", "calls_made",
                     "calls_answered"),
            Field("avg_call_seconds", "seconds", "lower"),
            *_counts("leads_created", "opportunities_created", "closed_won", "notes", "emails",
                     "appointments"),
            Field("openers_only", "flag")),
           (Option("smart_list", "only the activities of this smart list"),
            Option("on_smart_list", "true: activities on any list; false: off every list"),
            Option("team", "only this team's users"),
            Option("account_type", "only items of customers of this account type"),
            Option("brand", "only items of customers of this brand"),
            _GAP),
           rep_activity,
           report=ReportSection("Rep activity", "user", "user", (("sms_sent", "SMS sent"), ("new_conversations", "New conv."), ("sms_received", "SMS recv."), ("calls_made", "Calls"), ("calls_answered", "Answered"), ("avg_call_seconds", "Avg call"), ("leads_created", "Leads"), ("opportunities_created", "Opport."), ("closed_won", "Won"), ("notes", "Notes"), ("emails", "Emails"), ("appointments", "Appts"), ("last_activity", "Last activity"),)),
           partial=rep_activity_partial, finish=finish_rep_activity, row_free=True),
    Metric("inactive_users", "6", "users inactive for N days at an instant", "instant", (),
           (Field("user", "text"),),
           (_AT, Option("days", "days without activity", 5)),
           inactive_users, shape="list",
           partial=inactive_users_partial, finish=finish_inactive_users, row_free=True),
    Metric("smart_list_progress", "6", "accounts of each smart list attempted", "period",
           ("smart_list", "user"),
           (*_counts("accounts", "attempted"), Field("rate", "rate", "higher"),
            Field("users", "counts")),
           (), smart_list_progress,
           report=ReportSection("Smart list progress", "smart_list", "user", (("accounts", "Accounts"), ("attempted", "Attempted"), ("rate", "Rate"),)),
           partial=smart_list_progress_partial, finish=finish_smart_list_progress,
           row_free=True),
)

#: Every metric by name, in the order of the definitions.
TABLE: Mapping[str, Metric] = {m.name: m for m in _METRICS}


def markdown_table() -> str:
    """The docs table of every metric (``docs/metric-table.md`` is this text).

    >>> print(markdown_table().splitlines()[2])
    | `conversations` | 2.1 | period | `team` | `gap_seconds` | `total` (count ↑), `previously_started` (count ↑), `new_inbound` (count ↑), `new_outbound` (count ↑), `existing_customers` (count ↑) |
    """
    arrows = {"higher": " ↑", "lower": " ↓", None: ""}
    lines = ["| metric | definition | taken over | by | options | result fields (unit, better) |",
             "| --- | --- | --- | --- | --- | --- |"]
    for m in _METRICS:
        by = ", ".join(f"`{b}`" for b in m.by) or "—"
        opts = ", ".join(f"**`{o.name}`**" if o.required else f"`{o.name}`"
                         for o in m.options) or "—"
        fields = ", ".join(f"`{f.name}` ({f.unit}{arrows[f.better]})" for f in m.fields)
        lines.append(f"| `{m.name}` | {m.section} | {m.takes} | {by} | {opts} | {fields} |")
    return "\n".join(lines) + "\n"

