"""Every metric function refuses a grouping it does not have the same way: code and path."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from salesmetrics import metrics
from salesmetrics.dataset import Dataset
from salesmetrics.errors import SalesmetricsError
from salesmetrics.period import Period

WEEK = Period(datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC))


@pytest.mark.parametrize("metric", [
    metrics.conversations, metrics.response_rate, metrics.response_time, metrics.reply_time,
    metrics.compare_profiles,
    metrics.outbound_reply, metrics.new_customers, metrics.connected_customers,
    metrics.lead_response_time, metrics.lead_conversion, metrics.lost_leads,
])
def test_an_unknown_grouping_is_invalid_option_at_by(metric: Any) -> None:
    with pytest.raises(SalesmetricsError) as info:
        metric(Dataset(), period=WEEK, by="planet")
    assert (info.value.code, info.value.path) == ("invalid_option", "by")
