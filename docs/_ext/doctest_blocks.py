"""A griffe extension for the API reference: bare doctests become code blocks.

The package's docstrings hold doctests (``>>>`` lines and their output) in
their prose, where pytest runs them. Markdown would read ``>>>`` as nested
block quotes and ``[1, 2]`` in an output line as a link, so this extension
wraps each run of doctest lines (from a ``>>>`` line to the next blank line)
in a fenced ``pycon`` block before mkdocstrings renders the docstring. Lines
already inside a fenced block are left alone. Sphinx roles in the prose
(``:class:`~salesmetrics.dataset.Dataset` ``) become inline code (``Dataset``),
and a reStructuredText literal block (a paragraph ending in ``::`` followed by
an indented block, the "Is equivalent to::" pseudo-code of the metrics)
becomes a fenced block.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_FENCE = "```"
_ROLE = re.compile(r":(?:class|func|meth|mod|attr|data|exc|obj|const):`(~?)([^`]+)`")


def _role(match: re.Match[str]) -> str:
    target = match.group(2)
    return "`" + (target.rsplit(".", 1)[-1] if match.group(1) else target) + "`"


def fence_literal_blocks(text: str) -> str:
    r"""Turn each ``::`` literal block of ``text`` into a fenced block.

    >>> fence_literal_blocks("Is equivalent to::\n\n    x = 1\n\nThen.").splitlines()
    ['Is equivalent to:', '', '```text', 'x = 1', '```', '', 'Then.']
    """
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.rstrip()
        if not stripped.endswith("::") or stripped.lstrip().startswith(_FENCE):
            out.append(line)
            i += 1
            continue
        base = len(line) - len(line.lstrip())
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        block_end = j
        while block_end < len(lines) and (
            not lines[block_end].strip()
            or len(lines[block_end]) - len(lines[block_end].lstrip()) > base
        ):
            block_end += 1
        while block_end > j and not lines[block_end - 1].strip():
            block_end -= 1
        if block_end == j:
            out.append(line)
            i += 1
            continue
        block = lines[j:block_end]
        cut = min(len(b) - len(b.lstrip()) for b in block if b.strip())
        pad = " " * base
        out.append(stripped[:-1])
        out.append("")
        out.append(pad + _FENCE + "text")
        out.extend(pad + b[cut:] if b.strip() else "" for b in block)
        out.append(pad + _FENCE)
        i = block_end
    return "\n".join(out)


def fence_doctests(text: str) -> str:
    r"""Wrap every run of doctest lines of ``text`` in a fenced ``pycon`` block.

    >>> fence_doctests("Intro.\n\n>>> 1 + 1\n2\n\nEnd.").splitlines()
    ['Intro.', '', '```pycon', '>>> 1 + 1', '2', '```', '', 'End.']
    >>> fence_doctests("A :class:`~salesmetrics.period.Period` and :func:`len`.")
    'A `Period` and `len`.'
    """
    out: list[str] = []
    in_fence = False
    in_run = False
    indent = ""
    for line in text.splitlines():
        stripped = line.lstrip()
        if in_run:
            if stripped:
                out.append(line)
                continue
            out.append(indent + _FENCE)
            in_run = False
        if stripped.startswith(_FENCE):
            in_fence = not in_fence
        elif not in_fence and (stripped == ">>>" or stripped.startswith(">>> ")):
            indent = line[: len(line) - len(stripped)]
            out.append(indent + _FENCE + "pycon")
            in_run = True
        elif not in_fence:
            line = _ROLE.sub(_role, line)
        out.append(line)
    if in_run:
        out.append(indent + _FENCE)
    return "\n".join(out)


class DoctestBlocks(griffe.Extension):
    """Fence the doctests of every docstring griffe loads."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:  # noqa: ARG002
        if obj.docstring is not None:
            obj.docstring.value = fence_doctests(fence_literal_blocks(obj.docstring.value))
