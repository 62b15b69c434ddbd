"""The linear model's TF-IDF features, as scikit-learn computes them but with its analysis cached.

``TfidfVectorizer.transform`` cuts every text into n-grams in Python and looks each one up:
for character 2-5-grams that is a few hundred slices and dictionary look-ups per sentence, most
of the linear model's time. Character n-grams of the ``char_wb`` analyzer never cross a word, so
:class:`FastTfidf` remembers each word's in-vocabulary n-gram columns and adds them up per text;
word n-grams are looked up directly. Counts, the sublinear ``1 + log(tf)``, the IDF product and
the l2 normalisation (scikit-learn's own ``normalize``) follow ``TfidfTransformer.transform``
step for step on a matrix with the same layout (CSR, sorted columns), so the features are the
same numbers. :func:`fast_tfidf` gives None for settings it does not reproduce.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

#: words remembered per vectoriser before the cache starts again (a few MB at most).
_CACHE_LIMIT = 200_000
_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's _VectorizerMixin._white_spaces


class FastTfidf:
    """``vectoriser.transform(texts)`` for a fitted word or ``char_wb`` TfidfVectorizer, faster.

    Use :func:`fast_tfidf`, which checks that the vectoriser's settings are ones this reproduces.
    """

    def __init__(self, vectoriser: TfidfVectorizer) -> None:
        self.vectoriser = vectoriser
        self._vocab: dict[str, int] = dict(vectoriser.vocabulary_)
        self._idf = np.asarray(vectoriser.idf_)
        self._n_features = len(self._vocab)
        self._min_n, self._max_n = vectoriser.ngram_range
        self._words: dict[str, np.ndarray] = {}
        self._columns: Callable[[Sequence[str]], tuple[np.ndarray, list[int]]]
        if vectoriser.analyzer == "word":
            self._find_words = re.compile(vectoriser.token_pattern).findall
            self._columns = self._word_columns
        else:
            self._columns = self._char_columns

    def _word_columns(self, texts: Sequence[str]) -> tuple[np.ndarray, list[int]]:
        """Give the columns of the texts' in-vocabulary word n-grams (repeats included) and each text's end."""
        get = self._vocab.get
        find = self._find_words
        min_n, max_n = self._min_n, self._max_n
        cols: list[int] = []
        ends: list[int] = []
        for text in texts:
            tokens = find(text.lower())
            grams: list[str] = tokens if min_n == 1 else []
            for n in range(max(min_n, 2), min(max_n + 1, len(tokens) + 1)):
                grams = grams + [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
            cols += [j for j in map(get, grams) if j is not None]
            ends.append(len(cols))
        return np.array(cols, dtype=np.int32), ends

    def _char_columns(self, texts: Sequence[str]) -> tuple[np.ndarray, list[int]]:
        """Give the columns of the texts' in-vocabulary character n-grams (within words) and each text's end."""
        cache = self._words
        parts: list[np.ndarray] = [np.zeros(0, dtype=np.int32)]
        ends: list[int] = []
        count = 0
        for text in texts:
            for word in _WHITE_SPACES.sub(" ", text.lower()).split():
                cols = cache.get(word)
                if cols is None:
                    if len(cache) >= _CACHE_LIMIT:
                        cache.clear()
                    cols = cache[word] = self._char_word(word)
                parts.append(cols)
                count += len(cols)
            ends.append(count)
        return np.concatenate(parts), ends

    def _char_word(self, word: str) -> np.ndarray:
        """Give the columns of one word's n-grams, as ``_char_wb_ngrams`` makes them."""
        get = self._vocab.get
        w = " " + word + " "
        w_len = len(w)
        cols: list[int] = []
        for n in range(self._min_n, self._max_n + 1):
            offset = 0
            grams = [w[offset : offset + n]]
            while offset + n < w_len:
                offset += 1
                grams.append(w[offset : offset + n])
            cols.extend(j for j in map(get, grams) if j is not None)
            if offset == 0:  # a word shorter than n counts once
                break
        return np.array(cols, dtype=np.int32)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Give the TF-IDF matrix of ``texts``, one row each."""
        indices, ends = self._columns(texts)
        X = sp.csr_matrix(
            (np.ones(len(indices)), indices, np.array([0, *ends], dtype=np.int32)),
            shape=(len(texts), self._n_features),
        )
        X.sum_duplicates()  # counts per column, columns sorted: the layout CountVectorizer gives
        np.log(X.data, X.data)  # TfidfTransformer.transform, sublinear_tf=True
        X.data += 1.0
        X.data *= self._idf[X.indices]
        out: sp.csr_matrix = normalize(X, norm="l2", copy=False)
        return out


def fast_tfidf(vectoriser: TfidfVectorizer) -> FastTfidf | None:
    """Give a :class:`FastTfidf` for a fitted vectoriser, or None when its settings are not ones it reproduces."""
    params: dict[str, Any] = vectoriser.get_params()
    plain = (
        params["input"] == "content"
        and params["lowercase"]
        and params["preprocessor"] is None
        and params["tokenizer"] is None
        and params["strip_accents"] is None
        and params["stop_words"] is None
        and not params["binary"]
        and params["sublinear_tf"]
        and params["use_idf"]
        and params["norm"] == "l2"
        and params["dtype"] is np.float64
        and hasattr(vectoriser, "idf_")
    )
    if not plain or params["analyzer"] not in ("word", "char_wb"):
        return None
    return FastTfidf(vectoriser)
