"""Imported once by the server that ``--jobs`` worker processes fork from (see ``convolens.workers``).

Each worker then starts with spaCy (set up without torch, see :mod:`convolens.lean`)
and the scoring pipeline already in memory, instead of importing them itself.
"""

from __future__ import annotations

from .lean import keep_torch_from_thinc

keep_torch_from_thinc()

from . import nlp, pipeline  # noqa: E402,F401  (imported for their side effect: warm workers)
