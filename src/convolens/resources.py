"""Where the data convolens ships (lexicons, trained models) lives on disk.

An installed wheel carries the repository's top-level ``lexicons/`` and
``models/`` folders as package data (``convolens/lexicons``,
``convolens/models``); an editable install or a source checkout reads them
from the repository itself.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def shipped_folders(name: str) -> list[Path]:
    """Give the places a shipped data folder (``lexicons``, ``models``) may be, in search order."""
    candidates: list[Path] = []
    try:
        packaged = importlib.resources.files("convolens") / name
        if isinstance(packaged, Path):
            candidates.append(packaged)
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - namespace-package oddities
        pass
    candidates.append(REPO_ROOT / name)
    return candidates
