"""What the convolens rules read from a Doc's tokens, taken from spaCy's arrays in one call.

Iterating a Doc makes one Python ``Token`` object per token, and reading ``norm_`` looks a
string up each time; that was a large share of the pipeline's time. :func:`doc_tokens` reads
the attributes the rules need as one array instead and turns each ``NORM`` id into its
rule-level word (:func:`convolens.nlp.words.normalise`) through a table shared by every Doc,
since the same few thousand words make up nearly all speech.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import NamedTuple

from spacy.attrs import IDX, IS_SPACE, IS_TITLE, NORM, ORTH, SENT_START, SPACY
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


def sentence_texts(doc: Doc, text: str, spaces: Sequence[int], bounds: Sequence[int]) -> tuple[list[str], list[bool]]:
    """Give ``doc[a:b].text`` for consecutive ``a, b`` of ``bounds``, by slicing ``text`` (the Doc's text).

    Also give, per sentence, whether it begins and ends at whitespace or an edge of the Doc, so
    that its text alone tokenises into the same tokens (see ``Sentence.alone``). ``spaces`` are
    the tokens' ``is_space`` flags. A sentence's text runs from its first token's offset to its
    last token's end, without the space that may follow it.
    """
    n = len(spaces)
    if len(bounds) == 2 and bounds[0] == 0 and bounds[1] == n:
        # One sentence: all of the text, less a trailing space kept as the last token's whitespace
        # (a whitespace token is never followed by a space of its own).
        return [text[:-1] if text.endswith(" ") and not spaces[-1] else text], [True]
    offsets, followed = doc.to_array([IDX, SPACY]).T.tolist()
    texts = []
    alone = []
    for a, b in pairwise(bounds):
        end = offsets[b] - followed[b - 1] if b < n else len(text) - followed[-1]
        texts.append(text[offsets[a] : end])
        alone.append(
            (a == 0 or bool(followed[a - 1] or spaces[a - 1] or spaces[a]))
            and (b == n or bool(followed[b - 1] or spaces[b - 1] or spaces[b]))
        )
    return texts, alone
