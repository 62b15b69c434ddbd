"""Reading texts chunk by chunk gives spaCy's tokens; the lexicon's and the linear model's fast parts."""

from __future__ import annotations

import csv
import pickle
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import spacy
from lexicon_files import write_lexicon
from spacy.tokens import Doc

from convolens.classifiers.chunk_tokenizer import ChunkTokenizer, special_pairs
from convolens.classifiers.lexicon import LexiconClassifier
from convolens.classifiers.lexicon_tokenizer import bounded
from convolens.classifiers.linear_features import first_of_row_argsorts
from convolens.classifiers.turn_tokens import TokenTable, TurnTokens

CORPUS = Path(__file__).resolve().parents[2] / "data" / "labeled" / "corpus.csv"

ODD = [
    "",
    " ",
    "  ",
    "\n",
    " leading",
    "trailing ",
    "two  spaces",
    "tab\tand\nnewline \n after",
    "no\u00a0break and\u2003em",
    "it ' s what 's that",
    "we ( : ) - D . O . Our",
    "10a.m. meeting at 3p.m. ok",
    "(:-) :) 8-D ':-)' “quoted” ’s",
    "?" * 250 + " who signs",
    "x" * 150,
    "Dr. Smith e.g. U.S.A. vs. them",
]


def _facts(turn: TurnTokens) -> list[tuple[int, int, int, int]]:
    table = turn.table
    followed, offsets = turn.followed(), turn.offsets()
    return [(table.orth[t], table.norm[t], followed[i], offsets[i]) for i, t in enumerate(turn.types)]


def _doc_facts(doc: Doc) -> list[tuple[int, int, int, int]]:
    return [(t.orth, t.norm, int(bool(t.whitespace_)), t.idx) for t in doc]


def _texts() -> list[str]:
    with open(CORPUS, encoding="utf-8", newline="") as fh:
        corpus = [row["text"] for row in csv.DictReader(fh)]
    rng = random.Random(5)
    tokenizer = spacy.blank("en").tokenizer
    pairs = special_pairs(tokenizer)
    atoms = sorted(pairs.firsts | pairs.lasts) + list(pairs.rules)[:80] + [" ", " ", "  ", "\n", "it", "Our", "s"]
    fuzz = ["".join(rng.choice(atoms) for _ in range(rng.randint(1, 8))) for _ in range(3000)]
    joined = [" ".join(rng.sample(corpus, 3)) for _ in range(300)]
    return corpus[::3] + joined + fuzz + ODD


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return _texts()


def test_chunks_give_the_tokenizers_tokens(texts: list[str]) -> None:
    tokenizer = bounded(spacy.blank("en").tokenizer)
    chunks = ChunkTokenizer(tokenizer)
    for _ in range(2):  # and again, from what it remembers
        for text, turn in zip(texts, chunks.turns(texts), strict=True):
            doc = tokenizer(text)
            assert _facts(turn) == _doc_facts(doc), text
            assert turn.norm_texts() == [t.norm_ for t in doc]
            if len(doc):
                assert turn.span_text(0, len(doc)) == doc[0 : len(doc)].text
                assert [turn.span_text(i, i + 2) for i in range(len(doc) - 1)] == [
                    doc[i : i + 2].text for i in range(len(doc) - 1)
                ]


def test_most_texts_are_read_chunk_by_chunk(texts: list[str]) -> None:
    chunks = ChunkTokenizer(bounded(spacy.blank("en").tokenizer))
    whole = sum(turn._pieces is None for turn in chunks.turns(texts[:1000]))  # made from a Doc
    assert whole < 20


def test_a_special_case_across_chunks_sends_the_text_to_the_tokenizer() -> None:
    tokenizer = spacy.blank("en").tokenizer
    chunks = ChunkTokenizer(tokenizer)
    # ":" + ")" is a special case's pair: spaCy matches it over the space, which can block ":)" after it.
    for text in ["( :)b(:,s", "whatb\tb ) -:)", "it ' s"]:
        turn = chunks.turns([text])[0]
        assert _facts(turn) == _doc_facts(tokenizer(text))


def test_a_changed_tokenizer_is_read_anew() -> None:
    nlp = spacy.blank("en")
    chunks = ChunkTokenizer(nlp.tokenizer)
    before = chunks.turns(["gimme that"])[0]
    assert [before.table.text[t] for t in before.types] == ["gimme", "that"]
    nlp.tokenizer.add_special_case("gimme", [{"ORTH": "gim"}, {"ORTH": "me"}])
    after = chunks.turns(["gimme that"])[0]
    assert [after.table.text[t] for t in after.types] == ["gim", "me", "that"]


def test_another_tokenizer_is_called_per_text() -> None:
    nlp = spacy.blank("en")

    def by_spaces(text: str) -> Doc:
        return Doc(nlp.vocab, words=text.split())

    chunks = ChunkTokenizer(by_spaces)
    turn = chunks.turns(["can't stop"])[0]
    assert [turn.table.text[t] for t in turn.types] == ["can't", "stop"]


def test_chunk_tokenizer_pickles_without_what_it_remembers() -> None:
    chunks = ChunkTokenizer(bounded(spacy.blank("en").tokenizer))
    chunks.turns(["who signs?"])
    copy = pickle.loads(pickle.dumps(chunks))
    turn = copy.turns(["who signs?"])[0]
    assert [turn.table.text[t] for t in turn.types] == ["who", "signs", "?"]


def test_turns_from_docs_of_another_vocab() -> None:
    table = TokenTable(spacy.blank("en").vocab)
    doc = spacy.blank("en")("Budget? Whatever they're after")
    turn = TurnTokens.from_doc(doc, table)
    assert [table.text[t] for t in turn.types] == [t.text for t in doc]
    assert [table.title[t] for t in turn.types] == [t.is_title for t in doc]
    assert turn.edges() == [True, False, True, True, False, True, True]


def test_phrases_shared_by_entries_come_in_the_phrase_matchers_order(tmp_path: Path) -> None:
    # Equal weights on one span: the PhraseMatcher's order decides which entry the scoring keeps.
    lines = [
        '{"focus": "revenue", "theme": "close_timing", "phrase": "the renewal", "weight": 2.0}',
        '{"focus": "customer_impact", "theme": "customer_problems", "phrase": "the renewal", "weight": 2.0}',
        '{"focus": "revenue", "theme": "deal_size", "phrase": "the-renewal", "weight": 2.0}',
        '{"focus": "revenue", "theme": "deal_size", "phrase": "renewal", "weight": 1.0}',
        '{"kind": "negator", "phrase": "not"}',
    ]
    fast = LexiconClassifier(write_lexicon(tmp_path / "lex", lines))
    slow: Any = LexiconClassifier(write_lexicon(tmp_path / "lex2", lines))
    slow._fast_phrases = None  # spaCy's PhraseMatcher on a Doc per text
    texts = ["what about the renewal", "not the renewal", "the the-renewal renewal", "the renewal the renewal"]
    assert fast.predict(texts) == slow.predict(texts)
    docs = [fast._nlp.make_doc(t) for t in texts]
    assert fast.predict_spans(docs) == fast.predict(texts)


def test_first_of_row_argsorts_is_numpys() -> None:
    rng = np.random.default_rng(0)
    for _ in range(2000):
        sizes = rng.integers(0, 60, rng.integers(0, 12))
        indptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int32)
        # Few distinct values, so that ties (np.argsort's own order) are common.
        values = rng.integers(-6, 6, int(indptr[-1])).astype(float) * rng.choice([1.0, 0.25])
        want = [(np.argsort(values[a:b])[:6] + a).tolist() for a, b in zip(indptr[:-1], indptr[1:], strict=True)]
        assert first_of_row_argsorts(values, indptr, 6) == want
