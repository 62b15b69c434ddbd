"""Scoring utterances a researcher already holds, and moving runs to and from ConvoKit.

- :func:`from_frame` scores a pandas frame with one row per utterance, like the
  files of ``convolens score``, and can write the result as a run folder;
- :func:`to_convokit` gives a scored run as a ConvoKit ``Corpus``;
- :func:`from_convokit` scores a ConvoKit corpus (by way of :func:`from_frame`).

ConvoKit is an optional extra (``pip install 'convolens[convokit]'``) and is
imported only by the two functions that need it: its import is slow.
"""

from __future__ import annotations

from .convokit import from_convokit, to_convokit
from .frame import CALL_FIELDS, COLUMN_ALIASES, FRAME_SOURCE, from_frame

__all__ = ["CALL_FIELDS", "COLUMN_ALIASES", "FRAME_SOURCE", "from_convokit", "from_frame", "to_convokit"]
