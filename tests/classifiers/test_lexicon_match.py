"""The lexicon's fast token-pattern matcher finds what spaCy's Matcher finds; remembered predictions."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import spacy
from lexicon_files import write_lexicon
from spacy.matcher import Matcher

from convolens.classifiers.base import Prediction, Sentence
from convolens.classifiers.lexicon import LexiconClassifier
from convolens.classifiers.lexicon_match import compile_patterns, tokenizers_alike
from convolens.classifiers.lexicon_tokenizer import bounded
from convolens.classifiers.recent import RecentPredictions
from convolens.model import Focus

WORDS = [
    "we",
    "are",
    "still",
    "ahead",
    "behind",
    "what",
    "made",
    "them",
    "start",
    "looking",
    "50k",
    "2",
    "two",
    "$",
    "%",
    "percent",
    ",",
    ".",
    "?",
    "-",
    "the",
    "a",
    "cost",
    "costs",
    "of",
]

PATTERNS: list[list[dict[str, Any]]] = [
    [{"LOWER": "we"}, {"LOWER": {"IN": ["are", "were"]}, "OP": "?"}, {"LOWER": "still"}, {"LOWER": "ahead"}],
    [{"LOWER": "what"}, {"LOWER": "made"}, {"IS_PUNCT": False, "OP": "?"}, {"IS_PUNCT": False, "OP": "?"}],
    [{"LIKE_NUM": True}, {"LOWER": {"IN": ["percent", "%"]}}],
    [{"TEXT": {"REGEX": "^\\d{1,4}[kK]$"}}],
    [{"ORTH": {"IN": ["$"]}}, {"LIKE_NUM": True}],
    [{"LOWER": "cost"}, {"LOWER": "of", "OP": "!"}, {"IS_DIGIT": False}],
    [{"LOWER": {"NOT_IN": ["the", "a", ",", "."]}}, {"LOWER": "costs"}],
    [{"NORM": "them"}, {}, {"SHAPE": "xxxx", "OP": "?"}],
    [{"LOWER": "start", "OP": "?"}, {"LOWER": "looking"}],
    [{"IS_PUNCT": True}, {"IS_PUNCT": True, "OP": "?"}, {"IS_PUNCT": True, "OP": "?"}],
    [{"LOWER": {"IN": ["ahead", "behind"]}, "OP": "?"}],
]


def _matchers(vocab: Any) -> tuple[Matcher, Any]:
    spacy_matcher = Matcher(vocab, validate=True)
    compiled = []
    for i, pattern in enumerate(PATTERNS):
        key = vocab.strings.add(f"p{i}")
        spacy_matcher.add(f"p{i}", [pattern])
        compiled.append((key, pattern))
    fast = compile_patterns(compiled)
    assert fast is not None
    return spacy_matcher, fast


def test_fast_matches_are_spacys_on_random_token_runs() -> None:
    nlp = spacy.blank("en")
    spacy_matcher, fast = _matchers(nlp.vocab)
    rng = random.Random(3)
    for _ in range(3000):
        doc = nlp(" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 12))))
        assert sorted(fast.find(doc)) == sorted(spacy_matcher(doc)), doc.text


@pytest.mark.parametrize(
    "pattern",
    [
        [{"LOWER": "a", "OP": "+"}],
        [{"LOWER": "a", "OP": "*"}],
        [{"LOWER": {"FUZZY": "abc"}}],
        [{"LENGTH": {">=": 3}}],
        [{"LIKE_NUM": {"IN": [True]}}],
        [{"_": {"thing": "x"}}],
    ],
)
def test_patterns_it_does_not_implement_are_left_to_spacy(pattern: list[dict[str, Any]]) -> None:
    assert compile_patterns([(1, pattern)]) is None


def _tied_lexicon(tmp_path: Path) -> LexiconClassifier:
    # Two token patterns that match the same span with the same weight: which one the lexicon keeps
    # depends on spaCy's Matcher order, so the fast matcher must hand such spans to spaCy.
    lines = [
        '{"focus": "revenue", "theme": "close_timing", "tokens": [{"LOWER": "sign"}, {"LOWER": {"IN": ["it", "this"]}}]}',
        '{"focus": "customer_impact", "theme": "customer_problems", "tokens": [{"LOWER": {"IN": ["sign", "fix"]}}, {"LOWER": "it"}]}',
        '{"focus": "revenue", "theme": "deal_size", "phrase": "budget"}',
    ]
    return LexiconClassifier(write_lexicon(tmp_path / "tied", lines))


def _as_spacy_only(clf: LexiconClassifier) -> LexiconClassifier:
    clf._fast_tokens = None
    clf._recent = RecentPredictions(max_texts=0)
    return clf


TEXTS = ["can we sign it this week", "sign it. budget? fix it", "we sign this", "the budget", "sign it"]


def test_tied_spans_are_ordered_as_spacy_orders_them(tmp_path: Path) -> None:
    fast, slow = _tied_lexicon(tmp_path), _as_spacy_only(_tied_lexicon(tmp_path / "again"))
    assert fast.predict(TEXTS) == slow.predict(TEXTS)
    nlp = spacy.blank("en")
    nlp.tokenizer = bounded(nlp.tokenizer)  # as make_nlp sets it up: tokenises like the lexicon
    docs = list(nlp.pipe(TEXTS))
    spans = [s for doc in docs for s in (doc[0:2], doc[1:], doc[:])]
    assert fast.predict_spans(spans) == slow.predict_spans(spans)
    sentences = [Sentence(s.doc, s.start, s.end, s.text) for s in spans]
    assert fast.predict_sentences(sentences) == slow.predict_spans(spans)
    assert fast.predict_alone(sentences, tokenizer=nlp.tokenizer) == slow.predict([s.text for s in spans])
    # A text whose token matches tie is never remembered: its order might depend on its context.
    assert "sign it" not in fast._recent._entries and "the budget" in fast._recent._entries


def test_sentences_get_remembered_predictions_only_where_they_are_the_texts(tmp_path: Path) -> None:
    clf = LexiconClassifier()
    nlp = spacy.blank("en")
    nlp.tokenizer = bounded(nlp.tokenizer)
    texts = ["Who signs?And what's the budget?", "Who signs? And what's the budget?"]
    docs = [nlp(t) for t in texts]
    sentences = [
        Sentence(docs[0], 0, 3, "Who signs?", alone=False),
        Sentence(docs[1], 0, 3, "Who signs?", alone=True),
        Sentence(docs[1], 3, len(docs[1]), "And what's the budget?", alone=True),
    ]
    first = clf.predict_sentences(sentences, tokenizer=nlp.tokenizer)
    assert clf._recent.lookup(["Who signs?", "And what's the budget?"]) == first[1:]
    assert clf.predict_sentences(sentences, tokenizer=nlp.tokenizer) == first
    assert first == _as_spacy_only(LexiconClassifier()).predict_spans([docs[0][0:3], docs[1][0:3], docs[1][3:]])


def test_tokenizers_alike() -> None:
    a, b = spacy.blank("en").tokenizer, spacy.blank("en").tokenizer
    assert tokenizers_alike(a, b)
    b.add_special_case("gimme", [{"ORTH": "gim"}, {"ORTH": "me"}])
    assert not tokenizers_alike(a, b)
    assert not tokenizers_alike(a, spacy.blank("de").tokenizer)


def _pred(i: int) -> Prediction:
    return Prediction(Focus.OTHER, 1.0, (0.0, 0.0, 1.0), None, str(i))


def test_recent_predictions_keep_the_latest_short_texts() -> None:
    recent = RecentPredictions(max_texts=3, max_chars=5)
    recent.remember(["a", "b", "c", "toolong"], [_pred(i) for i in range(4)])
    assert len(recent) == 3 and recent.lookup(["toolong"]) == [None]
    assert recent.lookup(["a", None]) == [_pred(0), None]  # "a" is now the most recent
    recent.remember(["d"], [_pred(3)])
    found: Sequence[Prediction | None] = recent.lookup(["a", "b", "c", "d"])
    assert found == [_pred(0), None, _pred(2), _pred(3)]
    recent.clear()
    assert len(recent) == 0


def test_classifiers_still_pickle_after_use() -> None:
    # The Ray engine sends classifier objects to its workers pickled; what they remember stays behind.
    import pickle

    from convolens.classifiers import get_classifier

    texts = ["Who signs? And what's the budget?", "yeah"]
    for name in ("lexicon", "linear"):
        clf = get_classifier(name)
        before = clf.predict(texts)
        copy = pickle.loads(pickle.dumps(clf))
        assert copy.predict(texts) == before
