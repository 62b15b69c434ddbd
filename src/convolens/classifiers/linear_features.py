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
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

#: words remembered per vectoriser before the cache starts again (a few MB at most).
_CACHE_LIMIT = 200_000
_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's _VectorizerMixin._white_spaces


_T = TypeVar("_T")


def _remembered(cache: dict[str, _T], keys: list[str], make: Callable[[str], _T]) -> list[_T]:
    """Give ``cache``'s value for each key, made by ``make`` and remembered for those not there yet.

    The common case, every key already there, is one comprehension; a full cache is emptied
    before anything new goes in, so memory stays bounded however long the corpus.
    """
    try:
        return [cache[key] for key in keys]
    except KeyError:
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        found = []
        for key in keys:
            value = cache.get(key)
            if value is None:
                value = cache[key] = make(key)
            found.append(value)
        return found


class FastTfidf:
    """``vectoriser.transform(texts)`` for a fitted word or ``char_wb`` TfidfVectorizer, faster.

    Use :func:`fast_tfidf`, which checks that the vectoriser's settings are ones this reproduces.
    """

    def __init__(self, vectoriser: TfidfVectorizer | SavedTfidf) -> None:
        self.vectoriser = vectoriser
        self._vocab: dict[str, int] = dict(vectoriser.vocabulary_)
        self._idf = np.asarray(vectoriser.idf_)
        self._n_features = len(self._vocab)
        self._min_n: int = int(vectoriser.ngram_range[0])
        self._max_n: int = int(vectoriser.ngram_range[1])
        self._words: dict[str, np.ndarray] = {}  # char_wb: a word's columns
        self._chunk_words: dict[str, tuple[list[str], list[int]]] = {}  # word: a chunk's words and their columns
        self._columns: Callable[[Sequence[str]], tuple[np.ndarray, list[int]]]
        if vectoriser.analyzer == "word":
            self._find_words = re.compile(vectoriser.token_pattern).findall
            self._columns = self._word_columns
        else:
            self._columns = self._char_columns

    def _word_columns(self, texts: Sequence[str]) -> tuple[np.ndarray, list[int]]:
        """Give the columns of the texts' in-vocabulary word n-grams (repeats included) and each text's end.

        A word never spans whitespace, so each whitespace-separated chunk's words (and their own
        columns) are found once and remembered; n-grams across chunks are looked up per text.
        """
        cache, words_of = self._chunk_words, self._chunk_words_of
        get = self._vocab.get
        min_n, max_n = self._min_n, self._max_n
        cols: list[int] = []
        ends: list[int] = []
        for text in texts:
            found = _remembered(cache, text.lower().split(), words_of)
            tokens = [token for words, _ in found for token in words]
            if min_n == 1:
                cols += [j for _, own in found for j in own]
            for n in range(max(min_n, 2), min(max_n + 1, len(tokens) + 1)):
                grams = map(" ".join, zip(*(tokens[k:] for k in range(n)), strict=False))  # shorter and shorter
                cols += [j for j in map(get, grams) if j is not None]
            ends.append(len(cols))
        return np.array(cols, dtype=np.int32), ends

    def _chunk_words_of(self, chunk: str) -> tuple[list[str], list[int]]:
        """Give a chunk's words (the token pattern's matches) and the columns of those in the vocabulary."""
        words = self._find_words(chunk)
        return words, [j for j in map(self._vocab.get, words) if j is not None]

    def _char_columns(self, texts: Sequence[str]) -> tuple[np.ndarray, list[int]]:
        """Give the columns of the texts' in-vocabulary character n-grams (within words) and each text's end."""
        cache, char_word = self._words, self._char_word
        parts: list[np.ndarray] = [np.zeros(0, dtype=np.int32)]
        ends: list[int] = []
        count = 0
        for text in texts:
            # scikit-learn first folds runs of whitespace into one space, which split() ignores anyway.
            found = _remembered(cache, text.lower().split(), char_word)
            parts += found
            count += sum(map(len, found))
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
        X = self._counts(indices, ends)
        np.log(X.data, X.data)  # TfidfTransformer.transform, sublinear_tf=True
        X.data += 1.0
        X.data *= self._idf[X.indices]
        normalise_rows(X)
        return X

    def _counts(self, indices: np.ndarray, ends: list[int]) -> sp.csr_matrix:
        """Give the counts of each row's columns (rows end at ``ends``), as CountVectorizer lays them out:
        CSR with each row's columns sorted, once each."""
        n_rows = len(ends)
        per_row: np.ndarray = np.diff(np.array([0, *ends], dtype=np.int64))
        if not (len(indices) and self._n_features <= 1 << 16 and n_rows <= 1 << 16):
            X = sp.csr_matrix(
                (np.ones(len(indices)), indices, np.array([0, *ends], dtype=np.int32)),
                shape=(n_rows, self._n_features),
            )
            X.sum_duplicates()
            return X
        # Sort by row, then column, with numpy's radix sort for 16-bit keys (linear time), where
        # scipy's sum_duplicates sorts each row by comparisons; then count each run of equal cells.
        rows = np.repeat(np.arange(n_rows, dtype=np.uint16), per_row)
        cols = indices.astype(np.uint16)
        order = np.argsort(cols, kind="stable")
        order = order[np.argsort(rows[order], kind="stable")]
        rows, cols = rows[order], cols[order]
        first = np.empty(len(order), dtype=bool)
        first[0] = True
        np.not_equal(rows[1:], rows[:-1], out=first[1:])
        first[1:] |= cols[1:] != cols[:-1]
        starts = np.flatnonzero(first)
        counts = np.diff(np.append(starts, len(order)))
        indptr = np.zeros(n_rows + 1, dtype=np.int32)
        np.cumsum(np.bincount(rows[starts], minlength=n_rows), out=indptr[1:])
        return sp.csr_matrix(
            (counts.astype(np.float64), cols[starts].astype(np.int32), indptr), shape=(n_rows, self._n_features)
        )


def first_of_row_argsorts(values: np.ndarray, indptr: np.ndarray, k: int) -> list[list[int]]:
    """Give ``(np.argsort(values[lo:hi])[:k] + lo).tolist()`` for each CSR row ``lo:hi`` of ``indptr``, faster.

    Only a row's smallest values can come first, so each row keeps those below a cut-off that
    leaves a few times ``k`` of them on average (all of a row that keeps fewer than ``k + 1``); the
    kept values are sorted in a few padded 2-D blocks, not one row at a time. Where a row's ``k + 1``
    smallest values all differ they fix the first ``k`` of ``np.argsort`` whatever its algorithm; a
    row where two of them tie gets ``np.argsort`` itself.
    """
    n = len(indptr) - 1
    out: list[list[int]] = [[] for _ in range(n)]
    if n == 0 or not len(values):
        return out
    counts = np.diff(indptr).astype(np.int64)
    rows = np.repeat(np.arange(n), counts)
    share = min(1.0, 3 * (k + 1) * n / len(values))
    cut = np.quantile(values[:: max(1, len(values) // 4096)], share)
    kept = values <= cut
    few = np.bincount(rows[kept], minlength=n) <= k
    kept |= few[rows]
    positions = np.flatnonzero(kept)
    sizes = np.bincount(rows[positions], minlength=n)
    firsts = np.cumsum(sizes) - sizes  # where each row's kept positions begin in `positions`
    widths = np.maximum(k + 2, sizes)
    widths = 1 << np.ceil(np.log2(widths)).astype(np.int64)
    starts = np.asarray(indptr[:-1], dtype=np.int64)
    for width in np.unique(widths).tolist():
        sel = np.flatnonzero(widths == width)
        c = sizes[sel]
        local = np.repeat(np.arange(len(sel)), c)
        offsets = np.arange(int(c.sum())) - np.repeat(np.cumsum(c) - c, c)
        at = positions[np.repeat(firsts[sel], c) + offsets]
        block = np.full((len(sel), width), np.inf)
        block[local, offsets] = values[at]
        where = np.full((len(sel), width), -1, dtype=np.int64)
        where[local, offsets] = at
        order = np.argsort(block, axis=1, kind="stable")[:, : k + 1]
        smallest = np.take_along_axis(block, order, axis=1)
        first = np.take_along_axis(where, order, axis=1)[:, :k].tolist()
        # Distinct up to the (k + 1)-th smallest, or up to the row's end when it is shorter.
        row_sizes = counts[sel]
        compared = np.arange(k)[None, :] < (np.minimum(row_sizes, k + 1) - 1)[:, None]
        distinct = np.all((smallest[:, 1:] > smallest[:, :-1]) | ~compared, axis=1)
        for i, row, size, ok in zip(range(len(sel)), sel.tolist(), row_sizes.tolist(), distinct.tolist(), strict=True):
            if ok:
                out[row] = first[i] if size >= k else first[i][:size]
            else:
                lo = int(starts[row])
                out[row] = (np.argsort(values[lo : lo + size])[:k] + lo).tolist()
    return out


def fast_tfidf(vectoriser: TfidfVectorizer | SavedTfidf) -> FastTfidf | None:
    """Give a :class:`FastTfidf` for a fitted vectoriser, or None when its settings are not ones it reproduces."""
    if isinstance(vectoriser, SavedTfidf):
        return FastTfidf(vectoriser) if vectoriser.reproducible() else None
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


def normalise_rows(X: sp.csr_matrix) -> None:
    """Scale each row of ``X`` to unit l2 norm in place, to the last bit as scikit-learn's ``normalize`` does.

    scikit-learn adds a row's squares one by one, left to right, then divides by the square root;
    ``np.cumsum`` along the rows of a zero-padded copy adds in the same order (``np.sum`` would
    add pairwise and could differ in the last bit). Rows of zeros are left as they are.
    """
    lengths = np.diff(X.indptr)
    if not len(X.data):
        return
    rows = np.repeat(np.arange(len(lengths)), lengths)
    positions = np.arange(len(X.data)) - np.repeat(X.indptr[:-1], lengths)
    padded = np.zeros((len(lengths), int(lengths.max())))
    padded[rows, positions] = X.data * X.data
    norms = np.sqrt(np.cumsum(padded, axis=1)[:, -1])
    norms[norms == 0.0] = 1.0  # an empty or all-zero row: x / 1.0 leaves it as it is
    X.data /= np.repeat(norms, lengths)


class SavedTfidf:
    """A fitted TF-IDF vectoriser as a saved linear model holds it: settings, vocabulary and IDF weights.

    All that prediction needs, without importing scikit-learn (over a second of every run's
    start-up); :meth:`transform` builds scikit-learn's own vectoriser the first time it is asked.
    """

    #: settings :class:`FastTfidf` reproduces; anything else goes through scikit-learn.
    _PLAIN: ClassVar[frozenset[str]] = frozenset(
        {"analyzer", "ngram_range", "token_pattern", "sublinear_tf", "lowercase"}
    )

    def __init__(self, settings: dict[str, Any], terms: Sequence[str], idf: np.ndarray) -> None:
        self.settings = dict(settings)
        self.vocabulary_ = {term: i for i, term in enumerate(terms)}
        self.idf_ = np.asarray(idf, dtype=np.float64)
        self.analyzer = str(settings.get("analyzer", "word"))
        low, high = settings.get("ngram_range", (1, 1))
        self.ngram_range = (int(low), int(high))
        self.token_pattern = str(settings.get("token_pattern", r"(?u)\b\w\w+\b"))  # scikit-learn's default
        self._terms = list(terms)
        self._sklearn: TfidfVectorizer | None = None

    def reproducible(self) -> bool:
        """Say whether :class:`FastTfidf` computes exactly what scikit-learn would with these settings."""
        s = self.settings
        return (
            set(s) <= self._PLAIN
            and bool(s.get("sublinear_tf"))
            and s.get("lowercase", True) is True
            and self.analyzer in ("word", "char_wb")
        )

    def get_feature_names_out(self) -> np.ndarray:
        """Give the terms, in column order."""
        return np.asarray(self._terms, dtype=object)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Give scikit-learn's ``TfidfVectorizer.transform(texts)`` with this vocabulary and these weights."""
        if self._sklearn is None:
            from sklearn.feature_extraction.text import TfidfVectorizer

            vectoriser = TfidfVectorizer(vocabulary=self.vocabulary_, **self.settings)
            vectoriser.idf_ = self.idf_
            self._sklearn = vectoriser
        out: sp.csr_matrix = self._sklearn.transform(texts)
        return out
