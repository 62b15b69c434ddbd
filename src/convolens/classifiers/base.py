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
from typing import TYPE_CHECKING, ClassVar, NamedTuple, Protocol, runtime_checkable

from ..model import FOCUS_ORDER, Focus

if TYPE_CHECKING:
    from spacy.tokenizer import Tokenizer
    from spacy.tokens import Doc

    from .turn_tokens import TurnTokens


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


def model_tag(classifier: FocusClassifier) -> str:
    """Give the ``name@version`` written beside every prediction of ``classifier``."""
    return f"{classifier.name}@{classifier.version}"


class Sentence(NamedTuple):
    """A sentence as the spaCy pipeline hands it to a classifier: tokens ``start:end`` of ``doc``."""

    doc: Doc
    start: int
    end: int
    #: the sentence's text, ``doc[start:end].text``.
    text: str
    #: the ``ORTH`` ids of the whole Doc's tokens, when the caller has read them already.
    orths: Sequence[int] | None = None
    #: whether the sentence begins and ends at whitespace or an edge of the Doc, so that its text
    #: alone gets these same tokens (spaCy tokenises each whitespace-separated chunk on its own);
    #: None when the caller does not know.
    alone: bool | None = None


@runtime_checkable
class SentenceClassifier(FocusClassifier, Protocol):
    """A classifier that can use the pipeline's tokens instead of re-reading each sentence's text.

    ``predict_sentences`` gives what ``predict`` gives for the sentences' texts wherever a Doc's
    tokens are the ones the text alone would get. ``tokenizer`` is the one that made the Docs, so
    that a classifier which tokenises texts itself can tell whether that holds. Each sentence's
    prediction must not depend on the other sentences of the call: :func:`convolens.nlp.analyse_turns`
    relies on that to analyse a repeated turn once and to remember short ones.
    """

    def predict_sentences(
        self, sentences: Sequence[Sentence], *, tokenizer: Tokenizer | None = None
    ) -> list[Prediction]:
        """Give one prediction per sentence, in order."""
        ...


class TurnSentence(NamedTuple):
    """A sentence as :func:`convolens.nlp.analyse_turns` hands it to a classifier: tokens ``start:end`` of a turn."""

    turn: TurnTokens
    start: int
    end: int
    #: the sentence's text, from its first token to the end of its last.
    text: str
    #: whether the sentence begins and ends at whitespace or an edge of the turn, so that its text alone
    #: gets these same tokens (see ``Sentence.alone``).
    alone: bool


@runtime_checkable
class TurnClassifier(FocusClassifier, Protocol):
    """A classifier that reads the pipeline's tokens of a turn (:class:`~.turn_tokens.TurnTokens`).

    ``predict_turn_sentences`` gives what ``predict`` gives for the sentences' texts wherever a
    turn's tokens are the ones the text alone would get (the turn's ``tokenizer`` says whose they
    are). As for :class:`SentenceClassifier`, each sentence's prediction must not depend on the other
    sentences of the call.
    """

    def predict_turn_sentences(self, sentences: Sequence[TurnSentence]) -> list[Prediction]:
        """Give one prediction per sentence, in order."""
        ...
