"""The Excel export, opened with openpyxl: sheets, types, number formats, formula-safe text."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from salesmetrics import cli
from salesmetrics.examples import EXAMPLE_PERIOD, example_path
from salesmetrics.load import from_dict, load
from salesmetrics.report import SECTIONS, build_report, write_xlsx

openpyxl = pytest.importorskip("openpyxl")


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> object:
    path = tmp_path_factory.mktemp("xlsx") / "report.xlsx"
    assert cli.main(["report", "--example", "--format", "xlsx", "--output", str(path)]) == 0
    assert path.read_bytes()[:2] == b"PK"
    return openpyxl.load_workbook(path)


def test_one_sheet_per_section_after_the_summary(book: object) -> None:
    names = book.sheetnames  # type: ignore[attr-defined]
    assert names[0] == "Report" and len(names) == 1 + len(SECTIONS)
    assert all(len(n) <= 31 for n in names)
    assert "Response rate" in names and "Customer reply to outbound conv" in names


def test_numbers_are_numbers_with_their_formats(book: object) -> None:
    ws = book["Response time (business hours)"]  # type: ignore[index]
    header = [c.value for c in ws[1]]
    assert header[:5] == ["Name", "Id", "Replies", "Replies before", "Replies change"]
    mean = header.index("Mean") + 1
    first = ws.cell(row=2, column=1)
    assert first.value == "Montréal Centre" and ws.cell(row=2, column=2).value == "montreal"
    cell = ws.cell(row=2, column=mean)
    # a number (days) with a duration format, which openpyxl reads back as a timedelta
    assert cell.number_format == "[h]:mm:ss"
    assert isinstance(cell.value, timedelta)
    assert cell.value.total_seconds() == pytest.approx(2443.533, abs=0.01)
    change = ws.cell(row=2, column=header.index("Mean change") + 1)
    assert isinstance(change.value, float) and change.number_format == "+0%;-0%;0%"
    count = ws.cell(row=2, column=3)
    assert isinstance(count.value, int) and count.number_format == "#,##0"
    assert ws.freeze_panes == "B2"
    assert ws.column_dimensions["A"].width >= len("Online (overnight)")
    assert ws.cell(row=1, column=mean).alignment.horizontal == "right"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1


def test_rates_and_their_change_in_points(book: object) -> None:
    ws = book["Response rate"]  # type: ignore[index]
    header = [c.value for c in ws[1]]
    rate = ws.cell(row=2, column=header.index("Rate") + 1)
    assert 0 <= rate.value <= 1 and rate.number_format == "0.0%"
    pts = ws.cell(row=2, column=header.index("Rate change (pts)") + 1)
    before = ws.cell(row=2, column=header.index("Rate before") + 1)
    assert pts.value == pytest.approx((rate.value - before.value) * 100)
    assert "pts" in pts.number_format


def test_the_total_is_the_bold_last_line(book: object) -> None:
    ws = book["Conversations"]  # type: ignore[index]
    last = ws.max_row
    assert ws.cell(row=last, column=1).value == "All teams"
    assert ws.cell(row=last, column=1).font.bold and ws.cell(row=1, column=1).font.bold
    assert ws.cell(row=last, column=3).value == 80


def test_instants_are_datetimes_in_local_time(book: object) -> None:
    ws = book["Rep activity"]  # type: ignore[index]
    header = [c.value for c in ws[1]]
    last = ws.cell(row=2, column=header.index("Last activity") + 1)
    assert isinstance(last.value, datetime) and last.number_format == "yyyy-mm-dd hh:mm"
    letter = last.column_letter
    assert ws.column_dimensions[letter].width >= len("2026-03-15 22:43")


def test_text_cells_never_start_a_formula(tmp_path: Path) -> None:
    data = {"teams": [{"id": "=cmd|'/c calc'!A1", "name": "=HYPERLINK(\"http://x\")"}],
            "threads": [{"id": "t", "team": "=cmd|'/c calc'!A1"}],
            "messages": [{"thread": "t", "at": "2026-03-10T10:00:00+01:00", "direction": "in"}]}
    path = tmp_path / "hostile.xlsx"
    write_xlsx(build_report(from_dict(data), period=EXAMPLE_PERIOD), path)
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@")), cell.value
    assert wb["Conversations"].cell(row=2, column=1).value == "'=HYPERLINK(\"http://x\")"


def test_user_report_has_user_names(tmp_path: Path) -> None:
    path = tmp_path / "u.xlsx"
    write_xlsx(build_report(load(example_path()), period=EXAMPLE_PERIOD, by="user",
                            compare=False), path)
    ws = openpyxl.load_workbook(path)["Rep activity"]
    names = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]
    assert "Camille Durand" in names and names[-1] == "All users"
    assert [c.value for c in ws[1]][2:4] == ["SMS sent", "New conv."]  # no change columns
