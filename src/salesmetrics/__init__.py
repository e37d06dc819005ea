"""salesmetrics: executable definitions of sales and customer-messaging team metrics.

The package root only re-exports; see the submodules for each concept.
"""

from salesmetrics import metrics
from salesmetrics.dataset import Dataset
from salesmetrics.errors import DatasetError, ErrorCode, SalesmetricsError
from salesmetrics.load import from_dict, load_json
from salesmetrics.metrics import Result
from salesmetrics.period import Period

__all__ = [
    "Dataset",
    "DatasetError",
    "ErrorCode",
    "Period",
    "Result",
    "SalesmetricsError",
    "from_dict",
    "load_json",
    "metrics",
]

__version__ = "0.1.0"
