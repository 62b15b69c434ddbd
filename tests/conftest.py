"""Fixtures shared across the test suite."""

from __future__ import annotations

from pathlib import Path

import pytest

import convolens

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Give a run folder of the bundled sample organisation, scored once per test session."""
    out = tmp_path_factory.mktemp("samples-run")
    result = convolens.score(SAMPLES, out=out)
    assert result.ok, result.errors.to_string()
    return out
