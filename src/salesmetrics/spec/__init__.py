"""The executable specification: the case format, its schema, the runner and the corpus.

A case (docs/case-format.md) is a small dataset and checks, each a metric query with
its expected answer. :func:`compute_case` computes a parsed case's checks,
:func:`run_case_file` judges a case file, :func:`compare` is the partial
comparison of docs/case-format.md, and :func:`iter_fixtures` lists the corpus shipped
in the package.
"""

from salesmetrics.spec._compare import MISSING, Mismatch, compare
from salesmetrics.spec.runner import (
    FORMAT,
    CaseReport,
    CheckReport,
    case_files,
    compute_case,
    fixtures_path,
    iter_fixtures,
    read_case,
    run_case,
    run_case_file,
    run_paths,
    schema,
    schema_path,
)

__all__ = [
    "FORMAT",
    "MISSING",
    "CaseReport",
    "CheckReport",
    "Mismatch",
    "case_files",
    "compare",
    "compute_case",
    "fixtures_path",
    "iter_fixtures",
    "read_case",
    "run_case",
    "run_case_file",
    "run_paths",
    "schema",
    "schema_path",
]
