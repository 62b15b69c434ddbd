"""The spaCy pipeline end to end: extension attributes, the turn rule, batching, saving and loading."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import pytest
import spacy
from spacy.tokens import Doc, Span

from convolens.classifiers.base import Prediction
from convolens.model import Focus
from convolens.nlp import TurnAnalysis, analyse_turns, decide_turn, default_nlp, make_nlp


class KeywordClassifier:
    """A stand-in classifier: "deal" means revenue, "pain" customer_impact, anything else other."""

    name: ClassVar[str] = "keyword-test"
    version = "1"

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        out = []
        for text in texts:
            words = text.lower().replace("?", " ").replace(".", " ").split()
            if "deal" in words:
                out.append(Prediction(Focus.REVENUE, 0.8, (0.8, 0.1, 0.1), "close_timing", "deal"))
            elif "pain" in words:
                out.append(Prediction(Focus.CUSTOMER_IMPACT, 0.7, (0.15, 0.7, 0.15), "customer_goals", "pain"))
            else:
                out.append(Prediction(Focus.OTHER, 0.9, (0.05, 0.05, 0.9), None, ""))
        return out


@pytest.fixture(scope="module")
def keyword_nlp() -> spacy.language.Language:
    return make_nlp(KeywordClassifier())


def test_doc_and_span_attributes(keyword_nlp: spacy.language.Language) -> None:
    doc = keyword_nlp("We talked about deal. What about pain? Thanks.")
    sents = list(doc.sents)
    assert [s._.is_question for s in sents] == [False, True, False]
    assert [s._.focus for s in sents] == [Focus.REVENUE, Focus.CUSTOMER_IMPACT, Focus.OTHER]
    assert sents[1]._.theme == "customer_goals" and sents[1]._.focus_probs == (0.15, 0.7, 0.15)
    assert doc._.is_question is True
    assert doc._.focus is Focus.CUSTOMER_IMPACT and doc._.focus_score == 0.7
    assert doc._.question_text == "What about pain?"
    assert doc._.evidence == "pain"


@pytest.mark.parametrize(
    ("text", "focus", "question_text"),
    [
        # the last question whose focus is not other decides
        ("What about deal? And what about pain?", Focus.CUSTOMER_IMPACT, "And what about pain?"),
        ("What about pain? And what about deal?", Focus.REVENUE, "And what about deal?"),
        ("What about deal? Can you hear me?", Focus.REVENUE, "What about deal?"),
        # a question beats a stronger statement
        ("We need deal. What about pain?", Focus.CUSTOMER_IMPACT, "What about pain?"),
        # all questions other: the turn is other
        ("We need deal. Can you hear me?", Focus.OTHER, "Can you hear me?"),
        # statements: the strongest non-other sentence
        ("We need pain. We need deal. Thanks.", Focus.REVENUE, None),
        ("Hello there. Thanks.", Focus.OTHER, None),
    ],
)
def test_turn_rule(keyword_nlp: spacy.language.Language, text: str, focus: Focus, question_text: str | None) -> None:
    doc = keyword_nlp(text)
    assert doc._.focus is focus
    assert doc._.question_text == question_text


def test_decide_turn_directly() -> None:
    r = Prediction(Focus.REVENUE, 0.6, (0.6, 0.2, 0.2))
    c = Prediction(Focus.CUSTOMER_IMPACT, 0.9, (0.05, 0.9, 0.05))
    o = Prediction(Focus.OTHER, 0.5, (0.3, 0.2, 0.5))
    assert decide_turn([], []) is None
    d = decide_turn([c, r, o], [True, True, True])
    assert d is not None and d.index == 1 and d.by_question
    d = decide_turn([r, c], [False, False])
    assert d is not None and d.index == 1 and not d.by_question
    d = decide_turn([o, Prediction(Focus.OTHER, 0.9, (0.05, 0.05, 0.9))], [False, False])
    assert d is not None and d.index == 0  # the sentence closest to a label


def test_pipe_matches_call_and_batches(keyword_nlp: spacy.language.Language) -> None:
    texts = ["What about deal?", "", "We need pain. Thanks.", "okay got it so when do they deal"] * 5
    piped = list(keyword_nlp.pipe(texts, batch_size=3))
    for text, doc in zip(texts, piped, strict=True):
        single = keyword_nlp(text)
        assert (doc._.focus, doc._.is_question, doc._.question_text) == (
            single._.focus,
            single._.is_question,
            single._.question_text,
        )
    assert piped[1]._.focus is Focus.OTHER and piped[1]._.is_question is False


def test_lexicon_pipeline_on_asr_turn() -> None:
    doc = default_nlp()("okay got it so when do you think they sign")
    assert [s.text for s in doc.sents] == ["okay got it", "so when do you think they sign"]
    assert doc._.is_question and doc._.focus is Focus.REVENUE and doc._.theme == "close_timing"
    assert doc._.question_text == "so when do you think they sign"
    assert 'revenue/close_timing:"sign"' in doc._.evidence
    assert Doc.has_extension("focus") and Span.has_extension("is_question")


def test_lexicon_pipeline_last_question_decides() -> None:
    doc = default_nlp()("Who's the decision maker? And what are they trying to fix in the plant?")
    assert doc._.focus is Focus.CUSTOMER_IMPACT
    doc = default_nlp()("What are they trying to fix in the plant? And who's the decision maker?")
    assert doc._.focus is Focus.REVENUE


def test_save_and_load_pipeline(tmp_path: Path) -> None:
    nlp = make_nlp()
    nlp.to_disk(tmp_path / "pipe")
    assert (tmp_path / "pipe" / "convolens_focus" / "classifier" / "manifest.json").is_file()
    loaded = spacy.load(tmp_path / "pipe")
    assert loaded.pipe_names == ["convolens_sentencizer", "convolens_questions", "convolens_focus"]
    text = "yeah and how much are they looking at. What does success look like for them?"
    a, b = nlp(text), loaded(text)
    assert (a._.focus, a._.focus_probs, a._.evidence) == (b._.focus, b._.focus_probs, b._.evidence)
    again = make_nlp(base=str(tmp_path / "pipe"))
    assert again.pipe_names == loaded.pipe_names


def test_analyse_turns_gives_frozen_records() -> None:
    out = analyse_turns(["okay got it so when do you think they sign", "thanks all", ""])
    assert [a.focus for a in out] == [Focus.REVENUE, Focus.OTHER, Focus.OTHER]
    first = out[0]
    assert isinstance(first, TurnAnalysis)
    assert (first.is_question, first.n_sentences, first.n_questions) == (True, 2, 1)
    assert first.question_text == "so when do you think they sign"
    assert sum(first.probs) == pytest.approx(1.0)
    assert out[2].n_sentences == 0 and out[2].question_text is None
    with pytest.raises(AttributeError):
        first.focus = Focus.OTHER  # type: ignore[misc]


def test_analyse_turns_with_a_classifier_object() -> None:
    out = analyse_turns(["What about pain?", "deal."], KeywordClassifier())
    assert [a.focus for a in out] == [Focus.CUSTOMER_IMPACT, Focus.REVENUE]


def test_analyse_turns_rejects_non_strings() -> None:
    with pytest.raises(TypeError, match=r"texts\[1\] is NoneType"):
        analyse_turns(["fine", None])  # type: ignore[list-item]


def test_golden_turn() -> None:
    (a,) = analyse_turns(["Thanks for joining. So what does success look like for their patients a year from now?"])
    assert (a.focus, a.theme, a.is_question, a.n_sentences, a.n_questions) == (
        Focus.CUSTOMER_IMPACT,
        "success_measures",
        True,
        2,
        1,
    )
    assert a.question_text == "So what does success look like for their patients a year from now?"


def test_classifier_object_gives_same_results_and_is_cached() -> None:
    from convolens.classifiers.lexicon import LexiconClassifier
    from convolens.nlp import nlp_for

    texts = ["okay got it so when do you think they sign", "what keeps their nurses up at night", "thanks"]
    clf = LexiconClassifier()
    assert analyse_turns(texts, clf) == analyse_turns(texts, "lexicon")
    assert nlp_for(clf) is nlp_for(clf)
