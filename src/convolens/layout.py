"""The names in a run folder (see :mod:`convolens.store` for what each holds), importable without pandas.

``convolens score --jobs N`` asks :func:`nothing_to_keep` before anything heavy is
imported, so that its worker processes can start at once.
"""

from __future__ import annotations

from pathlib import Path

CALLS_FILE = "calls.parquet"
UTTERANCES_FILE = "utterances.parquet"
PEOPLE_FILE = "people.parquet"
ERRORS_FILE = "errors.csv"
SUMMARY_FILE = "run.json"
PARTS_DIR = "parts"
DATASETS = ("calls", "utterances", "errors")
INDEX_FILE = "index.json"
LOCK_FILE = ".convolens.lock"
#: part.json / index.json layout version; a part written by another layout is not reused.
PART_FORMAT = "convolens.part.v1"


def nothing_to_keep(out: str | Path, force: bool = False) -> bool:
    """Say whether a run into ``out`` will score every file: forced, or no part of an earlier run is there."""
    return force or not any((Path(out) / PARTS_DIR).glob("*.json"))
