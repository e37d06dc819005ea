"""Every ```python snippet of the documentation runs.

Each page of ``docs/`` and the README is one test: its ```python blocks run in
order in one namespace, from the repository root, so a later block may use
what an earlier one defined. A block written as a doctest (``>>>`` prompts) is
run as a doctest, so its printed results are checked too. A snippet that
names a file that does not exist fails here, so the docs use real files
(``examples/store_network.json``) or make their own in a temporary folder.
"""

from __future__ import annotations

import doctest
import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
_FENCE = re.compile(r"^```(?P<info>[^\n`]*)$")


def python_blocks(text: str) -> list[tuple[int, str]]:
    """The ```python blocks of a Markdown text: (line number of the code, code).

    >>> python_blocks("a\\n```python\\nx = 1\\n```\\n```sh\\nls\\n```\\n")
    [(3, 'x = 1\\n')]
    """
    blocks: list[tuple[int, str]] = []
    info: str | None = None
    start = 0
    lines: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _FENCE.match(line.strip())
        if info is None:
            if match is not None:
                info, start, lines = match["info"].strip(), number + 1, []
        elif match is not None and not match["info"].strip():
            if info == "python":
                blocks.append((start, "".join(f"{code}\n" for code in lines)))
            info = None
        else:
            lines.append(line)
    assert info is None, "a code block is not closed"
    return blocks


def run_block(page: Path, lineno: int, code: str, namespace: dict[str, Any]) -> None:
    """Run one block in ``namespace``: as a doctest when it has prompts, else as a script."""
    name = f"{page.relative_to(ROOT)}:{lineno}"
    if code.lstrip().startswith(">>>"):
        test = doctest.DocTestParser().get_doctest(code, namespace, name, str(page), lineno - 1)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        runner.run(test, clear_globs=False)
        namespace.update(test.globs)
        assert runner.failures == 0, f"{name}: {runner.failures} doctest example(s) failed"
    else:
        exec(compile(code, name, "exec"), namespace)


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_every_python_snippet_of_the_page_runs(page: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    for lineno, code in python_blocks(page.read_text(encoding="utf-8")):
        run_block(page, lineno, code, namespace)
    capsys.readouterr()


def test_the_docs_have_snippets_to_run() -> None:
    counts = {p.name: len(python_blocks(p.read_text(encoding="utf-8"))) for p in PAGES}
    assert counts["README.md"] >= 1
    assert counts["definitions.md"] >= 1
    assert sum(counts.values()) >= 10, counts


def test_a_failing_snippet_fails() -> None:
    namespace: dict[str, Any] = {}
    with pytest.raises(FileNotFoundError):
        run_block(ROOT / "README.md", 1, 'open("no/such/placeholder.json")\n', namespace)
    with pytest.raises(AssertionError, match="1 doctest example"):
        run_block(ROOT / "README.md", 1, ">>> 1 + 1\n3\n", namespace)


def test_nothing_sends_the_reader_outside_the_repository() -> None:
    # the docs, the README and the source (docstrings, messages, shipped cases)
    outside = re.compile(r"METRICS\.md|FIXTURES\.md|\.\./shared|/work/")
    files = [*(ROOT / "docs").glob("*.md"), ROOT / "README.md",
             *(p for p in (ROOT / "src").rglob("*") if p.suffix in (".py", ".json", ".md"))]
    found = [f"{p.relative_to(ROOT)}:{n}" for p in files
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
             if outside.search(line)]
    assert found == []


def test_definitions_keep_the_section_numbers_code_refers_to() -> None:
    text = (ROOT / "docs" / "definitions.md").read_text(encoding="utf-8")
    numbers = re.findall(r"^#{2,3} (\d+(?:\.\d+)?) ", text, flags=re.MULTILINE)
    expected = ["1", "2", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "3", "3.1", "3.2",
                "4", "5", "6", "7", "7.1", "7.2", "7.3", "7.4", "7.5"]
    assert numbers == expected


def test_the_api_reference_fences_doctests_and_literal_blocks() -> None:
    spec = importlib.util.spec_from_file_location(
        "doctest_blocks", ROOT / "docs" / "_ext" / "doctest_blocks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = "Intro.\n\n    >>> f([1, 2])\n    [1, 2]\n\n```\n>>> kept\n```"
    assert module.fence_doctests(text).splitlines() == [
        "Intro.", "", "    ```pycon", "    >>> f([1, 2])", "    [1, 2]", "    ```", "",
        "```", ">>> kept", "```"]
    literal = "Is equivalent to::\n\n    for x in xs:\n        f(x)\n\nThen."
    assert module.fence_literal_blocks(literal).splitlines() == [
        "Is equivalent to:", "", "```text", "for x in xs:", "    f(x)", "```", "", "Then."]


def test_every_case_the_definitions_name_exists() -> None:
    text = (ROOT / "docs" / "definitions.md").read_text(encoding="utf-8")
    corpus = ROOT / "src" / "salesmetrics" / "spec" / "fixtures"
    named = set(re.findall(r"`((?:conversations|calendars|compare|leads|activity|messy|invalid)"
                           r"/[a-z0-9_]+\.json)`", text))
    assert len(named) >= 30
    assert sorted(n for n in named if not (corpus / n).is_file()) == []
