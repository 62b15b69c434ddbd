"""Inverted questions whose subject is a bare noun, as speech recognition writes them."""

from __future__ import annotations

import pytest

from convolens.nlp import analyse_turns


@pytest.mark.parametrize(
    "text",
    [
        "is procurement going to slow us down",
        "um did finance approve the discount yet",
        "are margins holding up for them this year",
        "does legal have everything they need",
        "so has security signed off on the pilot",
        "isn't budget the real blocker here",
    ],
)
def test_bare_subject_inversion_is_a_question(text: str) -> None:
    assert analyse_turns([text])[0].is_question


@pytest.mark.parametrize(
    "text",
    [
        "is what it is",
        "was great to see the team yesterday",
        "is running late so let's start",
        "should work fine for them",
        "have legal look at the redlines tonight",
        "is fine by me",
        "did a great job on that demo",
    ],
)
def test_subjectless_statements_stay_statements(text: str) -> None:
    assert not analyse_turns([text])[0].is_question
