"""Write docs/metric-table.md from the metric table (run from the repository root).

    python docs/make_metric_table.py
"""

from pathlib import Path

from salesmetrics.metrics.table import markdown_table

HEADER = """# The metric table

Every metric, as declared once in `salesmetrics.metrics.table`: the section of
the definitions it implements, whether it counts over a period or is taken at
an instant, its groupings, its options (required ones in bold; the same names
as Python keyword arguments and case-file options) and its result fields with
their unit (↑ higher is better, ↓ lower is better; rankings follow these
arrows). A test fails when this page differs from the table: regenerate it with
`python docs/make_metric_table.py`.

"""

if __name__ == "__main__":
    out = Path(__file__).resolve().parent / "metric-table.md"
    out.write_text(HEADER + markdown_table(), encoding="utf-8")
    print(f"wrote {out}")
