"""The committed labelled corpus meets its datasheet: size, spread, hard cases, clean splits."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from convolens.corpus import check_corpus, load_corpus, split_of

CORPUS = Path(__file__).resolve().parents[1] / "data" / "labeled" / "corpus.csv"


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return load_corpus(CORPUS)


def test_size_and_spread(corpus: pd.DataFrame) -> None:
    assert len(corpus) >= 4000
    assert corpus["text"].str.lower().str.split().str.join(" ").is_unique
    assert set(corpus["label"]) == {"revenue", "customer_impact", "other"}
    assert corpus["label"].value_counts(normalize=True).min() > 0.25
    assert (corpus["style"] == "asr").mean() >= 0.30
    assert (corpus["hard"] == "true").mean() >= 1 / 3
    assert corpus.loc[corpus["hard"] == "true", "hard_type"].value_counts().min() >= 40
    assert corpus.loc[corpus["industry"] != "general", "industry"].nunique() >= 15
    assert set(corpus["context"]) == {"one_on_one", "customer_call"}
    assert set(corpus["role"]) == {"manager", "rep", "customer"}


def test_splits_are_fixed_by_group_and_clean(corpus: pd.DataFrame) -> None:
    assert (corpus["split"] == [split_of(g) for g in corpus["group"]]).all()
    assert corpus.groupby("group")["split"].nunique().max() == 1
    shares = corpus["split"].value_counts(normalize=True)
    assert shares["test"] > 0.12 and shares["dev"] > 0.12
    # No near-duplicate straddles a split or two groups, and no text carries two labels.
    assert check_corpus(corpus).empty
