"""A guard around spaCy's tokenizer for text with very long runs of non-space characters.

spaCy's tokenizer strips prefixes, suffixes and infixes off each
whitespace-delimited chunk one at a time and rescans the rest of the chunk
after each, so its cost grows with the square of the chunk's length: 20,000
``?`` or emoji in a row took minutes. :class:`BoundedTokenizer` cuts any chunk
longer than :data:`MAX_RUN` characters into pieces of at most that length,
tokenises each piece on its own and joins the Docs again, so the Doc's text is
exactly the input and the cost stays linear. No real word or URL is that long,
so ordinary text goes straight to spaCy and is tokenised exactly as before.

It lives beside the lexicon classifier, which tokenises texts itself, and the
pipeline in :mod:`convolens.nlp` uses it too (``nlp`` imports ``classifiers``,
never the other way round).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from spacy.tokens import Doc

#: The longest run of non-space characters handed to spaCy in one piece. Within a piece the
#: cost is still quadratic (a run of 100 apostrophes costs about 4 ms), so this is kept small.
#: The longest English words are about 30 letters; a longer URL is merely split into two tokens.
MAX_RUN = 100

_RUN = re.compile(r"\S+")


class BoundedTokenizer:
    """A spaCy tokenizer that never sees a non-space run longer than ``max_run`` characters.

    Everything other than calling it (``to_disk``, ``from_bytes``, ``explain``, rules...) is
    the wrapped tokenizer's, so a pipeline using it saves and loads as before.
    """

    def __init__(self, tokenizer: Callable[[str], Doc], max_run: int = MAX_RUN) -> None:
        self.tokenizer = tokenizer
        self.max_run = max_run

    def __call__(self, text: str) -> Doc:
        if max(map(len, text.split()), default=0) <= self.max_run:
            return self.tokenizer(text)
        docs = [self.tokenizer(piece) for piece in split_long_runs(text, self.max_run)]
        return Doc.from_docs(docs, ensure_whitespace=False)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        """Give one Doc per text (``batch_size`` is accepted for spaCy's signature)."""
        for text in texts:
            yield self(text)

    def __getattr__(self, name: str) -> Any:
        # Guarded so that copying or unpickling, which look attributes up before __init__ ran,
        # cannot recurse through a missing self.tokenizer.
        if name.startswith("__") or name in ("tokenizer", "max_run"):
            raise AttributeError(name)
        return getattr(self.tokenizer, name)


def bounded(tokenizer: Callable[[str], Doc], max_run: int = MAX_RUN) -> BoundedTokenizer:
    """Give ``tokenizer`` wrapped in a :class:`BoundedTokenizer` (unchanged when it already is one)."""
    return tokenizer if isinstance(tokenizer, BoundedTokenizer) else BoundedTokenizer(tokenizer, max_run)


def split_long_runs(text: str, max_run: int = MAX_RUN) -> list[str]:
    """Give ``text`` in consecutive pieces, cut only inside non-space runs longer than ``max_run``.

    The pieces join back to ``text`` exactly, and no piece holds a non-space run
    longer than ``max_run``.

    >>> split_long_runs("ok " + "?" * 5, max_run=2)
    ['ok ??', '??', '?']
    """
    cuts: list[int] = []
    for m in _RUN.finditer(text):
        cuts.extend(range(m.start() + max_run, m.end(), max_run))
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]
