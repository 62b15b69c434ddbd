"""spaCy's tokenizer, one whitespace-separated chunk at a time, with a memory of each chunk's tokens.

spaCy's tokenizer cuts a text at whitespace and tokenises each chunk on its own, remembering each
chunk's tokens; only its special cases that affix rules split apart (":)", "10a.m.") are matched
over the whole text afterwards. So a text's tokens are its chunks' tokens one after another, unless
such a special case could start in one chunk and end in the next (see :func:`special_pairs`).
:class:`ChunkTokenizer` does the same with its own memory of each chunk's tokens and gives each text
as a :class:`~.turn_tokens.TurnTokens`. Reading a turn is then a ``split`` and a dictionary look-up
per chunk, where spaCy made a ``Doc`` that the rules read back with ``Doc.to_array`` (the two
together took longer than all the convolens rules).

A text where a special case could span two chunks, one with a chunk longer than
:data:`~.turn_tokens.CHUNK_CHARS` (or than a :class:`~.lexicon_tokenizer.BoundedTokenizer` lets
through), and every text of a tokenizer that is not spaCy's own ``Tokenizer`` go through the
tokenizer itself; either way a text gets the tokens ``tokenizer(text)`` gives
(tests/classifiers/test_turn_tokens.py compares them on corpus and odd text).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Sequence
from itertools import chain, compress, islice, pairwise
from typing import Any, NamedTuple

from spacy.attrs import NORM, ORTH
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.vocab import Vocab

from .lexicon_tokenizer import BoundedTokenizer
from .turn_tokens import CHUNK_CHARS, TokenTable, TurnTokens

#: chunks remembered per tokenizer, and distinct tokens per table, before both start again.
CHUNK_LIMIT = 200_000
TYPE_LIMIT = 400_000
_RUNS = re.compile(r"\s+|\S+")  # re's \s is exactly str.isspace, as spaCy's loop tests it


class SpecialPairs(NamedTuple):
    """The special cases of a spaCy tokenizer that can match across the space between two chunks."""

    #: consecutive tokens ``(a, b)`` of a special case as the affix rules alone cut it.
    pairs: frozenset[tuple[str, str]]
    #: every ``a`` and every ``b`` of ``pairs``.
    lasts: frozenset[str]
    firsts: frozenset[str]
    #: the special cases of more than one such token (a chunk's tokens at its start or end may be one
    #: of them put back together, where its affix rules alone cut it otherwise).
    rules: tuple[str, ...]


_PAIRS: dict[bytes, SpecialPairs] = {}  # by the tokenizer's settings, serialised: one per kind of pipeline


def special_pairs(tokenizer: Tokenizer) -> SpecialPairs:
    """Give the token pairs by which a special case of ``tokenizer`` could span two chunks.

    spaCy matches its special cases a second time over the whole text's tokens as its affix rules
    cut them (without special cases), to catch those that affixes split apart. Such a match can run
    over the space between two chunks ("' s"); spaCy then keeps the tokens as they were, but the
    match can stop a match inside one of the chunks from being applied. Where two chunks meet as
    ``a b`` for a pair here, :class:`ChunkTokenizer` tokenises the whole text instead.
    """
    try:
        settings: bytes | None = tokenizer.to_bytes(exclude=["vocab"])
    except (AttributeError, TypeError, ValueError):  # settings spaCy cannot serialise: work them out each time
        settings = None
    known = _PAIRS.get(settings) if settings is not None else None
    if known is not None:
        return known
    bare = Tokenizer(
        tokenizer.vocab,
        rules=None,
        prefix_search=tokenizer.prefix_search,
        suffix_search=tokenizer.suffix_search,
        infix_finditer=tokenizer.infix_finditer,
        token_match=tokenizer.token_match,
        url_match=tokenizer.url_match,
        faster_heuristics=tokenizer.faster_heuristics,
    )
    pairs: set[tuple[str, str]] = set()
    rules: list[str] = []
    fast = tokenizer.faster_heuristics
    for rule in tokenizer.rules or {}:
        # The rules spaCy's Tokenizer.add_special_case gives its matcher (all, without its heuristics).
        affixed = (
            " " in rule or tokenizer.find_prefix(rule) or tokenizer.find_suffix(rule) or tokenizer.find_infix(rule)
        )
        if fast and not affixed:
            continue
        cut = [t.text for t in bare(rule)]
        if len(cut) > 1:
            pairs.update(pairwise(cut))
            rules.append(rule)
    found = SpecialPairs(
        frozenset(pairs), frozenset(a for a, _ in pairs), frozenset(b for _, b in pairs), tuple(sorted(rules))
    )
    if settings is not None:
        if len(_PAIRS) >= 8:
            _PAIRS.clear()
        _PAIRS[settings] = found
    return found


def _signature(tokenizer: Tokenizer) -> tuple[Any, ...]:
    """Give what changes when a spaCy tokenizer's settings change (its chunks must then be forgotten)."""
    rules = tokenizer.rules
    return (
        id(rules),
        len(rules or ()),
        tokenizer.prefix_search,
        tokenizer.suffix_search,
        tokenizer.infix_finditer,
        tokenizer.token_match,
        tokenizer.url_match,
        tokenizer.faster_heuristics,
    )


class _Chunks:
    """What a :class:`ChunkTokenizer` remembers for one state of its tokenizer's settings."""

    def __init__(self, vocab: Vocab, signature: tuple[Any, ...], special: SpecialPairs) -> None:
        self.signature = signature
        self.special = special
        self.table = TokenTable(vocab)
        #: chunk text -> its tokens' ids.
        self.tokens: dict[str, tuple[int, ...]] = {}
        #: chunk text -> what its first / last token may be in a special case's pair (only where any).
        self.heads: dict[str, tuple[str, ...]] = {}
        self.tails: dict[str, tuple[str, ...]] = {}


class ChunkTokenizer:
    """Give texts' tokens as ``tokenizer`` makes them, as :class:`TurnTokens`, remembering each chunk's.

    Parameters
    ----------
    tokenizer:
        A spaCy ``Tokenizer``, possibly wrapped in a :class:`~.lexicon_tokenizer.BoundedTokenizer`;
        any other tokenizer is called once per text.
    """

    def __init__(self, tokenizer: Callable[[str], Doc]) -> None:
        self.tokenizer = tokenizer
        inner = tokenizer.tokenizer if isinstance(tokenizer, BoundedTokenizer) else tokenizer
        max_run = tokenizer.max_run if isinstance(tokenizer, BoundedTokenizer) else CHUNK_CHARS
        #: longer chunks go to the tokenizer with their text (the BoundedTokenizer cuts runs longer than its max_run).
        self.max_chunk = min(max_run, CHUNK_CHARS)
        # Only spaCy's own tokenizer is known to work chunk by chunk; a subclass may not.
        self._inner: Tokenizer | None = inner if type(inner) is Tokenizer else None
        self._vocab: Vocab = getattr(inner, "vocab", None) or Vocab()
        self._state: _Chunks | None = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        # What it remembers stays behind when a classifier is pickled for another process.
        return {"tokenizer": self.tokenizer}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["tokenizer"])  # type: ignore[misc]

    def _chunks(self) -> _Chunks:
        """Give the current memory, made anew when the tokenizer's settings changed or it grew too big."""
        state = self._state
        inner = self._inner
        signature = _signature(inner) if inner is not None else ()
        if (
            state is None
            or state.signature != signature
            or len(state.tokens) > CHUNK_LIMIT
            or len(state.table) > TYPE_LIMIT
        ):
            with self._lock:
                if state is not None and state.signature == signature:
                    special = state.special
                elif inner is not None:
                    special = special_pairs(inner)
                else:
                    special = SpecialPairs(frozenset(), frozenset(), frozenset(), ())
                # Turns given out before keep their own table: a new memory never changes them.
                state = self._state = _Chunks(self._vocab, signature, special)
        return state

    def turns(self, texts: Iterable[str]) -> list[TurnTokens]:
        """Give the tokens of each text."""
        state = self._chunks()
        if self._inner is None:
            return [self._whole(text, state) for text in texts]
        # One loop with everything at hand: this runs once per turn of a run.
        known = state.tokens.get
        heads = state.heads.keys()
        table, tokenizer, max_chunk = state.table, self.tokenizer, self.max_chunk
        out: list[TurnTokens] = []
        for text in texts:
            pieces = text.split(" ")
            spaced: list[bool] | None = None
            if "" in pieces or not text.isprintable():  # not single spaces between runs of other characters
                if not text:
                    out.append(TurnTokens(text, [], table, tokenizer, ((), None)))
                    continue
                pieces, spaced = _pieces(text)
            if len(text) > max_chunk and max(map(len, pieces)) > max_chunk:
                out.append(self._whole(text, state))
                continue
            found = list(map(known, pieces))
            if None in found:
                for k, chunk in enumerate(found):
                    if chunk is None:
                        found[k] = self._chunk(pieces[k], state)
            if not heads.isdisjoint(pieces) and _special_between(pieces, state):
                out.append(self._whole(text, state))
                continue
            chunks: list[tuple[int, ...]] = found  # type: ignore[assignment]
            out.append(TurnTokens(text, list(chain.from_iterable(chunks)), table, tokenizer, (chunks, spaced)))
        return out

    def _whole(self, text: str, state: _Chunks) -> TurnTokens:
        return TurnTokens.from_doc(self.tokenizer(text), state.table, self.tokenizer)

    def _chunk(self, piece: str, state: _Chunks) -> tuple[int, ...]:
        """Give the token ids of one chunk, tokenised alone, and remember them."""
        assert self._inner is not None
        doc = self._inner(piece)
        orths, norms = doc.to_array([ORTH, NORM]).T.tolist() if len(doc) else ([], [])
        ids = tuple(state.table.ids(orths, norms, doc.vocab))
        special = state.special
        if ids and special.pairs:
            texts = state.table.text
            # Its first and last tokens are those spaCy's special-case matching sees, unless a special
            # case of several affix-cut tokens was put together there: then anything it begins or ends with.
            heads = {b for b in special.firsts if piece.startswith(b)} if piece.startswith(special.rules) else set()
            tails = {a for a in special.lasts if piece.endswith(a)} if piece.endswith(special.rules) else set()
            heads.update({texts[ids[0]]} & special.firsts)
            tails.update({texts[ids[-1]]} & special.lasts)
            if heads:
                state.heads[piece] = tuple(heads)
            if tails:
                state.tails[piece] = tuple(tails)
        state.tokens[piece] = ids
        return ids


def _special_between(pieces: Sequence[str], state: _Chunks) -> bool:
    """Say whether a special case may match across two of these consecutive chunks."""
    heads, tails = state.heads, state.tails
    pairs = state.special.pairs
    # Only the chunks that can begin a pair are looked at (found with a C-level loop): common words
    # such as "or" can, so a turn's every chunk would otherwise be looked at in Python.
    for k in compress(range(1, len(pieces)), map(heads.__contains__, islice(pieces, 1, None))):
        lasts = tails.get(pieces[k - 1])
        if lasts is not None and any((a, b) in pairs for a in lasts for b in heads[pieces[k]]):
            return True
    return False


def _pieces(text: str) -> tuple[list[str], list[bool]]:
    """Give a text's chunks as spaCy's tokenizer walks them, and whether a space it consumed follows each.

    Runs of whitespace and of other characters alternate. A space that directly follows a run of
    other characters is that run's trailing whitespace; any other whitespace is a chunk (and so a
    token) of its own.
    """
    pieces: list[str] = []
    spaced: list[bool] = []
    for m in _RUNS.finditer(text):
        run = m.group()
        if m.start() > 0 and run[0] == " ":  # after a run of other characters
            spaced[-1] = True
            run = run[1:]
            if not run:
                continue
        pieces.append(run)
        spaced.append(False)
    return pieces, spaced
