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
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

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


def file_key(job: Job, digest: str, settings: ScoreSettings, content: str) -> str:
    """Give the key of one file of a run: its content, name, manifest rows and the run settings.

    ``content`` is the file's :func:`content_hash` (:class:`ContentHashes` gives it, reading only changed files).
    """
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
    blob = json.dumps([digest, job.name, job.name in settings.path_ids, rows, content])
    return hashlib.blake2b(blob.encode("utf-8"), digest_size=16).hexdigest()


def content_hash(path: str | Path) -> str:
    """Give a hash of a file's bytes; for a file that cannot be read, one that no later run will give again."""
    h = hashlib.blake2b(digest_size=16)
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError as exc:  # unreadable now: key it so it is retried next time; the reader reports why
        return f"unreadable:{type(exc).__name__}:{time.time_ns()}"
    return h.hexdigest()


class ContentHashes:
    """The content hashes of a run's input files, kept in the run folder for the next run.

    Hashing every input again took most of a re-run in which one call of ten
    thousand was new. A file whose size, modification and change times and
    inode are those it had when it was hashed gets its recorded hash back
    instead, as git's index does. Writing a file sets its change time, which
    no tool can set back, so new bytes under an old modification time (``cp -p``,
    ``touch -d``) are still noticed (on POSIX systems: Windows gives the creation
    time there, so only size, modification time and file id are compared). A file
    modified within :data:`RACY_NS` of its hashing may have changed again within
    the file system's timestamp granularity without its times showing it, so it
    is hashed again next time.
    ``fresh=True`` (``--force``) trusts nothing recorded.
    """

    FILE = "hashes.json"
    FORMAT = "convolens.hashes.v1"
    RACY_NS = 2_000_000_000

    def __init__(self, folder: Path | None, *, fresh: bool = False) -> None:
        self.folder = folder
        self._old: dict[str, list[Any]] = {} if folder is None or fresh else self._load(folder / self.FILE)
        self._new: dict[str, list[Any]] = {}
        self.hashed = 0

    @classmethod
    def _load(cls, path: Path) -> dict[str, list[Any]]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # none yet, or damaged: every file is hashed, as on a first run
            return {}
        files = data.get("files") if isinstance(data, dict) and data.get("format") == cls.FORMAT else None
        return files if isinstance(files, dict) else {}

    def get(self, path: str | Path) -> str:
        """Give the content hash of the file at ``path``."""
        name = os.path.abspath(path)  # stat follows links: a link moved to another file is noticed
        try:
            st = os.stat(name)
        except OSError:
            return content_hash(name)  # gives the unreadable mark
        stamp = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        old = self._old.get(name)
        if isinstance(old, list) and len(old) == 6 and old[:4] == stamp and isinstance(old[5], str):
            self._new[name] = old
            return old[5]
        hashed_at = time.time_ns()
        digest = content_hash(name)
        self.hashed += 1
        if not digest.startswith("unreadable:"):
            self._new[name] = [*stamp, hashed_at, digest]
        return digest

    def save(self) -> None:
        """Record the hashes worked out or confirmed by this run (atomically); those trusted next time."""
        if self.folder is None:
            return
        from .store import write_text_atomic

        trusted = {
            name: entry for name, entry in self._new.items() if max(entry[1], entry[2]) < entry[4] - self.RACY_NS
        }
        if trusted == self._old:
            return
        write_text_atomic(self.folder / self.FILE, json.dumps({"format": self.FORMAT, "files": trusted}) + "\n")
