"""Building the convolens spaCy pipeline and analysing many turns with it.

:func:`make_nlp` gives a ``Language`` with the three convolens components;
:func:`analyse_turns` runs it over a batch of turns and gives one frozen
:class:`TurnAnalysis` each. The default pipeline is built once per classifier
name and cached, since the lead pipeline calls :func:`analyse_turns` for every
utterance of a run.

For the pipeline :func:`make_nlp` builds on a blank base, :func:`analyse_turns` does not
go through ``nlp.pipe``: it runs the same rules and the same classifier call itself on the
tokenizer's tokens read chunk by chunk (:mod:`.direct`), without making Docs or setting extension
attributes it would only read back, and it remembers the analyses of short turns ("yeah",
"mm-hmm", "got it") by their exact text. The results are those ``nlp.pipe`` gives (see tests/nlp/test_fast_path.py and the
"Speed" section of docs/nlp.md).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from typing import cast

import spacy
from spacy.errors import Errors
from spacy.language import Language
from spacy.tokens import Doc

from ..classifiers.base import FocusClassifier, SentenceClassifier, TurnClassifier
from ..classifiers.chunk_tokenizer import ChunkTokenizer
from ..classifiers.lexicon_tokenizer import bounded
from ..model import Focus
from .components import FocusComponent, QuestionDetector, Sentencizer, register_extensions
from .direct import analyse_directly
from .turn import TurnAnalysis

__all__ = [
    "TurnAnalysis",
    "analyse_turns",
    "clear_cache",
    "clear_turn_cache",
    "default_nlp",
    "make_nlp",
    "nlp_for",
    "turn_analysis",
]


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
    # Long runs without spaces ("??????...", emoji) made spaCy's tokenizer quadratic.
    nlp.tokenizer = bounded(nlp.tokenizer)
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
    """Forget the cached pipelines and remembered turns (after editing the lexicon, say)."""
    with _CACHE_LOCK:
        _CACHE.clear()
        _OBJECT_CACHE.clear()
    clear_turn_cache()


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
    parts = _convolens_parts(nlp)
    if parts is None:
        return [turn_analysis(doc) for doc in nlp.pipe(texts, batch_size=batch_size)]
    sentencizer, focus = parts
    for text in texts:
        if len(text) > nlp.max_length:  # as Language.make_doc checks
            raise ValueError(Errors.E088.format(length=len(text), max_length=nlp.max_length))
    key = (id(nlp.tokenizer), id(focus.classifier), focus.classifier.version, sentencizer.split_asr)
    cache = _turn_cache(nlp, key)
    chunks = cache.chunks
    if chunks is None or chunks.tokenizer is not nlp.tokenizer:
        chunks = cache.chunks = ChunkTokenizer(nlp.tokenizer)
    clf = focus.classifier

    def analyse(batch: Sequence[str]) -> list[TurnAnalysis]:
        return analyse_directly(
            batch,
            chunks,
            clf,
            focus.empty_prediction,
            split_asr=sentencizer.split_asr,
            batch_size=batch_size,
            questions=cache.questions,
        )

    if not isinstance(clf, (SentenceClassifier, TurnClassifier)):
        # Its predictions may depend on what else is in the batch (a network quantised on the fly):
        # keep the batches nlp.pipe would make, and remember nothing of its answers.
        return analyse(texts)
    results: list[TurnAnalysis | None] = cache.lookup(texts)
    # Each text not remembered is analysed once, however often it occurs.
    todo: dict[str, list[int]] = {}
    for i, found in enumerate(results):
        if found is None:
            todo.setdefault(texts[i], []).append(i)
    if todo:
        unique = list(todo)
        analysed = analyse(unique)
        for text, analysis in zip(unique, analysed, strict=True):
            for i in todo[text]:
                results[i] = analysis
        cache.remember(unique, analysed)
    return cast(list[TurnAnalysis], results)


# -- the direct path ----------------------------------------------------------------

_PIPES = ["convolens_sentencizer", "convolens_questions", "convolens_focus"]
_PIPE_TYPES = (Sentencizer, QuestionDetector, FocusComponent)


def _convolens_parts(nlp: Language) -> tuple[Sentencizer, FocusComponent] | None:
    """Give the sentencizer and focus component of a pipeline that is exactly the convolens one.

    Anything else (a base with a parser, an added or subclassed component, a Language that makes
    Docs its own way) gives None, and :func:`analyse_turns` runs ``nlp.pipe`` as it is.
    """
    if nlp.pipe_names != _PIPES or type(nlp).make_doc is not Language.make_doc:
        return None
    pipes = [nlp.get_pipe(name) for name in _PIPES]
    if any(type(pipe) is not kind for pipe, kind in zip(pipes, _PIPE_TYPES, strict=True)):
        return None
    sentencizer, _, focus = pipes
    assert isinstance(sentencizer, Sentencizer) and isinstance(focus, FocusComponent)
    return sentencizer, focus


# -- remembered short turns ------------------------------------------------------------

#: turns up to this many characters are remembered: back-channels and short answers recur, long turns do not.
CACHE_TEXT_CHARS = 120
#: at most this many turns are remembered per pipeline (a few MB), least recently used dropped first.
CACHE_TURNS = 20_000


class _TurnCache:
    """Analyses of short turns by exact text, for one pipeline and one classifier state."""

    def __init__(self) -> None:
        self.key: Hashable = None
        self.entries: OrderedDict[str, TurnAnalysis] = OrderedDict()
        #: whether a sentence asks, by its text (see analyse_directly); emptied when full.
        self.questions: dict[str, bool] = {}
        #: the pipeline tokenizer's tokens, chunk by chunk (see ChunkTokenizer).
        self.chunks: ChunkTokenizer | None = None
        self.lock = threading.Lock()

    def lookup(self, texts: Sequence[str]) -> list[TurnAnalysis | None]:
        """Give the remembered analysis of each text, None where there is none."""
        entries = self.entries
        with self.lock:
            found = [entries.get(t) for t in texts]
            for text, hit in zip(texts, found, strict=True):
                if hit is not None:
                    entries.move_to_end(text)
        return found

    def remember(self, texts: Sequence[str], analyses: Sequence[TurnAnalysis]) -> None:
        """Remember the analyses of the short ones among ``texts``."""
        entries = self.entries
        with self.lock:
            for text, analysis in zip(texts, analyses, strict=True):
                if len(text) <= CACHE_TEXT_CHARS:
                    entries[text] = analysis
            while len(entries) > CACHE_TURNS:
                entries.popitem(last=False)


_TURN_CACHES: weakref.WeakKeyDictionary[Language, _TurnCache] = weakref.WeakKeyDictionary()


def _turn_cache(nlp: Language, key: Hashable) -> _TurnCache:
    """Give the turn cache of ``nlp``, emptied when ``key`` (classifier, version, settings) changed."""
    with _CACHE_LOCK:
        cache = _TURN_CACHES.get(nlp)
        if cache is None:
            cache = _TURN_CACHES[nlp] = _TurnCache()
    with cache.lock:
        if cache.key != key:
            cache.entries.clear()
            cache.questions.clear()
            cache.key = key
    return cache


def clear_turn_cache() -> None:
    """Forget what every pipeline remembers of recent turns and sentences (the pipelines stay built).

    That is the turn analyses kept here and the predictions a classifier keeps itself (its
    ``forget_recent``, as the linear model has).
    """
    with _CACHE_LOCK:
        known = list(_TURN_CACHES.items())
    for nlp, cache in known:
        with cache.lock:
            cache.entries.clear()
            cache.questions.clear()
        parts = _convolens_parts(nlp)
        forget = getattr(parts[1].classifier, "forget_recent", None) if parts is not None else None
        if callable(forget):
            forget()
