"""Input limits protect a process: size, nesting, record count."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesmetrics.errors import SalesmetricsError
from salesmetrics.load import from_dict, load_json
from salesmetrics.load._limits import Limits


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "big.json"
    f.write_text('{"teams": [' + ",".join(f'{{"id": "{i}"}}' for i in range(100)) + "]}")
    with pytest.raises(SalesmetricsError) as info:
        load_json(f, limits=Limits(max_bytes=100))
    assert info.value.code == "invalid_value" and "limit" in info.value.message


def test_deep_nesting_is_refused_with_its_place() -> None:
    deep: list[object] = []
    node = deep
    for _ in range(40):
        child: list[object] = []
        node.append(child)
        node = child
    with pytest.raises(SalesmetricsError) as info:
        from_dict({"teams": [{"id": "A", "name": deep}]})
    assert info.value.path.startswith("teams[0].name")


def test_too_many_records_are_refused() -> None:
    with pytest.raises(SalesmetricsError) as info:
        from_dict({"teams": [{"id": str(i)} for i in range(11)]}, limits=Limits(max_records=10))
    assert "over the limit" in info.value.message


def test_json_nested_beyond_the_parser_is_an_input_error(tmp_path: Path) -> None:
    f = tmp_path / "deep.json"
    f.write_text("[" * 200000 + "]" * 200000)
    with pytest.raises(SalesmetricsError) as info:
        load_json(f)
    assert info.value.code == "invalid_value"


def test_a_file_that_is_not_json_is_an_input_error(tmp_path: Path) -> None:
    f = tmp_path / "x.json"
    f.write_bytes(b"\xff\xfe{not json")
    with pytest.raises(SalesmetricsError) as info:
        load_json(f)
    assert info.value.code == "invalid_value"

