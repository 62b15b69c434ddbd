"""The labelled corpus: loading, grouped splits, and the near-duplicate / contradiction check.

A corpus is a CSV with at least ``text`` and ``label`` (revenue,
customer_impact, other); optional columns are ``is_question``, ``style``
(clean/asr), ``context``, ``role``, ``group`` (near-duplicates share one) and
``split`` (train/dev/test). Splits are assigned by a hash of the group, so a
group never straddles two splits and adding rows never moves old ones.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from .errors import ConvolensError, MissingInputError
from .model import FOCUS_ORDER
from .resources import REPO_ROOT

LABELS = tuple(f.value for f in FOCUS_ORDER)
SPLITS = ("train", "dev", "test")
_FILLERS = re.compile(r"\b(?:um+|uh+|erm|hmm|like|you know|i mean|so|okay|ok|yeah|well)\b")
_NON_WORD = re.compile(r"[^\w\s]")


#: The labelled corpus, where a source checkout keeps it (it is not shipped in the wheel).
BUNDLED_CORPUS = REPO_ROOT / "data" / "labeled" / "corpus.csv"


def bundled_corpus(instead: str) -> Path:
    """Give the labelled corpus of the source checkout convolens runs from, wherever the current folder is.

    Raises :class:`~convolens.errors.MissingInputError` when convolens was installed without
    it; ``instead`` says what to pass in its place (``--data FILE.csv``, ``data=``).
    """
    if not BUNDLED_CORPUS.is_file():
        raise MissingInputError(
            f"the labelled corpus is not installed with convolens (it is data/labeled/corpus.csv in a source "
            f"checkout); {instead}",
            path=BUNDLED_CORPUS,
        )
    return BUNDLED_CORPUS


def corpus_name(path: str | Path) -> str:
    """Give a corpus's path as a model card records it: relative to the checkout when inside it, else as given."""
    try:
        return Path(path).resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(path)


def load_corpus(path: str | Path) -> pd.DataFrame:
    """Give a labelled corpus as a frame, checked: text and a known label on every row.

    Raises :class:`~convolens.errors.ConvolensError` naming the file and line
    of the first bad row.
    """
    path = Path(path)
    if not path.is_file():
        raise ConvolensError("no such corpus file", path=path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in ("text", "label"):
        if column not in frame.columns:
            raise ConvolensError(
                f"corpus lacks column {column!r} (found: {', '.join(frame.columns)})", path=path, line=1
            )
    bad = frame.index[~frame["label"].isin(LABELS) | (frame["text"].str.strip() == "")]
    if len(bad):
        row = int(bad[0])
        raise ConvolensError(
            f"row has an empty text or an unknown label {frame.loc[row, 'label']!r}", path=path, line=row + 2
        )
    if "is_question" in frame.columns:
        frame["is_question"] = (
            frame["is_question"].str.strip().str.lower().map({"true": True, "false": False, "1": True, "0": False})
        )
        if frame["is_question"].isna().any():
            row = int(frame.index[frame["is_question"].isna()][0])
            raise ConvolensError("is_question must be true or false", path=path, line=row + 2)
    return frame


def split_of(group: str, fractions: tuple[float, float, float] = (0.7, 0.15, 0.15)) -> str:
    """Give the split (train/dev/test) of a group id, fixed by a hash of the id."""
    h = int.from_bytes(hashlib.sha256(group.encode("utf-8")).digest()[:8], "big") / 2**64
    if h < fractions[0]:
        return "train"
    return "dev" if h < fractions[0] + fractions[1] else "test"


def normalise(text: str) -> str:
    """Give the text reduced for duplicate checks: lower case, no punctuation or fillers."""
    text = _NON_WORD.sub(" ", text.lower())
    return " ".join(_FILLERS.sub(" ", text).split())


def _similar_pairs(texts: list[str], threshold: float) -> list[tuple[int, int, float]]:
    """Give ``(i, j, cosine)`` for i < j whose character 3-5-gram TF-IDF cosine is at least ``threshold``."""
    X = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=1).fit_transform(texts)
    pairs = []
    block = 1000
    for lo in range(0, X.shape[0], block):
        sims = (X[lo : lo + block] @ X.T).toarray()
        for a, b in zip(*np.nonzero(sims >= threshold), strict=True):
            if int(b) > lo + int(a):
                pairs.append((lo + int(a), int(b), float(sims[a, b])))
    return pairs


def merge_near_duplicate_groups(frame: pd.DataFrame, threshold: float = 0.9) -> pd.Series:
    """Give each row's group after joining groups that hold near-duplicates of each other.

    Written by different people, two corpus parts can hold the same short
    acknowledgement; joining their groups keeps them in one split.
    """
    groups = [str(g) for g in frame["group"]]
    parent = {g: g for g in groups}

    def root(g: str) -> str:
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    for i, j, _ in _similar_pairs([normalise(t) for t in frame["text"]], threshold):
        a, b = root(groups[i]), root(groups[j])
        if a != b:
            parent[max(a, b)] = min(a, b)
    return pd.Series([root(g) for g in groups], index=frame.index, name="group")


def check_corpus(frame: pd.DataFrame, threshold: float = 0.9) -> pd.DataFrame:
    """Give the suspicious pairs: near-duplicates across groups, and contradictory labels.

    Columns: ``i, j`` (row positions), ``similarity`` (cosine of character
    3-5-gram TF-IDF of the normalised texts), ``problem`` (``contradiction``:
    the same normalised text, or near-identical, with different labels;
    ``split_leak``: near-duplicates in different splits; ``ungrouped``:
    near-duplicates in different groups of one split).
    """
    texts = [normalise(t) for t in frame["text"]]
    labels = frame["label"].to_numpy()
    groups = frame["group"].to_numpy() if "group" in frame.columns else np.arange(len(frame)).astype(str)
    splits = frame["split"].to_numpy() if "split" in frame.columns else np.array([""] * len(frame))
    rows = []
    for i, j, sim in _similar_pairs(texts, threshold):
        if labels[i] != labels[j] and (texts[i] == texts[j] or sim >= 0.97):
            problem = "contradiction"
        elif splits[i] != splits[j]:
            problem = "split_leak"
        elif groups[i] != groups[j]:
            problem = "ungrouped"
        else:
            continue
        rows.append({"i": i, "j": j, "similarity": round(sim, 4), "problem": problem})
    return pd.DataFrame(rows, columns=["i", "j", "similarity", "problem"])
