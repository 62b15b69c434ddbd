"""The contract every focus classifier fulfils.

A classifier takes texts (sentences or whole turns) and gives one
:class:`Prediction` each: a focus label, its confidence, per-class
probabilities in :data:`~convolens.model.FOCUS_ORDER`, the sub-theme when it
knows one, and evidence saying why. The lexicon baseline, the linear model
and the neural model all sit behind this one interface, registered by name in
:mod:`convolens.classifiers`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol, runtime_checkable

from ..model import FOCUS_ORDER, Focus


@dataclass(frozen=True)
class Prediction:
    """One text's focus, with how sure the classifier is and why."""

    focus: Focus
    score: float
    #: probabilities for revenue, customer_impact, other (FOCUS_ORDER), summing to 1.
    probs: tuple[float, float, float]
    #: sub-theme such as ``close_timing`` or ``customer_goals``; None when unknown.
    theme: str | None = None
    #: human-readable reason: which patterns fired, or the model's top features.
    evidence: str = ""

    def prob(self, focus: Focus) -> float:
        """Give the probability of one focus label."""
        return self.probs[FOCUS_ORDER.index(focus)]


@runtime_checkable
class FocusClassifier(Protocol):
    """Anything that labels texts with a focus."""

    name: ClassVar[str]

    @property
    def version(self) -> str:
        """A string that changes whenever predictions could change (for caching)."""
        ...

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Give one prediction per text, in order."""
        ...
