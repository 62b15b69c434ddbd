"""Texts as per-token facts: what the convolens rules and classifiers read of spaCy's tokens.

A :class:`TurnTokens` is one text's tokens as the ids of distinct tokens in a :class:`TokenTable`,
which keeps each token's facts (its text, ``NORM``, title case, whitespace) once, plus where the
text's whitespace falls. :class:`~.chunk_tokenizer.ChunkTokenizer` makes them without a ``Doc``;
:meth:`TurnTokens.from_doc` reads them from one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from itertools import accumulate, chain
from operator import add
from typing import Any

from spacy.attrs import IDX, NORM, ORTH, SPACY
from spacy.tokens import Doc
from spacy.vocab import Vocab

#: a text with a longer chunk goes to the tokenizer whole (such chunks seldom recur).
CHUNK_CHARS = 100


class _SpaceAfter(dict[int, tuple[int, ...]]):
    """By a chunk's number of tokens, their ``followed`` flags when a space follows the chunk."""

    def __missing__(self, size: int) -> tuple[int, ...]:
        flags = self[size] = (0,) * (size - 1) + (1,) if size else ()
        return flags


_SPACE_AFTER = _SpaceAfter()
_LENGTH = "convolens.length"


class TokenTable:
    """Facts about each distinct token (a ``ORTH``, ``NORM`` pair), by a small integer id.

    ``column(key, fn)`` keeps a further fact per token, ``fn(id)``, worked out once per token
    (a classifier's per-token data, the rules' normalised words).
    """

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self._ids: dict[int, int] = {}
        self.orth: list[int] = []
        self.norm: list[int] = []
        self.text: list[str] = []
        self.norm_text: list[str] = []
        self.title: list[bool] = []
        self.space: list[bool] = []
        self._columns: dict[object, list[Any]] = {}
        self._lock = threading.RLock()  # taken only to add a token or extend a column

    def __len__(self) -> int:
        return len(self.orth)

    def __getstate__(self) -> dict[str, Any]:
        # A lock cannot be pickled; a copy in another process starts empty and learns its tokens again.
        return {"vocab": self.vocab}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["vocab"])  # type: ignore[misc]

    def ids(self, orths: Sequence[int], norms: Sequence[int], vocab: Vocab) -> list[int]:
        """Give the ids of tokens with these ``ORTH`` and ``NORM`` hashes (strings looked up in ``vocab``)."""
        known = self._ids
        out = []
        for orth, norm in zip(orths, norms, strict=True):
            # One int per pair (hashes are 64-bit): ints, unlike tuples, are nothing for the garbage collector.
            key = orth << 64 | norm
            found = known.get(key)
            out.append(self._add(key, orth, norm, vocab) if found is None else found)
        return out

    def _add(self, key: int, orth: int, norm: int, vocab: Vocab) -> int:
        with self._lock:  # the lists must stay aligned, whichever thread adds a token
            found = self._ids.get(key)
            return found if found is not None else self._append(key, orth, norm, vocab)

    def _append(self, key: int, orth: int, norm: int, vocab: Vocab) -> int:
        text, norm_text = vocab.strings[orth], vocab.strings[norm]
        if vocab is not self.vocab:  # lexeme facts are read from this table's vocab later
            self.vocab.strings.add(text)
            self.vocab.strings.add(norm_text)
        lexeme = vocab[orth]
        self._ids[key] = ident = len(self.orth)
        self.orth.append(orth)
        self.norm.append(norm)
        self.text.append(text)
        self.norm_text.append(norm_text)
        self.title.append(bool(lexeme.is_title))
        self.space.append(bool(lexeme.is_space))
        return ident

    def length_of(self, ident: int) -> int:
        """Give the number of characters of a token's text."""
        return len(self.text[ident])

    def column(self, key: object, fn: Callable[[int], Any]) -> list[Any]:
        """Give the fact ``fn(id)`` of every token, as a list by id (worked out once per token)."""
        col = self._columns.get(key)
        if col is None or len(col) < len(self.orth):
            with self._lock:  # two threads extending one column would misalign it
                col = self._columns.setdefault(key, [])
                if len(col) < len(self.orth):
                    col.extend(fn(i) for i in range(len(col), len(self.orth)))
        return col


class TurnTokens:
    """One text's tokens: ids in a :class:`TokenTable`, and where the text's whitespace falls.

    Made by :class:`~.chunk_tokenizer.ChunkTokenizer` or, from a ``Doc``, by :meth:`from_doc`. ``tokenizer`` made
    the tokens (None when unknown); :meth:`doc` gives its ``Doc`` of the text when one is needed.
    """

    __slots__ = ("_doc", "_followed", "_norm_texts", "_offsets", "_pieces", "table", "text", "tokenizer", "types")

    def __init__(
        self,
        text: str,
        types: list[int],
        table: TokenTable,
        tokenizer: Callable[[str], Doc] | None,
        pieces: tuple[Sequence[Sequence[int]], Sequence[bool] | None] | None = None,
        doc: Doc | None = None,
    ) -> None:
        self.text = text
        self.types = types
        self.table = table
        self.tokenizer = tokenizer
        #: the chunks' token ids and whether a space follows each (None: every chunk but the last).
        self._pieces = pieces
        self._doc = doc
        self._followed: list[int] | None = None
        self._offsets: list[int] | None = None
        self._norm_texts: list[str] | None = None

    @classmethod
    def from_doc(cls, doc: Doc, table: TokenTable, tokenizer: Callable[[str], Doc] | None = None) -> TurnTokens:
        """Give the tokens of ``doc`` (made by ``tokenizer``, when known)."""
        if not len(doc):
            return cls(doc.text, [], table, tokenizer, None, doc)
        orths, norms = doc.to_array([ORTH, NORM]).T.tolist()
        return cls(doc.text, table.ids(orths, norms, doc.vocab), table, tokenizer, None, doc)

    def __len__(self) -> int:
        return len(self.types)

    def doc(self) -> Doc:
        """Give the ``Doc`` of the text, as the tokenizer makes it (made on first use)."""
        if self._doc is None:
            if self.tokenizer is None:  # pragma: no cover - made from a Doc, which is kept
                raise ValueError("these tokens have no tokenizer to make a Doc with")
            self._doc = self.tokenizer(self.text)
        return self._doc

    def followed(self) -> list[int]:
        """Give, per token, 1 when a space follows it (``Token.whitespace_``), else 0."""
        if self._followed is None:
            if self._pieces is None:
                self._followed = self.doc().to_array(SPACY).tolist() if self.types else []
            else:
                chunks, spaced = self._pieces
                if spaced is None:  # a space after every chunk but the last
                    followed = list(chain.from_iterable(map(_SPACE_AFTER.__getitem__, map(len, chunks))))
                    if followed:
                        followed[-1] = 0
                else:
                    followed = [0] * len(self.types)
                    for end, space in zip(accumulate(map(len, chunks)), spaced, strict=True):
                        if space:
                            followed[end - 1] = 1
                self._followed = followed
        return self._followed

    def offsets(self) -> list[int]:
        """Give, per token, its character offset in the text (``Token.idx``)."""
        if self._offsets is None:
            if self._pieces is None:
                self._offsets = self.doc().to_array(IDX).tolist() if self.types else []
            else:
                lengths = self.table.column(_LENGTH, self.table.length_of)
                steps = map(add, map(lengths.__getitem__, self.types), self.followed())
                self._offsets = list(accumulate(steps, initial=0))[:-1]
        return self._offsets

    def norm_texts(self) -> list[str]:
        """Give each token's ``norm_``."""
        if self._norm_texts is None:
            norms = self.table.norm_text
            self._norm_texts = list(map(norms.__getitem__, self.types))
        return self._norm_texts

    def span_text(self, start: int, end: int) -> str:
        """Give ``doc[start:end].text``: the tokens' texts, each but the last with the space that follows it."""
        texts, types = self.table.text, self.types
        if end - start == 1:
            return texts[types[start]]
        followed = self.followed()
        last = texts[types[end - 1]]
        return (
            "".join([texts[types[k]] + " " if followed[k] else texts[types[k]] for k in range(start, end - 1)]) + last
        )

    def edges(self) -> list[bool]:
        """Give, per token boundary ``0..len``, whether whitespace or an edge of the text is there.

        spaCy tokenises each whitespace-separated chunk on its own, so a stretch of tokens that begins
        and ends at such boundaries gets these same tokens when its text is tokenised alone.
        """
        n = len(self.types)
        followed = self.followed()
        space = self.table.space
        types = self.types
        edges = [True] * (n + 1)
        for i in range(1, n):
            edges[i] = bool(followed[i - 1]) or space[types[i - 1]] or space[types[i]]
        return edges
