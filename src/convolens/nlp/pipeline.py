"""Building the convolens spaCy pipeline and analysing many turns with it.

:func:`make_nlp` gives a ``Language`` with the three convolens components;
:func:`analyse_turns` runs it over a batch of turns and gives one frozen
:class:`TurnAnalysis` each. The default pipeline is built once per classifier
name and cached, since the lead pipeline calls :func:`analyse_turns` for every
utterance of a run.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from ..classifiers.base import FocusClassifier
from ..model import Focus
from .components import FocusComponent, register_extensions


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


def make_nlp(
    classifier: str | FocusClassifier = "lexicon",
    base: str | None = None,
    *,
    lexicon_path: str | None = None,
) -> Language:
    """Give a spaCy pipeline that splits sentences, finds questions and labels focus.

    Parameters
    ----------
    classifier:
        A registered classifier name (see :func:`convolens.classifiers.classifier_names`)
        or a classifier object.
    base:
        Name or path of an installed spaCy pipeline to build on; ``None`` uses
        ``spacy.blank("en")``. When the base has a parser or senter, its
        sentence boundaries are kept and the convolens sentencizer is not added.
    lexicon_path:
        A lexicon folder for the ``lexicon`` classifier (default: see
        :func:`convolens.classifiers.lexicon_data.find_lexicon_dir`).
    """
    register_extensions()
    nlp = spacy.load(base) if base else spacy.blank("en")
    # A saved convolens pipeline used as the base already has our components.
    if not (nlp.has_pipe("parser") or nlp.has_pipe("senter") or nlp.has_pipe("convolens_sentencizer")):
        nlp.add_pipe("convolens_sentencizer", first=True)
    if not nlp.has_pipe("convolens_questions"):
        nlp.add_pipe("convolens_questions")
    name = classifier if isinstance(classifier, str) else classifier.name
    if nlp.has_pipe("convolens_focus"):
        focus = nlp.get_pipe("convolens_focus")
        if isinstance(classifier, str) and (classifier != getattr(focus, "classifier_name", None) or lexicon_path):
            focus = nlp.replace_pipe(
                "convolens_focus", "convolens_focus", config={"classifier": name, "lexicon_path": lexicon_path}
            )
    else:
        focus = nlp.add_pipe("convolens_focus", config={"classifier": name, "lexicon_path": lexicon_path})
    if not isinstance(focus, FocusComponent):  # pragma: no cover - someone replaced the factory
        raise TypeError(f"convolens_focus is a {type(focus).__name__}, not a FocusComponent")
    if isinstance(classifier, str):
        _ = focus.classifier  # load now: a bad name or lexicon fails here, not mid-run
    else:
        focus.classifier = classifier
    return nlp


_CACHE: dict[str, Language] = {}
# Pipelines for classifier objects, most recent last; the object is kept beside its
# pipeline so an id() reused by a new object can never hit a stale entry.
_OBJECT_CACHE: OrderedDict[int, tuple[FocusClassifier, Language]] = OrderedDict()
_OBJECT_CACHE_SIZE = 4
_CACHE_LOCK = threading.Lock()


def default_nlp(classifier: str = "lexicon") -> Language:
    """Give the cached default pipeline for a classifier name (built on first use)."""
    key = classifier.lower()
    with _CACHE_LOCK:
        nlp = _CACHE.get(key)
        if nlp is None:
            nlp = _CACHE[key] = make_nlp(classifier)
    return nlp


def nlp_for(classifier: FocusClassifier) -> Language:
    """Give a cached pipeline around a classifier object (the few most recent are kept)."""
    with _CACHE_LOCK:
        hit = _OBJECT_CACHE.get(id(classifier))
        if hit is not None and hit[0] is classifier:
            _OBJECT_CACHE.move_to_end(id(classifier))
            return hit[1]
        nlp = make_nlp(classifier)
        _OBJECT_CACHE[id(classifier)] = (classifier, nlp)
        while len(_OBJECT_CACHE) > _OBJECT_CACHE_SIZE:
            _OBJECT_CACHE.popitem(last=False)
    return nlp


def clear_cache() -> None:
    """Forget the cached pipelines (after editing the lexicon, say)."""
    with _CACHE_LOCK:
        _CACHE.clear()
        _OBJECT_CACHE.clear()


def turn_analysis(doc: Doc) -> TurnAnalysis:
    """Give the :class:`TurnAnalysis` of a Doc processed by a :func:`make_nlp` pipeline."""
    n_sentences = n_questions = 0
    if len(doc):
        for sent in doc.sents:
            n_sentences += 1
            n_questions += bool(sent._.is_question)
    probs = doc._.focus_probs
    return TurnAnalysis(
        is_question=bool(doc._.is_question),
        focus=Focus(doc._.focus),
        focus_score=float(doc._.focus_score),
        probs=(float(probs[0]), float(probs[1]), float(probs[2])),
        theme=doc._.theme,
        evidence=doc._.evidence or "",
        question_text=doc._.question_text,
        n_sentences=n_sentences,
        n_questions=n_questions,
    )


def analyse_turns(
    texts: Sequence[str],
    classifier: str | FocusClassifier = "lexicon",
    *,
    nlp: Language | None = None,
    batch_size: int = 256,
) -> list[TurnAnalysis]:
    """Give one :class:`TurnAnalysis` per text, in order.

    ``classifier`` names a registered classifier or is a classifier object;
    either way the pipeline around it is built once and cached. When ``nlp``
    is given, ``classifier`` is ignored. Texts must be strings; empty ones come back as ``other``.

    Examples
    --------
    >>> [a.focus.value for a in analyse_turns(["okay got it so when do they sign", "thanks all"])]
    ['revenue', 'other']
    """
    bad = next((i for i, t in enumerate(texts) if not isinstance(t, str)), None)
    if bad is not None:
        raise TypeError(f"texts[{bad}] is {type(texts[bad]).__name__}, not str")
    if nlp is None:
        nlp = default_nlp(classifier) if isinstance(classifier, str) else nlp_for(classifier)
    return [turn_analysis(doc) for doc in nlp.pipe(texts, batch_size=batch_size)]
