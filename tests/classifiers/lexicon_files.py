"""Small lexicon folders written for a test, as the shipped one is laid out (manifest.json + p.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: the themes the test lexicons use unless a test names its own.
THEMES = {"revenue": ["close_timing", "deal_size"], "customer_impact": ["customer_problems"]}


def write_lexicon(
    folder: Path,
    lines: list[str],
    *,
    themes: dict[str, list[str]] | None = None,
    scoring: dict[str, float] | None = None,
) -> Path:
    """Give ``folder`` holding a lexicon of the JSON ``lines`` (one entry each)."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {"format": "convolens.lexicon.v1", "files": ["p.jsonl"], "themes": themes or THEMES}
    if scoring is not None:
        manifest["scoring"] = scoring
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (folder / "p.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder
