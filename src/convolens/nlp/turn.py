"""The turn rule: which sentence's prediction labels a whole speaker turn.

From LABELING.md: "Both in one utterance: the last question asked decides; a
statement with both: the part that carries the main verb."

* A turn with a question takes the focus of its **last question whose focus is
  not other**; if every question is other, the turn is other (its last
  question is reported as the deciding one).
* A turn without a question is a statement. The lexicon already down-weights
  words in subordinate clauses inside a sentence; across sentences we take the
  non-other sentence with the strongest prediction (highest non-other
  probability; the earlier one on a tie), else other. For an all-other
  statement turn the reported prediction is the sentence closest to being
  labelled (lowest ``other`` probability), so the turn's probabilities still
  say how near it came.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..classifiers.base import Prediction
from ..model import Focus

_OTHER = 2  # index of `other` in FOCUS_ORDER


@dataclass(frozen=True)
class TurnAnalysis:
    """What convolens found in one turn: is it a question, and whose outcome it attends to."""

    is_question: bool
    focus: Focus
    focus_score: float
    #: probabilities for revenue, customer_impact, other (FOCUS_ORDER).
    probs: tuple[float, float, float]
    theme: str | None
    evidence: str
    #: the sentence that decided the focus, when the turn is a question.
    question_text: str | None
    n_sentences: int
    n_questions: int


@dataclass(frozen=True)
class TurnDecision:
    """Which sentence decides a turn, and whether it is a question."""

    index: int
    prediction: Prediction
    by_question: bool


def decide_turn(predictions: Sequence[Prediction], questions: Sequence[bool]) -> TurnDecision | None:
    """Give the deciding sentence of a turn, or None for a turn with no sentences."""
    if not predictions:
        return None
    asked = [i for i, q in enumerate(questions) if q]
    if asked:
        for i in reversed(asked):
            if predictions[i].focus is not Focus.OTHER:
                return TurnDecision(i, predictions[i], True)
        last = asked[-1]
        return TurnDecision(last, predictions[last], True)
    best: int | None = None
    for i, p in enumerate(predictions):
        if p.focus is not Focus.OTHER and (best is None or p.score > predictions[best].score):
            best = i
    if best is None:
        best = min(range(len(predictions)), key=lambda i: (predictions[i].probs[_OTHER], i))
    return TurnDecision(best, predictions[best], False)
