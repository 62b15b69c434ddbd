"""The ``linear`` focus classifier: word and character n-grams plus lexicon scores.

A scikit-learn feature pipeline (word 1-2-gram and character 2-5-gram TF-IDF,
plus the lexicon classifier's three probabilities as dense features) feeding a
multinomial logistic regression, with temperature scaling fitted on the dev
split so that ``focus_score`` is a calibrated probability.

Saved as ``model.json`` (settings, vocabularies, temperature) and
``weights.safetensors`` (IDF vectors, coefficients): no pickle anywhere, and
loading rebuilds the vectorisers from those plain values.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

import numpy as np
import scipy.sparse as sp
from safetensors.numpy import load_file, save_file

from ..errors import ModelError
from ..model import FOCUS_ORDER, Focus
from ..store import write_atomic, write_text_atomic
from .artifacts import read_artifacts
from .base import FocusClassifier, Prediction, Sentence, TurnSentence
from .calibration import fit_temperature, label_indices, softmax
from .linear_features import FastTfidf, SavedTfidf, fast_tfidf, first_of_row_argsorts
from .recent import RecentPredictions

if TYPE_CHECKING:  # scikit-learn is imported to fit, not to load and predict (it takes over a second)
    from sklearn.feature_extraction.text import TfidfVectorizer

#: a sentence as either pipeline path hands it over (both have its ``text``).
_S = TypeVar("_S", Sentence, TurnSentence)

FORMAT = "convolens.linear.v1"
_WORD = {
    "analyzer": "word",
    "ngram_range": (1, 2),
    "token_pattern": r"(?u)\b\w[\w']*\b",
    "sublinear_tf": True,
    "lowercase": True,
}
_CHAR = {"analyzer": "char_wb", "ngram_range": (2, 5), "sublinear_tf": True, "lowercase": True}
#: how strongly the lexicon's probabilities count beside thousands of n-gram features.
LEXICON_SCALE = 3.0
_CLASS_NAMES = tuple(f.value for f in FOCUS_ORDER)


class LinearClassifier:
    """Logistic regression on n-grams and lexicon scores, with calibrated probabilities.

    Parameters
    ----------
    path
        A folder written by :meth:`to_disk` to load; None for an unfitted model.
    C
        Inverse regularisation strength (chosen on the dev split by ``convolens train``).
    min_df
        Minimum document frequency of an n-gram.
    """

    name: ClassVar[str] = "linear"

    def __init__(
        self, path: str | Path | None = None, *, C: float = 4.0, min_df: int = 2, lexicon: FocusClassifier | None = None
    ):
        self.C = C
        self.min_df = min_df
        self._lexicon = lexicon
        self.word_: TfidfVectorizer | SavedTfidf | None = None
        self.char_: TfidfVectorizer | SavedTfidf | None = None
        self.coef_: np.ndarray | None = None
        self.intercept_: np.ndarray | None = None
        self.temperature_ = 1.0
        self.info_: dict[str, Any] = {}
        self._version = "unfitted"
        self._word_names: list[str] | None = None
        self._fast: tuple[FastTfidf | None, FastTfidf | None] | None = None
        self._recent = RecentPredictions()
        if path is not None:
            self.from_disk(path)

    # -- the FocusClassifier contract ------------------------------------------------

    @property
    def version(self) -> str:
        """A hash of the weights: it changes whenever predictions could."""
        return f"{FORMAT}:{self._version}"

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Give one calibrated prediction per text, with the strongest n-grams as evidence."""
        if not texts:
            return []
        return self._predict_with(texts, self._lexicon_clf().predict(texts))

    def predict_sentences(self, sentences: Sequence[Sentence], *, tokenizer: Any = None) -> list[Prediction]:
        """Give what :meth:`predict` gives for the sentences' texts, scoring the lexicon on the Docs' tokens.

        A prediction depends on the sentence's text alone, so those of recent short sentences
        ("Yeah.", "Can you hear me?", ...) are remembered and not computed again.
        """

        def lexicon_predictions(todo: list[Sentence]) -> list[Prediction]:
            lexicon = self._lexicon_clf()
            alone = getattr(lexicon, "predict_alone", None)
            return alone(todo, tokenizer=tokenizer) if callable(alone) else lexicon.predict([s.text for s in todo])

        return self._remembered(sentences, lexicon_predictions)

    def predict_turn_sentences(self, sentences: Sequence[TurnSentence]) -> list[Prediction]:
        """Give what :meth:`predict` gives for the sentences' texts, scoring the lexicon on the turns' tokens.

        Recent short sentences are remembered, as by :meth:`predict_sentences`.
        """

        def lexicon_predictions(todo: list[TurnSentence]) -> list[Prediction]:
            lexicon = self._lexicon_clf()
            by_turns = getattr(lexicon, "predict_turn_sentences", None)
            return by_turns(todo, as_text=True) if callable(by_turns) else lexicon.predict([s.text for s in todo])

        return self._remembered(sentences, lexicon_predictions)

    def _remembered(
        self, sentences: Sequence[_S], lexicon_predictions: Callable[[list[_S]], list[Prediction]]
    ) -> list[Prediction]:
        """Give the predictions of ``sentences``: remembered ones, and the others from their lexicon predictions."""
        if not sentences:
            return []
        found = self._recent.lookup([s.text for s in sentences])
        todo = [s for s, pred in zip(sentences, found, strict=True) if pred is None]
        if todo:
            texts = [s.text for s in todo]
            preds = self._predict_with(texts, lexicon_predictions(todo))
            self._recent.remember(texts, preds)
            fresh = iter(preds)
            found = [pred if pred is not None else next(fresh) for pred in found]
        return cast(list[Prediction], found)

    def _predict_with(self, texts: Sequence[str], lex: list[Prediction]) -> list[Prediction]:
        """Give the predictions for texts whose lexicon predictions are known."""
        assert self.coef_ is not None
        X = self._matrix(texts, lex)
        probs = self._proba(X)
        best = probs.argmax(axis=1)
        indptr, indices = X.indptr, X.indices
        # Every feature's contribution to its row's best class, negated, for the whole batch at once;
        # each row's slice holds the same numbers _evidence used to compute row by row.
        rows = np.repeat(np.arange(len(texts)), np.diff(indptr))
        negated = -(X.data * self.coef_[best[rows], indices])
        # Each row's six strongest, in the order np.argsort(row)[:6] gives them.
        top = first_of_row_argsorts(negated, indptr, 6)
        flat = np.fromiter(chain.from_iterable(top), dtype=np.int64)
        values, columns = negated[flat].tolist(), indices[flat].tolist()
        ks, rows_p = best.tolist(), probs.tolist()
        out = []
        at = 0
        for i, p in enumerate(rows_p):
            size = len(top[i])
            evidence = self._evidence(values[at : at + size], columns[at : at + size], ks[i], lex[i])
            at += size
            out.append(_to_prediction(p, ks[i], lex[i], evidence))
        return out

    def forget_recent(self) -> None:
        """Forget the remembered predictions of recent sentences (see :meth:`predict_sentences`), the lexicon's too."""
        self._recent.clear()
        forget = getattr(self._lexicon, "forget_recent", None)
        if callable(forget):
            forget()

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Give calibrated probabilities, one row per text, columns in FOCUS_ORDER."""
        X, _ = self._features(texts)
        return self._proba(X)

    # -- fitting ---------------------------------------------------------------------------

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        dev_texts: Sequence[str] = (),
        dev_labels: Sequence[str] = (),
    ) -> LinearClassifier:
        """Fit on labelled texts; fit the temperature on the dev texts when given. Give self."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        y = label_indices(labels)
        self.word_ = TfidfVectorizer(min_df=self.min_df, **_WORD).fit(texts)
        self.char_ = TfidfVectorizer(min_df=self.min_df, **_CHAR).fit(texts)
        self._word_names = None
        self._fast = None
        self._recent.clear()
        X, _ = self._features(texts)
        model = LogisticRegression(C=self.C, max_iter=3000, class_weight="balanced")
        model.fit(X, y)
        # Re-order rows to FOCUS_ORDER whatever order sklearn kept.
        order = [list(model.classes_).index(i) for i in range(len(FOCUS_ORDER))]
        self.coef_ = model.coef_[order].astype(np.float32)
        self.intercept_ = model.intercept_[order].astype(np.float32)
        self.temperature_ = 1.0
        if len(dev_texts):
            Xd, _ = self._features(dev_texts)
            self.temperature_ = fit_temperature(self._logits(Xd), label_indices(dev_labels))
        self.info_ = {"C": self.C, "min_df": self.min_df, "train_size": len(texts), "dev_size": len(dev_texts)}
        self._version = self._hash()
        return self

    # -- saving and loading ------------------------------------------------------------------

    def to_disk(self, path: str | Path) -> None:
        """Write ``model.json`` and ``weights.safetensors`` into folder ``path``."""
        self._require_fitted()
        assert (
            self.word_ is not None and self.char_ is not None and self.coef_ is not None and self.intercept_ is not None
        )
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        meta = {
            "format": FORMAT,
            "classes": [f.value for f in FOCUS_ORDER],
            "temperature": self.temperature_,
            "lexicon_scale": LEXICON_SCALE,
            "word_vocabulary": _vocab_list(self.word_),
            "char_vocabulary": _vocab_list(self.char_),
            "params": {"C": self.C, "min_df": self.min_df},
            # The lexicon's probabilities are features: the model is only valid beside the same lexicon.
            "lexicon_version": self._lexicon_clf().version,
            "info": self.info_,
        }
        tensors = {
            "word_idf": self.word_.idf_.astype(np.float32),
            "char_idf": self.char_.idf_.astype(np.float32),
            "coef": self.coef_,
            "intercept": self.intercept_,
        }
        write_atomic(folder / "weights.safetensors", lambda p: save_file(tensors, str(p)))
        write_text_atomic(folder / "model.json", json.dumps(meta, ensure_ascii=False) + "\n")

    def from_disk(self, path: str | Path) -> LinearClassifier:
        """Load a model written by :meth:`to_disk`; give self. Raises ModelError when it cannot."""
        folder = Path(path)
        meta, tensors = read_artifacts(folder, "linear", FORMAT, load_file)
        self.word_ = _vectoriser(_WORD, meta["word_vocabulary"], tensors["word_idf"], folder)
        self._word_names = list(meta["word_vocabulary"])
        self.char_ = _vectoriser(_CHAR, meta["char_vocabulary"], tensors["char_idf"], folder)
        self._fast = None
        self._recent.clear()
        self.coef_, self.intercept_ = tensors["coef"], tensors["intercept"]
        n_features = len(meta["word_vocabulary"]) + len(meta["char_vocabulary"]) + len(FOCUS_ORDER)
        if self.coef_.shape != (len(FOCUS_ORDER), n_features) or self.intercept_.shape != (len(FOCUS_ORDER),):
            raise ModelError("weights do not fit the vocabularies (tampered or mixed files?)", path=folder)
        lexicon_version = self._lexicon_clf().version
        if meta.get("lexicon_version") != lexicon_version:
            raise ModelError(
                f"this linear model was trained beside lexicon {meta.get('lexicon_version')}, but the lexicon in use is "
                f"{lexicon_version}; retrain it with `convolens train --model linear`",
                path=folder,
            )
        self.temperature_ = float(meta["temperature"])
        self.C, self.min_df = meta["params"]["C"], meta["params"]["min_df"]
        self.info_ = meta.get("info", {})
        self._version = self._hash()
        return self

    # -- internals ---------------------------------------------------------------------------

    def _require_fitted(self) -> None:
        if self.word_ is None or self.coef_ is None:
            raise ModelError("the linear model is not fitted; call fit() or load one")

    def _lexicon_clf(self) -> FocusClassifier:
        if self._lexicon is None:
            from . import get_classifier

            self._lexicon = get_classifier("lexicon")
        return self._lexicon

    def _features(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, list[Prediction]]:
        lex = self._lexicon_clf().predict(texts)
        return self._matrix(texts, lex), lex

    def _matrix(self, texts: Sequence[str], lex: Sequence[Prediction]) -> sp.csr_matrix:
        """Give the feature matrix: word and character TF-IDF, then the lexicon's probabilities."""
        if self.word_ is None or self.char_ is None:
            raise ModelError("the linear model is not fitted; call fit() or load one")
        if self._fast is None:
            self._fast = (fast_tfidf(self.word_), fast_tfidf(self.char_))
        fast_word, fast_char = self._fast
        word = fast_word.transform(texts) if fast_word is not None else self.word_.transform(texts)
        char = fast_char.transform(texts) if fast_char is not None else self.char_.transform(texts)
        dense = sp.csr_matrix(np.array([p.probs for p in lex], dtype=np.float64) * LEXICON_SCALE)
        X: sp.csr_matrix = sp.hstack([word, char, dense], format="csr")
        return X

    def _logits(self, X: sp.csr_matrix) -> np.ndarray:
        self._require_fitted()
        assert self.coef_ is not None and self.intercept_ is not None
        logits: np.ndarray = np.asarray(X @ self.coef_.T.astype(np.float64)) + self.intercept_
        return logits

    def _proba(self, X: sp.csr_matrix) -> np.ndarray:
        return softmax(self._logits(X) / self.temperature_)

    def _evidence(self, negated: list[float], columns: list[int], k: int, lex: Prediction) -> str:
        """Give the evidence for one row from its strongest features for class ``k``.

        ``negated`` are the six strongest contributions, negated, in ``np.argsort`` order, and
        ``columns`` their feature columns; up to three positive word n-grams among them are shown.
        """
        assert self.word_ is not None
        if self._word_names is None:
            self._word_names = self.word_.get_feature_names_out().tolist()
        words = self._word_names
        n_word = len(words)
        top = [j for j in range(len(columns)) if negated[j] < 0 and columns[j] < n_word][:3]
        parts = [f'"{words[columns[j]]}"({-negated[j]:+.2f})' for j in top]
        text = f"linear:{_CLASS_NAMES[k]} " + (", ".join(parts) if parts else "(character patterns)")
        return f"{text}; lexicon: {lex.evidence}" if lex.evidence else text

    def _hash(self) -> str:
        assert self.coef_ is not None
        digest = hashlib.sha256(self.coef_.tobytes())
        digest.update(json.dumps([self.temperature_, self.C, self.min_df, self._lexicon_clf().version]).encode())
        return digest.hexdigest()[:16]


def _to_prediction(probs: list[float], k: int, lexicon: Prediction, evidence: str) -> Prediction:
    """Give what :func:`~convolens.classifiers.calibration.to_prediction` gives for a row already
    turned into floats, whose best class (``np.argmax``) is ``k``."""
    focus = FOCUS_ORDER[k]
    theme = lexicon.theme if lexicon.focus is focus and focus is not Focus.OTHER else None
    return Prediction(focus=focus, score=probs[k], probs=(probs[0], probs[1], probs[2]), theme=theme, evidence=evidence)


def _vocab_list(vec: TfidfVectorizer | SavedTfidf) -> list[str]:
    terms = [""] * len(vec.vocabulary_)
    for term, index in vec.vocabulary_.items():
        terms[index] = term
    return terms


def _vectoriser(settings: dict[str, Any], terms: list[str], idf: np.ndarray, folder: Path) -> SavedTfidf:
    if len(terms) != len(idf) or len(set(terms)) != len(terms):
        raise ModelError("vocabulary and IDF weights disagree (tampered or mixed files?)", path=folder)
    return SavedTfidf(settings, terms, idf)
