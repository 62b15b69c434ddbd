"""The keys that decide which files of an earlier run into the same folder can be kept.

A file's key hashes its bytes, its name, its manifest rows and a digest of the
run's settings, which include the model's *fingerprint*: what identifies the
predictions the model gives. For the lexicon and linear models the fingerprint
hashes the files the model loads and the code that analyses a turn
(``convolens/nlp`` and ``convolens/classifiers``), so a re-run whose files are
all unchanged never loads the model, nor even imports spaCy; for other models
it is the loaded model's own version.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from pathlib import Path

from . import __version__
from .classifiers import CLASSIFIERS, find_model_dir
from .classifiers.base import FocusClassifier, model_tag
from .inputs import Job
from .pipeline import ScoreSettings

#: Bump when the rows a file gives change for the same input and model (it invalidates kept parts).
ENGINE_VERSION = "1"


def model_fingerprint(model: str | FocusClassifier) -> str | None:
    """Give what identifies ``model``'s predictions without loading it, or None when it must be loaded.

    Raises :class:`~convolens.errors.ModelError` when a registered model's files cannot be found.
    """
    if not isinstance(model, str):
        return model_tag(model)
    factory = CLASSIFIERS.get(model.lower())
    if factory is None:
        return None  # loading it gives the error that lists the known names
    from .classifiers.lexicon_data import find_lexicon_dir

    if factory is CLASSIFIERS["lexicon"]:
        return f"lexicon#files:{_files_digest([(find_lexicon_dir(), '*'), *_analysis_code()])}"
    if factory is CLASSIFIERS["linear"]:
        folders = [(find_model_dir("linear"), "*"), (find_lexicon_dir(), "*"), *_analysis_code()]
        return f"linear#files:{_files_digest(folders)}"
    return None


def _analysis_code() -> list[tuple[Path, str]]:
    """Give the code that turns a text into a prediction, as (folder, pattern): a change there is a new model."""
    package = Path(__file__).resolve().parent
    return [(package / "nlp", "*.py"), (package / "classifiers", "*.py")]


def _files_digest(folders: Iterable[tuple[Path, str]]) -> str:
    """Give a hash of the names and bytes of the files matching each pattern under its folder (hidden ones left out)."""
    h = hashlib.blake2b(digest_size=16)
    for folder, pattern in folders:
        files = sorted(
            p
            for p in folder.rglob(pattern)
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        )
        for path in files:
            h.update(json.dumps([folder.name, path.relative_to(folder).as_posix(), path.stat().st_size]).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def settings_digest(settings: ScoreSettings, fingerprint: str) -> str:
    """Give a hash of everything besides the file itself that shapes a file's rows."""
    roster = settings.roster.to_frame().to_csv(index=False) if settings.roster else ""
    blob = json.dumps(
        {
            "engine": ENGINE_VERSION,
            "convolens": __version__,
            "model": fingerprint,
            "format": settings.format,
            "columns": sorted(settings.options.columns.items()),
            "roster": roster,
            "redact": settings.redact,
        },
        sort_keys=True,
    )
    return hashlib.blake2b(blob.encode("utf-8"), digest_size=16).hexdigest()


def file_key(job: Job, digest: str, settings: ScoreSettings) -> str:
    """Give the key of one file of a run: its content, name, manifest rows and the run settings."""
    h = hashlib.blake2b(digest_size=16)
    rows = [
        [
            r.call_id,
            r.kind.value if r.kind else None,
            str(r.date) if r.date else None,
            r.title,
            sorted(r.speakers.items()),
        ]
        for r in job.rows
    ]
    h.update(json.dumps([digest, job.name, job.name in settings.path_ids, rows]).encode("utf-8"))
    try:
        with open(job.path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError as exc:  # unreadable now: key it so it is retried next time; the reader reports why
        h.update(f"unreadable:{type(exc).__name__}:{time.time_ns()}".encode())
    return h.hexdigest()
