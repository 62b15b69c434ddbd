"""Errors raised by convolens.

Every error is a :class:`ConvolensError` and also the built-in exception a
caller would expect (``ValueError``, ``FileNotFoundError``), so plain
``except ValueError`` keeps working. ``str(error)`` is one line that names the
file and, where it applies, the line: ``calls/a.vtt:12: bad timestamp '1:xx'``.
"""

from __future__ import annotations

from pathlib import Path


class ConvolensError(Exception):
    """Base class: a problem the user can fix, reported as one line."""

    code = "CL000"

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None):
        # One line, always: messages that quote input must not break the log format.
        self.message = " ".join(str(message).split())
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(self.message)

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class InputFormatError(ConvolensError, ValueError):
    """A transcript file could not be parsed."""

    code = "CL100"


class UnknownFormatError(InputFormatError):
    """No reader recognises the file (or the forced format is unknown)."""

    code = "CL101"


class EmptyInputError(InputFormatError):
    """The file holds no speech at all."""

    code = "CL102"


class MissingInputError(ConvolensError, FileNotFoundError):
    """A file named by the user or by a manifest does not exist."""

    code = "CL110"


class RosterError(ConvolensError, ValueError):
    """The roster CSV is unusable (missing column, bad row, unknown manager)."""

    code = "CL200"


class ManifestError(ConvolensError, ValueError):
    """The manifest CSV is unusable or one of its rows is."""

    code = "CL210"


class SchemaError(ConvolensError, ValueError):
    """A table does not have the columns or types convolens expects."""

    code = "CL300"


class ModelError(ConvolensError, ValueError):
    """A classifier or lexicon could not be found or loaded."""

    code = "CL400"


class RunDirError(ConvolensError, FileNotFoundError):
    """A run folder given to ``report`` lacks the files ``score`` writes."""

    code = "CL500"
