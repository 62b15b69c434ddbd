"""Transcript readers: one module per format, tried in a fixed order.

:func:`read_any` detects the format of a file (or takes a forced one) and
gives its transcripts. Detection order matters: specific signatures (JSON
vendors, WebVTT, SRT, Google Meet, Otter) come before the generic
``Name: text`` reader, which accepts almost anything with colons.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import UnknownFormatError
from ..model import Transcript
from .base import Cue, Reader, ReadOptions, Source, clean_text, decode_bytes, merge_cues, parse_clock
from .jsonfmt import AssemblyAIReader, AwsTranscribeReader, DeepgramReader, GongReader, WhisperReader
from .plaintext import MeetReader, OtterReader, TextReader
from .srt import SrtReader
from .tabular import CsvReader, ParquetReader
from .vtt import VttReader

#: Every reader, in the order auto-detection tries them.
READERS: tuple[Reader, ...] = (
    ParquetReader(),
    GongReader(),
    AssemblyAIReader(),
    AwsTranscribeReader(),
    DeepgramReader(),
    WhisperReader(),
    VttReader(),
    SrtReader(),
    CsvReader(),
    MeetReader(),
    OtterReader(),
    TextReader(),
)

FORMATS: tuple[str, ...] = tuple(r.name for r in READERS)


def get_reader(name: str) -> Reader:
    """Give the reader for a format name (``vtt``, ``gong``...); raise for an unknown one."""
    for reader in READERS:
        if reader.name == name:
            return reader
    raise UnknownFormatError(f"unknown format {name!r}; known formats: {', '.join(FORMATS)}")


def detect(source: Source) -> Reader:
    """Give the first reader that recognises ``source``; raise ``UnknownFormatError`` if none does."""
    for reader in READERS:
        if reader.detect(source):
            return reader
    raise UnknownFormatError(
        f"format not recognised (known formats: {', '.join(FORMATS)}; use --format to force one)",
        path=source.name,
    )


def read_any(
    path: str | Path,
    *,
    format: str | None = None,
    options: ReadOptions | None = None,
    name: str | None = None,
) -> list[Transcript]:
    """Give every transcript in a file, detecting its format unless ``format`` forces one.

    ``name`` is how the file is named in messages and tables (default: the path).
    Raises a :class:`~convolens.errors.ConvolensError` subclass naming the file
    (and line) when the file cannot be read.

    Examples
    --------
    >>> [t] = read_any("data/samples/calls/2026-03-02_one_on_one_dana-lee_sam-ortiz.vtt")  # doctest: +SKIP
    >>> t.turns[0].speaker  # doctest: +SKIP
    'Dana Lee'
    """
    path = Path(path)
    source = Source(path, name)
    options = options or ReadOptions()
    if format:
        reader = get_reader(format)
    elif options.columns and path.suffix.lower() in CsvReader.suffixes:
        # A CSV with custom column names carries no header detect() would know: the mapping says it is one.
        reader = get_reader("csv")
    else:
        reader = detect(source)
    return list(reader.parse(source, options))


__all__ = [
    "FORMATS",
    "READERS",
    "Cue",
    "ReadOptions",
    "Reader",
    "Source",
    "clean_text",
    "decode_bytes",
    "detect",
    "get_reader",
    "merge_cues",
    "parse_clock",
    "read_any",
]
