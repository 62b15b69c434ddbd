"""A bounded memory of a classifier's predictions for recent short texts.

Calls repeat themselves: "Yeah.", "Okay, great.", "Can you hear me?" come back many times in a
run, alone or inside longer turns. A classifier whose prediction for a sentence depends on the
sentence's text alone can look it up here instead of computing it again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from .base import Prediction


class RecentPredictions:
    """Predictions by exact text, least recently used dropped first; safe to share between threads.

    Parameters
    ----------
    max_texts:
        How many texts are remembered at most (each a short string and its Prediction, well
        under a kilobyte together).
    max_chars:
        Longer texts are not remembered: they seldom come back.
    """

    def __init__(self, max_texts: int = 20_000, max_chars: int = 200) -> None:
        self.max_texts = max_texts
        self.max_chars = max_chars
        self._entries: OrderedDict[str, Prediction] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def __getstate__(self) -> dict[str, int]:
        # A lock cannot be pickled, and a copy sent to another process starts with nothing remembered.
        return {"max_texts": self.max_texts, "max_chars": self.max_chars}

    def __setstate__(self, state: dict[str, int]) -> None:
        self.max_texts = state["max_texts"]
        self.max_chars = state["max_chars"]
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def lookup(self, texts: Sequence[str | None]) -> list[Prediction | None]:
        """Give the remembered prediction of each text, None where there is none (or the text is None)."""
        entries = self._entries
        with self._lock:
            found = [entries.get(t) if t is not None else None for t in texts]
            for text, pred in zip(texts, found, strict=True):
                if pred is not None and text is not None:
                    entries.move_to_end(text)
        return found

    def remember(self, texts: Sequence[str], preds: Sequence[Prediction]) -> None:
        """Remember the predictions of the short ones among ``texts``."""
        entries = self._entries
        with self._lock:
            for text, pred in zip(texts, preds, strict=True):
                if len(text) <= self.max_chars:
                    entries[text] = pred
            while len(entries) > self.max_texts:
                entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every remembered prediction."""
        with self._lock:
            self._entries.clear()
