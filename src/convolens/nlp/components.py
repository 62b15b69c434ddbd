"""The spaCy components of convolens, made by registered factories.

* ``convolens_sentencizer`` sets ``Token.is_sent_start`` (clean text and ASR runs);
* ``convolens_questions`` sets ``Span._.is_question``/``Span._.question_cue`` per
  sentence and ``Doc._.is_question``;
* ``convolens_focus`` sets ``Span._.focus``, ``focus_score``, ``focus_probs``,
  ``theme``, ``evidence`` per sentence and the same on ``Doc._`` for the turn,
  plus ``Doc._.question_text``.

This module is imported by spaCy itself (the ``spacy_factories`` entry points
in pyproject.toml) whenever any ``Language`` is created, so it must import
quickly and must not build a pipeline at import time.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from ..classifiers import get_classifier
from ..classifiers.base import FocusClassifier, Prediction, Sentence
from .questions import question_cue
from .sentences import sentence_starts
from .tokens import doc_tokens, name_flags
from .turn import decide_turn

_DOC_ATTRS: dict[str, Any] = {
    "is_question": False,
    "focus": None,
    "focus_score": None,
    "focus_probs": None,
    "theme": None,
    "evidence": None,
    "question_text": None,
}
_SPAN_ATTRS: dict[str, Any] = {k: v for k, v in _DOC_ATTRS.items() if k != "question_text"} | {"question_cue": None}


def register_extensions() -> None:
    """Register the Doc and Span extension attributes (safe to call many times)."""
    for attr, default in _DOC_ATTRS.items():
        if not Doc.has_extension(attr):
            Doc.set_extension(attr, default=default)
    for attr, default in _SPAN_ATTRS.items():
        if not Span.has_extension(attr):
            Span.set_extension(attr, default=default)


def token_words(doc: Doc | Span) -> tuple[list[str], list[bool]]:
    """Give the normalised words of a Doc or Span and which of them look like proper names.

    A name is a capitalised token that does not start a sentence (see :mod:`convolens.nlp.tokens`).
    """
    whole = doc if isinstance(doc, Doc) else doc.doc
    tokens = doc_tokens(whole, sent_starts=True)
    names = name_flags(tokens.titles, tokens.sent_starts or ())
    if isinstance(doc, Span):
        return tokens.words[doc.start : doc.end], names[doc.start : doc.end]
    return tokens.words, names


def classify_sentences(clf: FocusClassifier, sentences: Sequence[Sentence], tokenizer: Any) -> list[Prediction]:
    """Give the classifier's prediction for each sentence, by the most direct method it has.

    ``tokenizer`` made the sentences' Docs; see :class:`convolens.classifiers.base.SentenceClassifier`.
    """
    by_sentences = getattr(clf, "predict_sentences", None)
    if callable(by_sentences):
        return cast(list[Prediction], by_sentences(sentences, tokenizer=tokenizer))
    by_spans = getattr(clf, "predict_spans", None)
    if callable(by_spans):
        return cast(list[Prediction], by_spans([s.doc[s.start : s.end] for s in sentences]))
    return clf.predict([s.text for s in sentences])


class Sentencizer:
    """Split Docs into sentences on punctuation and, conservatively, inside ASR run-ons."""

    def __init__(self, name: str = "convolens_sentencizer", *, split_asr: bool = True) -> None:
        self.name = name
        self.split_asr = split_asr

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        words, _ = token_words(doc)
        # Casing is not used for names here: the sentence starts are what we are computing.
        starts = sentence_starts(words, None, split_asr=self.split_asr)
        # One array write rather than ``token.is_sent_start = ...`` per token: that setter checks
        # the whole Doc for a parse every time, so a 20,000-token turn took seconds (quadratic).
        # spaCy stores "starts a sentence" as 1 and "does not" as -1 (as uint64).
        values = numpy.array([1 if start else -1 for start in starts], dtype=numpy.int64)
        doc.from_array([SENT_START], cast(Any, values.astype(numpy.uint64).reshape(-1, 1)))
        return doc


class QuestionDetector:
    """Mark which sentences ask a question (see :mod:`convolens.nlp.questions`)."""

    def __init__(self, name: str = "convolens_questions") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        any_question = False
        if len(doc) == 0:
            doc._.is_question = False
            return doc
        words, names = token_words(doc)
        for sent in doc.sents:
            cue = question_cue(words[sent.start : sent.end], names[sent.start : sent.end])
            if cue is not None:
                sent._.is_question = True
                sent._.question_cue = cue
                any_question = True
        doc._.is_question = any_question
        return doc


class FocusComponent:
    """Label each sentence and the whole turn with a focus, in batches.

    The classifier is made from the registry on first use, unless one is
    assigned to :attr:`classifier` first. Sentences of a whole batch of Docs go
    to the classifier in one call.
    """

    def __init__(
        self,
        name: str = "convolens_focus",
        *,
        classifier: str = "lexicon",
        lexicon_path: str | None = None,
        nlp: Language | None = None,
    ):
        self.name = name
        self.classifier_name = classifier
        self.lexicon_path = lexicon_path
        self._classifier: FocusClassifier | None = None
        self._empty: Prediction | None = None
        # The pipeline's tokenizer tells a classifier whether the Docs' tokens are its own (weak:
        # the pipeline owns this component, not the other way round).
        self._nlp = weakref.ref(nlp) if nlp is not None else None

    @property
    def classifier(self) -> FocusClassifier:
        """Give the classifier, making it from the registry on first use."""
        if self._classifier is None:
            kwargs = {"path": self.lexicon_path} if self.lexicon_path else {}
            self._classifier = get_classifier(self.classifier_name, **kwargs)
        return self._classifier

    @classifier.setter
    def classifier(self, value: FocusClassifier) -> None:
        self._classifier = value
        self.classifier_name = value.name
        self._empty = None

    def __getstate__(self) -> dict[str, Any]:
        # A weak reference cannot be pickled; a copy in another process just re-tokenises.
        return {**self.__dict__, "_nlp": None}

    @property
    def tokenizer(self) -> Any:
        """Give the tokenizer of the pipeline this component was made for (None if unknown)."""
        nlp = self._nlp() if self._nlp is not None else None
        return nlp.tokenizer if nlp is not None else None

    def empty_prediction(self) -> Prediction:
        """Give the prediction for a turn with no sentences (the classifier's for an empty text)."""
        if self._empty is None:
            self._empty = self.classifier.predict([""])[0]
        return self._empty

    def __call__(self, doc: Doc) -> Doc:
        self._process([doc])
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 256) -> Iterator[Doc]:
        """Give the Docs of ``stream`` labelled, classifying a batch at a time."""
        for batch in minibatch(stream, size=batch_size):  # type: ignore[no-untyped-call]
            docs = list(batch)
            self._process(docs)
            yield from docs

    def _predict(self, spans: Sequence[Span]) -> list[Prediction]:
        sentences = [Sentence(s.doc, s.start, s.end, s.text) for s in spans]
        return classify_sentences(self.classifier, sentences, self.tokenizer)

    def _process(self, docs: list[Doc]) -> None:
        per_doc = [list(doc.sents) if len(doc) else [] for doc in docs]
        flat = [s for sents in per_doc for s in sents]
        preds = self._predict(flat) if flat else []
        pos = 0
        for doc, sents in zip(docs, per_doc, strict=True):
            mine = preds[pos : pos + len(sents)]
            pos += len(sents)
            questions = [bool(s._.is_question) for s in sents]
            for sent, pred in zip(sents, mine, strict=True):
                _set_prediction(sent, pred)
            decision = decide_turn(mine, questions)
            if decision is None:
                _set_prediction(doc, self.empty_prediction())
                doc._.question_text = None
                continue
            _set_prediction(doc, decision.prediction)
            doc._.question_text = sents[decision.index].text if decision.by_question else None

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Write the component's settings and its classifier (when it can save itself)."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        cfg = {"classifier": self.classifier_name, "lexicon_path": self.lexicon_path}
        (folder / "cfg.json").write_text(json.dumps(cfg), encoding="utf-8")
        save = getattr(self.classifier, "to_disk", None)
        if callable(save):
            save(folder / "classifier")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> FocusComponent:
        """Load settings and classifier written by :meth:`to_disk`; give the component."""
        folder = Path(path)
        cfg = json.loads((folder / "cfg.json").read_text(encoding="utf-8"))
        self.classifier_name = cfg["classifier"]
        self.lexicon_path = cfg.get("lexicon_path")
        saved = folder / "classifier"
        kwargs = {"path": str(saved)} if saved.exists() else {}
        self._classifier = get_classifier(self.classifier_name, **kwargs)
        self._empty = None
        return self


def _set_prediction(target: Doc | Span, pred: Prediction) -> None:
    ext = target._
    ext.focus = pred.focus
    ext.focus_score = pred.score
    ext.focus_probs = pred.probs
    ext.theme = pred.theme
    ext.evidence = pred.evidence


@Language.factory(
    "convolens_sentencizer",
    default_config={"split_asr": True},
    assigns=["token.is_sent_start"],
)
def make_sentencizer(nlp: Language, name: str, split_asr: bool) -> Sentencizer:
    """Give a sentencizer for clean and speech-recognition text."""
    return Sentencizer(name, split_asr=split_asr)


@Language.factory(
    "convolens_questions",
    assigns=["doc._.is_question", "span._.is_question", "span._.question_cue"],
)
def make_question_detector(nlp: Language, name: str) -> QuestionDetector:
    """Give the question detector (needs sentence boundaries)."""
    register_extensions()
    return QuestionDetector(name)


@Language.factory(
    "convolens_focus",
    default_config={"classifier": "lexicon", "lexicon_path": None},
    assigns=["doc._.focus", "doc._.focus_score", "doc._.focus_probs", "doc._.theme", "doc._.evidence", "span._.focus"],
)
def make_focus_component(nlp: Language, name: str, classifier: str, lexicon_path: str | None) -> FocusComponent:
    """Give the focus component using the registered classifier ``classifier``."""
    register_extensions()
    return FocusComponent(name, classifier=classifier, lexicon_path=lexicon_path, nlp=nlp)


register_extensions()

__all__ = [
    "FocusComponent",
    "QuestionDetector",
    "Sentencizer",
    "classify_sentences",
    "make_focus_component",
    "make_question_detector",
    "make_sentencizer",
    "register_extensions",
    "token_words",
]
