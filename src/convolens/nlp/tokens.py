"""What the convolens rules read from a Doc's tokens, taken from spaCy's arrays in one call.

Iterating a Doc makes one Python ``Token`` object per token, and reading ``norm_`` looks a
string up each time; that was a large share of the pipeline's time. :func:`doc_tokens` reads
the attributes the rules need as one array instead and turns each ``NORM`` id into its
rule-level word (:func:`convolens.nlp.words.normalise`) through a table shared by every Doc,
since the same few thousand words make up nearly all speech. The spaCy components use it;
:func:`convolens.nlp.analyse_turns` reads turns without Docs (:mod:`convolens.nlp.direct`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from spacy.attrs import IS_SPACE, IS_TITLE, NORM, ORTH, SENT_START
from spacy.tokens import Doc

from .words import normalise

_ATTRS = [ORTH, NORM, IS_SPACE, IS_TITLE]
_ATTRS_STARTS = [*_ATTRS, SENT_START]
#: NORM id -> rule-level word. Ids are hashes of the strings, the same in every vocab.
_WORD_OF_NORM: dict[int, str] = {}
_TABLE_LIMIT = 500_000


class DocTokens(NamedTuple):
    """Per-token facts of one Doc, as plain lists."""

    #: rule-level words: normalised ``norm_``; whitespace tokens are ``"\\n"`` when they hold a line break, else ``""``.
    words: list[str]
    #: ``Token.is_title`` (1 or 0): capitalised like a name.
    titles: list[int]
    #: ``Token.is_space`` (1 or 0).
    spaces: list[int]
    #: ``Token.orth``: the ids of the tokens' texts.
    orths: list[int]
    #: ``Token.is_sent_start`` as spaCy stores it (1 starts a sentence, -1 does not, 0 unknown), if asked for.
    sent_starts: list[int] | None = None


def doc_tokens(doc: Doc, *, sent_starts: bool = False) -> DocTokens:
    """Give the per-token facts of ``doc`` that the sentence and question rules need."""
    if not len(doc):
        return DocTokens([], [], [], [], [] if sent_starts else None)
    if sent_starts:
        orths, norms, is_space, titles, starts = doc.to_array(_ATTRS_STARTS).T.tolist()
    else:
        orths, norms, is_space, titles = doc.to_array(_ATTRS).T.tolist()
        starts = None
    table = _WORD_OF_NORM
    words = [table.get(n, "") for n in norms]
    missing = "" in words
    if missing or 1 in is_space:
        strings = doc.vocab.strings
        if len(table) > _TABLE_LIMIT:
            table.clear()
        for i, word in enumerate(words):
            if is_space[i]:
                words[i] = "\n" if "\n" in strings[orths[i]] else ""
            elif missing and not word:
                words[i] = table[norms[i]] = normalise(strings[norms[i]])
    return DocTokens(words, titles, is_space, orths, starts)


def name_flags(titles: Sequence[int], starts: Sequence[bool] | Sequence[int]) -> list[bool]:
    """Give, per token, whether it looks like a proper name: capitalised, not first in its sentence.

    ``starts`` holds ``True`` or spaCy's ``1`` at sentence starts. Lower-case text has no
    capitalised tokens, so it never has names.
    """
    if 1 not in titles:
        return [False] * len(titles)
    return [bool(t) and i > 0 and starts[i] != 1 for i, t in enumerate(titles)]
