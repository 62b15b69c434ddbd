"""Sentence boundaries on clean text and on unpunctuated speech-recognition runs."""

from __future__ import annotations

import pytest

from convolens.nlp import default_nlp, sentence_starts


def _sents(text: str) -> list[str]:
    return [s.text for s in default_nlp()(text).sents]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("okay got it so when do you think they sign", ["okay got it", "so when do you think they sign"]),
        ("yeah and how much are they looking at", ["yeah", "and how much are they looking at"]),
        ("makes sense do they have a date in mind", ["makes sense", "do they have a date in mind"]),
        ("okay got it so we need the order form back", ["okay got it", "so we need the order form back"]),
        ("got it and who owns the budget", ["got it", "and who owns the budget"]),
    ],
)
def test_asr_run_ons_split_at_new_clauses(text: str, expected: list[str]) -> None:
    assert _sents(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "we talked about pricing and they liked it so we sent the proposal",
        "what's interesting is they never asked about price",
        "when and how do they plan to roll it out",
        "I know what they need and how much they have",
        "they want to sign so they can start in march",
        "we did it so they could see the value",
    ],
)
def test_ordinary_clauses_stay_whole(text: str) -> None:
    assert _sents(text) == [text]


def test_punctuation_and_line_breaks_split() -> None:
    assert _sents("Thanks all. Mr. Smith joined late! Did he sign?") == [
        "Thanks all.",
        "Mr. Smith joined late!",
        "Did he sign?",
    ]
    assert _sents("first point\nsecond point") == ["first point\n", "second point"]


def test_closing_quote_stays_with_its_sentence() -> None:
    assert _sents('He said "we will sign." Then he left.') == ['He said "we will sign."', "Then he left."]


def test_sentence_starts_function_and_switch() -> None:
    words = ["okay", "got", "it", "so", "when", "do", "they", "sign"]
    assert sentence_starts(words) == [True, False, False, True, False, False, False, False]
    assert sentence_starts(words, split_asr=False) == [True] + [False] * 7
    assert sentence_starts([]) == []
