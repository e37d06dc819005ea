"""Metric functions: pure functions of a dataset, data positional, configuration keyword-only.

Every metric returns one :class:`Result` (``metric``, ``by``, ``groups``,
``overall``, ``rows``, ``excluded``) and is declared once in :data:`TABLE`
(:mod:`salesmetrics.metrics.table`), with its options and result fields.
"""

from salesmetrics.metrics._partial import Partial, Result, Tally, merge
from salesmetrics.metrics.activity import (
    RepFilters,
    inactive_users,
    rep_activity,
    smart_list_progress,
)
from salesmetrics.metrics.compare import RankRow, rank, variation
from salesmetrics.metrics.conversations import (
    conversation_partial,
    conversations,
    finish_conversations,
    finish_outbound_reply,
    outbound_reply,
    outbound_reply_partial,
)
from salesmetrics.metrics.conversion import lead_conversion, lost_leads
from salesmetrics.metrics.customers import (
    connected_customers,
    connected_customers_partial,
    finish_connected_customers,
    finish_new_customers,
    new_customers,
    new_customers_partial,
)
from salesmetrics.metrics.leads import (
    first_response,
    lead_dashboard,
    lead_response_time,
)
from salesmetrics.metrics.profiles import ProfileRow, compare_profiles, differing
from salesmetrics.metrics.realtime import colleagues, open_too_long, waiting
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
from salesmetrics.metrics.table import TABLE, Field, Metric, Option

__all__ = [
    "TABLE",
    "Field",
    "Metric",
    "Option",
    "Partial",
    "ProfileRow",
    "RankRow",
    "RepFilters",
    "Result",
    "Tally",
    "colleagues",
    "compare_profiles",
    "connected_customers",
    "connected_customers_partial",
    "conversation_partial",
    "conversations",
    "differing",
    "finish_connected_customers",
    "finish_conversations",
    "finish_new_customers",
    "finish_outbound_reply",
    "finish_reply_time",
    "finish_response_rate",
    "finish_response_time",
    "first_response",
    "inactive_users",
    "lead_conversion",
    "lead_dashboard",
    "lead_response_time",
    "lost_leads",
    "merge",
    "new_customers",
    "new_customers_partial",
    "open_too_long",
    "outbound_reply",
    "outbound_reply_partial",
    "rank",
    "rep_activity",
    "reply_time",
    "reply_time_partial",
    "response_rate",
    "response_rate_partial",
    "response_time",
    "response_time_partial",
    "smart_list_progress",
    "variation",
    "waiting",
]
