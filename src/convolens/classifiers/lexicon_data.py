"""Finding, reading, checking and writing the lexicon files.

A lexicon folder holds ``manifest.json`` (scoring settings, sub-theme names,
the list of entry files) and JSONL entry files, one JSON object a line; the
format is documented in ``lexicons/README.md``. Every problem is a
:class:`~convolens.errors.ModelError` naming the file and line.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ModelError
from ..resources import shipped_folders

FORMAT = "convolens.lexicon.v1"
ENV_VAR = "CONVOLENS_LEXICONS"
KINDS = ("pattern", "block", "negator", "frame", "subordinator")
FOCI = ("revenue", "customer_impact")
_ALLOWED_OPS = frozenset({"?", "!"})
_ALLOWED_TOKEN_KEYS = frozenset({"LOWER", "NORM", "ORTH", "TEXT", "LIKE_NUM", "IS_DIGIT", "IS_PUNCT", "OP", "SHAPE"})
# A group that is quantified and then quantified again ("(a+)+") can backtrack
# exponentially; the check itself only scans linearly.
_NESTED_QUANTIFIER = re.compile(r"\([^()]*[+*}][^()]*\)\s*[+*{]")
_MAX_REGEX = 80

DEFAULT_SCORING: dict[str, float] = {
    "baseline": 1.0,
    "sharpness": 1.6,
    "negation_window": 4,
    "negation_factor": 0.5,
    "dismissal_factor": 0.1,
    "subordinate_factor": 0.6,
    "frame_window": 8,
}


@dataclass(frozen=True)
class Entry:
    """One line of a lexicon file, checked."""

    kind: str
    source: str  # "file.jsonl:12", for evidence and messages
    path: str = ""  # the file the entry came from, for errors
    line: int = 0
    phrase: str | None = None
    tokens: tuple[Mapping[str, Any], ...] | None = None
    focus: str | None = None
    theme: str | None = None
    weight: float = 1.0
    frameable: bool = False
    blocks: str = "any"
    strength: str = "plain"
    frame: str | None = None

    @property
    def label(self) -> str:
        """Give a short human-readable name of what the entry matches."""
        if self.phrase is not None:
            return self.phrase
        return " ".join(str(next(iter(t.values()))) for t in self.tokens or ())


@dataclass
class LexiconData:
    """The parsed contents of a lexicon folder."""

    folder: Path | None
    manifest: dict[str, Any]
    #: file name -> the raw JSON objects of its lines (kept for writing back).
    raw: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)

    @property
    def scoring(self) -> dict[str, float]:
        """Give the scoring settings, defaults filled in."""
        return {**DEFAULT_SCORING, **self.manifest.get("scoring", {})}

    @property
    def reframe(self) -> dict[str, str]:
        """Give revenue theme -> customer_impact theme used when a match is framed as the customer's."""
        return dict(self.manifest.get("reframe", {}))

    def digest(self) -> str:
        """Give a hash of the manifest and every entry, stable across key order."""
        h = hashlib.sha256()
        h.update(json.dumps(self.manifest, sort_keys=True).encode())
        for name in sorted(self.raw):
            h.update(name.encode())
            for obj in self.raw[name]:
                h.update(json.dumps(obj, sort_keys=True).encode())
        return h.hexdigest()


def find_lexicon_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Give the lexicon folder to use: ``path``, else ``$CONVOLENS_LEXICONS``, else the shipped one.

    The shipped one is package data (``convolens/lexicons``) when installed,
    otherwise the repository's top-level ``lexicons/`` folder.
    """
    for given, origin in ((path, "argument"), (os.environ.get(ENV_VAR) or None, f"${ENV_VAR}")):
        if given is not None:
            folder = Path(given)
            if not (folder / "manifest.json").is_file():
                raise ModelError(f"no lexicon manifest.json in {folder} (from {origin})", path=folder)
            return folder
    candidates = shipped_folders("lexicons")
    for folder in candidates:
        if (folder / "manifest.json").is_file():
            return folder
    looked = ", ".join(str(c) for c in candidates)
    raise ModelError(f"no lexicon folder found (looked in {looked}); pass a path or set ${ENV_VAR}")


def load_lexicon(path: str | os.PathLike[str] | None = None) -> LexiconData:
    """Give the checked contents of a lexicon folder (see :func:`find_lexicon_dir`)."""
    folder = find_lexicon_dir(path)
    manifest_path = folder / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ModelError(f"unreadable lexicon manifest: {err}", path=manifest_path) from err
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelError(f"lexicon manifest must be an object with format {FORMAT!r}", path=manifest_path)
    files = manifest.get("files")
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise ModelError("lexicon manifest needs 'files': a list of file names", path=manifest_path)
    themes = manifest.get("themes", {})
    data = LexiconData(folder=folder, manifest=manifest)
    seen: dict[tuple[str, str], str] = {}
    for name in files:
        file_path = folder / name
        try:
            lines = file_path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise ModelError(f"unreadable lexicon file: {err}", path=file_path) from err
        data.raw[name] = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                raise ModelError(
                    f"not valid JSON: {err.msg} (column {err.colno})", path=file_path, line=number
                ) from err
            entry = parse_entry(obj, themes, f"{name}:{number}", file_path, number)
            key = (entry.kind + (entry.focus or ""), entry.phrase or json.dumps(obj.get("tokens"), sort_keys=True))
            if key in seen:
                raise ModelError(
                    f"duplicate {entry.kind} {entry.label!r} (also {seen[key]})", path=file_path, line=number
                )
            seen[key] = entry.source
            data.raw[name].append(obj)
            data.entries.append(entry)
    return data


def parse_entry(obj: Any, themes: Mapping[str, Any], source: str, file_path: Path, line: int) -> Entry:
    """Give the checked :class:`Entry` for one JSON object, or raise ModelError naming the line."""

    def fail(message: str) -> ModelError:
        return ModelError(message, path=file_path, line=line)

    if not isinstance(obj, dict):
        raise fail("each line must be a JSON object")
    kind = obj.get("kind", "pattern")
    if kind not in KINDS:
        raise fail(f"unknown kind {kind!r} (expected one of {', '.join(KINDS)})")
    phrase = obj.get("phrase")
    tokens = obj.get("tokens")
    if (phrase is None) == (tokens is None):
        raise fail("give exactly one of 'phrase' (a string) or 'tokens' (a spaCy Matcher pattern)")
    if phrase is not None and (not isinstance(phrase, str) or not phrase.strip()):
        raise fail("'phrase' must be a non-empty string")
    if tokens is not None:
        _check_tokens(tokens, fail)
    common: dict[str, Any] = {
        "kind": kind,
        "source": source,
        "path": str(file_path),
        "line": line,
        "phrase": phrase and " ".join(phrase.lower().split()),
    }
    if tokens is not None:
        common["tokens"] = tuple(tokens)
    if kind == "pattern":
        focus, theme, weight = obj.get("focus"), obj.get("theme"), obj.get("weight", 1.0)
        if focus not in FOCI:
            raise fail(f"'focus' must be one of {', '.join(FOCI)}, not {focus!r}")
        known = themes.get(focus)
        if not isinstance(theme, str) or (known is not None and theme not in known):
            raise fail(f"unknown theme {theme!r} for {focus} (manifest lists {known})")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 10:
            raise fail(f"'weight' must be a number in (0, 10], not {weight!r}")
        frameable = obj.get("frameable", False)
        if not isinstance(frameable, bool):
            raise fail("'frameable' must be true or false")
        return Entry(**common, focus=focus, theme=theme, weight=float(weight), frameable=frameable)
    if kind == "block":
        blocks = obj.get("blocks", "any")
        if blocks not in (*FOCI, "any"):
            raise fail(f"'blocks' must be revenue, customer_impact or any, not {blocks!r}")
        return Entry(**common, blocks=blocks)
    if kind == "negator":
        strength = obj.get("strength", "plain")
        if strength not in ("plain", "dismiss"):
            raise fail(f"'strength' must be plain or dismiss, not {strength!r}")
        return Entry(**common, strength=strength)
    if kind == "frame":
        frame = obj.get("frame")
        if frame not in ("customer", "seller"):
            raise fail(f"'frame' must be customer or seller, not {frame!r}")
        return Entry(**common, frame=frame)
    return Entry(**common)


def _check_tokens(tokens: Any, fail: Any) -> None:
    """Raise (via ``fail``) unless ``tokens`` is a small, safe Matcher pattern."""
    if not isinstance(tokens, list) or not tokens or len(tokens) > 8:
        raise fail("'tokens' must be a list of 1 to 8 token objects")
    for spec in tokens:
        if not isinstance(spec, dict) or not spec:
            raise fail("each token in 'tokens' must be a non-empty object")
        unknown = set(spec) - _ALLOWED_TOKEN_KEYS
        if unknown:
            raise fail(f"token keys {sorted(unknown)} not allowed (use {sorted(_ALLOWED_TOKEN_KEYS)})")
        if "OP" in spec and spec["OP"] not in _ALLOWED_OPS:
            raise fail(f"token OP {spec['OP']!r} not allowed: only '?' and '!' keep matching linear")
        for value in spec.values():
            if isinstance(value, dict) and "REGEX" in value:
                regex = value["REGEX"]
                if not isinstance(regex, str) or len(regex) > _MAX_REGEX or _NESTED_QUANTIFIER.search(regex):
                    raise fail(f"REGEX {regex!r} is too long or has nested quantifiers")
                try:
                    re.compile(regex)
                except re.error as err:
                    raise fail(f"bad REGEX {regex!r}: {err}") from err


def write_lexicon(data: LexiconData, folder: str | os.PathLike[str]) -> Path:
    """Write the manifest and entry files of ``data`` into ``folder``; give the folder."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").write_text(json.dumps(data.manifest, indent=2) + "\n", encoding="utf-8")
    for name, objs in data.raw.items():
        lines = [json.dumps(obj, ensure_ascii=False) for obj in objs]
        (out / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out
