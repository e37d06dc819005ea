"""The package's shape: no import cycles between its modules, data flowing one way."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, known: set[str]) -> set[str]:
    """The package's modules that ``path`` imports, at module level or lazily inside a
    function (outside ``if TYPE_CHECKING:``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(block.test) for n in ast.walk(block)}
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from pkg import submodule`` imports the submodule; other names, the module
            subs = [f"{node.module}.{a.name}" for a in node.names
                    if f"{node.module}.{a.name}" in known]
            names = subs if len(subs) == len(node.names) else [node.module, *subs]
        out |= {n for n in names if n in known}
    return out


def test_no_module_imports_itself_back() -> None:
    files = {_module_of(p): p for p in SRC.rglob("*.py")}
    known = set(files)
    graph = {m: _imports(p, known) - {m} for m, p in files.items()}
    cycles = []

    def visit(node: str, stack: list[str], done: set[str]) -> None:
        for dep in sorted(graph[node]):
            if dep in stack:
                cycle = [*stack[stack.index(dep):], dep]
                # a package importing its own submodules is how packages work
                if not all(b.startswith(a + ".") for a, b in itertools.pairwise(cycle)):
                    cycles.append(" -> ".join(cycle))
            elif dep not in done:
                visit(dep, [*stack, dep], done)
        done.add(node)

    done: set[str] = set()
    for module in sorted(graph):
        if module not in done:
            visit(module, [module], done)
    assert cycles == []
