"""The research notebooks run top to bottom on the public API, and are committed without outputs.

Each notebook is executed in a fresh ``python3`` kernel (ipykernel in this
interpreter's environment) with its own folder as the working directory, as
Jupyter would run it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import convolens

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
NAMES = ["01_quickstart.ipynb", "02_model_evaluation.ipynb", "03_manager_trends.ipynb"]
#: Seconds one cell may take; the slowest (scoring the samples, evaluating the neural model) take about 20.
CELL_TIMEOUT = 240
#: Text each notebook's outputs must show: the figures it exists to give.
EXPECTED = {
    "01_quickstart.ipynb": ["all inputs read: True", "customer_impact", "Dana Lee", "impact_share"],
    "02_model_evaluation.ipynb": ["macro_f1", "calibration_error", "linear@", "lexicon@", "hard_type"],
    "03_manager_trends.ipynb": [
        "Dana Lee",
        "María Farías",
        "Marcus Webb",
        "rising",
        "falling",
        "2026-10-12",
        "Enterprise East",
        "the 95% interval includes 0",
    ],
}


def _read(name: str) -> Any:
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def _output_text(nb: Any) -> str:
    """Give every text the executed notebook showed: streams, plain-text and HTML results."""
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output["output_type"] == "stream":
                parts.append(output["text"])
            elif output["output_type"] in ("execute_result", "display_data"):
                data = output["data"]
                parts.extend(str(data[key]) for key in ("text/plain", "text/html") if key in data)
    return "\n".join(parts)


def _repo_listing() -> set[Path]:
    """Give the files under the repository's top level, notebooks/ and data/samples/ (what a stray write would hit)."""
    found = {p.relative_to(REPO) for p in REPO.iterdir()}
    for folder in (NOTEBOOKS, REPO / "data" / "samples"):
        found |= {p.relative_to(REPO) for p in folder.rglob("*") if "__pycache__" not in p.parts}
    return found


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_top_to_bottom(name: str) -> None:
    nb = _read(name)
    before = _repo_listing()
    client = nbclient.NotebookClient(
        nb, timeout=CELL_TIMEOUT, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on any error
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert not errors
    shown = _output_text(nb)
    missing = [text for text in EXPECTED[name] if text not in shown]
    assert not missing, f"{name} did not show {missing}"
    assert _repo_listing() == before, "the notebook wrote into the repository"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_committed_clean(name: str) -> None:
    nb = _read(name)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert set(nb.metadata) <= {"kernelspec", "language_info"}
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        assert not cell.metadata, f"cell {cell.id} carries metadata"
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"cell {cell.id} has outputs"
        assert "attachments" not in cell


@pytest.mark.parametrize("name", NAMES)
def test_notebook_uses_the_public_api_only(name: str) -> None:
    code = "\n".join(c.source for c in _read(name).cells if c.cell_type == "code")
    assert "import convolens" in code
    assert not re.search(r"from\s+convolens|import\s+convolens\.", code), "imports from convolens's modules"
    used = set(re.findall(r"\bconvolens\.(\w+)", code))
    assert used and used <= set(convolens.__all__), f"not public: {sorted(used - set(convolens.__all__))}"
