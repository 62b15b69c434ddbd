"""A small copy of the sample organisation, for tests that score into or change a folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def copy_sample_org(root: Path, n: int = 40) -> Path:
    """Give ``root/org``: the first ``n`` sample calls with their manifest rows, and the roster."""
    org = root / "org"
    (org / "calls").mkdir(parents=True)
    manifest = pd.read_csv(SAMPLES / "manifest.csv", dtype=str, keep_default_na=False).head(n)
    for path in manifest["path"]:
        shutil.copy(SAMPLES / path, org / path)
    manifest.to_csv(org / "manifest.csv", index=False)
    shutil.copy(SAMPLES / "roster.csv", org / "roster.csv")
    return org
