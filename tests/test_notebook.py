"""The tutorial notebook (``docs/tutorial.ipynb``) runs from top to bottom.

The notebook is executed in a temporary copy with nbclient (the extra
``notebook``), so the committed file, with its outputs, is never rewritten by
the suite. Its public-data cells read ``SALESMETRICS_REALDATA``: where the
public datasets are available (a ``shared/realdata`` folder beside the
clone, as CI lays it out) the notebook runs on them, and in every case it
also runs with the variable naming an empty folder, where those cells must
say they are skipped instead of failing.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat", reason="the notebook extra is not installed")
nbclient = pytest.importorskip("nbclient", reason="the notebook extra is not installed")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "docs" / "tutorial.ipynb"
REALDATA = ROOT.parent / "shared" / "realdata"
CELL_TIMEOUT = 120  # seconds per cell; the whole notebook takes about 5 s
KERNEL = "salesmetrics-tests"


def printed(nb: Any) -> str:
    """Everything the code cells printed or displayed as text."""
    return "\n".join(
        out.get("text", "") if out["output_type"] == "stream"
        else out.get("data", {}).get("text/plain", "")
        for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs)


def this_python_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A kernel spec running this interpreter (not whatever "python3" a machine has installed)."""
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "salesmetrics tests", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    return KERNEL


def execute(tmp_path: Path, realdata: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    copy = tmp_path / "tutorial.ipynb"
    shutil.copyfile(NOTEBOOK, copy)
    monkeypatch.setenv("SALESMETRICS_REALDATA", str(realdata))
    nb = nbformat.read(copy, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT,
                                     kernel_name=this_python_kernel(tmp_path, monkeypatch),
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError on the first cell that fails
    return nb


@pytest.mark.skipif(not (REALDATA / "twcs").is_dir(),
                    reason="the public datasets are not beside the clone (shared/realdata)")
def test_the_notebook_runs_on_the_public_datasets(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    nb = execute(tmp_path, REALDATA, monkeypatch)
    text = printed(nb)
    assert "Customer Support on Twitter: found" in text
    assert "Maven CRM Sales Opportunities: found" in text
    assert "skipped" not in text
    assert "brands with at least 20 first replies" in text and "win rates range" in text


def test_the_notebook_skips_the_public_datasets_when_absent(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "no-realdata"
    empty.mkdir()
    nb = execute(tmp_path, empty, monkeypatch)
    text = printed(nb)
    assert "Customer Support on Twitter: not found" in text
    assert text.count("skipped: Customer Support on Twitter not found") == 3
    assert text.count("skipped: Maven CRM Sales Opportunities not found") == 2
    images = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
              if "image/png" in out.get("data", {})]
    assert len(images) >= 4  # the bundled example's plots


def test_the_committed_notebook_is_executed_and_clean() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count is not None for c in code)
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))  # one run, in order
    outputs = [o for c in code for o in c.outputs]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert not [o for o in outputs if o.get("name") == "stderr"]  # no warnings left in it
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 6  # the example's plots and the public data's
    text = printed(nb)
    assert "/work/" not in text and "/tmp/" not in text and "/home/" not in text
