"""The lexicon classifier: sub-themes, framing, negation, blockers, evidence, files and errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lexicon_files import write_lexicon

from convolens.classifiers import CLASSIFIERS, classifier_names, get_classifier
from convolens.classifiers.base import FocusClassifier
from convolens.classifiers.lexicon import LexiconClassifier
from convolens.errors import ModelError
from convolens.model import Focus


@pytest.fixture(scope="module")
def clf() -> LexiconClassifier:
    return LexiconClassifier()


def _one(clf: LexiconClassifier, text: str) -> tuple[str, str | None]:
    p = clf.predict([text])[0]
    return p.focus.value, p.theme


THEME_CASES = [
    ("when do you think they sign", "revenue", "close_timing"),
    ("did the deal slip to next quarter", "revenue", "close_timing"),
    ("what kind of discount are they asking for", "revenue", "deal_size"),
    ("can we get them to 50k", "revenue", "deal_size"),
    ("is it in commit or best case", "revenue", "forecast"),
    ("are you going to hit your number", "revenue", "forecast"),
    ("has legal sent back the redlines", "revenue", "paperwork"),
    ("do we have the PO yet", "revenue", "paperwork"),
    ("who's the economic buyer", "revenue", "decision_makers"),
    ("who else needs to sign off", "revenue", "decision_makers"),
    ("who else are they looking at", "revenue", "competition"),
    ("are we ahead of the competitor", "revenue", "competition"),
    ("what do you need from me to close this", "revenue", "seller_needs"),
    ("what are they trying to achieve this year", "customer_impact", "customer_goals"),
    ("what keeps them up at night", "customer_impact", "customer_goals"),
    ("where are the bottlenecks in their intake process", "customer_impact", "customer_problems"),
    ("how much would that downtime cost them", "customer_impact", "business_outcomes"),
    ("how much time would that save them each week", "customer_impact", "business_outcomes"),
    ("how will they measure success", "customer_impact", "success_measures"),
    ("what KPIs does the board look at", "customer_impact", "success_measures"),
    ("how does this change things for their patients", "customer_impact", "their_customers"),
    ("what would it mean for the students", "customer_impact", "their_customers"),
    ("why now", "customer_impact", "why_change"),
    ("what happens if they do nothing", "customer_impact", "why_change"),
    ("how's adoption going since go-live", "customer_impact", "adoption_value"),
    ("are they getting value out of it", "customer_impact", "adoption_value"),
    ("hey how was your weekend", "other", None),
    ("can everyone see my screen", "other", None),
]


@pytest.mark.parametrize(("text", "focus", "theme"), THEME_CASES)
def test_every_sub_theme(clf: LexiconClassifier, text: str, focus: str, theme: str | None) -> None:
    assert _one(clf, text) == (focus, theme)


def test_every_theme_is_covered_by_a_case(clf: LexiconClassifier) -> None:
    themes = clf.data_.manifest["themes"]
    covered = {(f, t) for _, f, t in THEME_CASES}
    assert all((f, t) in covered for f, ts in themes.items() for t in ts)


@pytest.mark.parametrize(
    ("text", "focus"),
    [
        # money framed as the customer's gain or cost, versus as our deal
        ("how much would that downtime cost them", "customer_impact"),
        ("what's that costing them every month", "customer_impact"),
        ("can we get them to 50k", "revenue"),
        ("what's the price they're expecting", "revenue"),
        # competition framed as the customer's experience, versus as a threat to the win
        ("what went wrong with their current vendor", "customer_impact"),
        ("who else are they looking at", "revenue"),
        # decision makers as a step to close, versus what they need to trust the outcome
        ("who is the decision maker", "revenue"),
        ("what does the CFO need to see to trust this fixes their cost overruns", "customer_impact"),
    ],
)
def test_framing_rules(clf: LexiconClassifier, text: str, focus: str) -> None:
    assert _one(clf, text)[0] == focus


def test_reframed_match_says_so_in_evidence(clf: LexiconClassifier) -> None:
    p = clf.predict(["what does the CFO need to see to trust this fixes their cost overruns"])[0]
    assert "reframed from revenue/decision_makers" in p.evidence


@pytest.mark.parametrize(
    "text",
    ["we are not worried about the price", "it's not about the discount", "never mind the contract for now"],
)
def test_dismissive_negation_removes_the_topic(clf: LexiconClassifier, text: str) -> None:
    p = clf.predict([text])[0]
    assert p.focus is Focus.OTHER
    assert "negated" in p.evidence


def test_negation_moves_focus_to_the_other_clause(clf: LexiconClassifier) -> None:
    p = clf.predict(["it's not about the discount, it's about their downtime"])[0]
    assert p.focus is Focus.CUSTOMER_IMPACT
    assert 'revenue/deal_size:"discount"(+0.3,negated)' in p.evidence


def test_negative_question_is_not_negation(clf: LexiconClassifier) -> None:
    p = clf.predict(["don't they need procurement to sign off"])[0]
    assert p.focus is Focus.REVENUE
    assert "negated" not in p.evidence


@pytest.mark.parametrize(
    "text",
    [
        "the revenue team offsite is next week",
        "we have a revenue operations meeting at two",
        "see you at sales kickoff",
        "can you close the door",
        "I closed the laptop and went home",
        "sign in to zoom with your work email",
        "please sign up for the training",
        "the quarterly all-hands is on thursday",
        "grab the impact driver from the truck",
        "he's a great goal keeper",
        "I'm going to the target store",
        "the price of lunch here is crazy",
        "our customer success team offsite was fun",
        "no problem at all",
    ],
)
def test_tempting_words_are_blocked(clf: LexiconClassifier, text: str) -> None:
    p = clf.predict([text])[0]
    assert p.focus is Focus.OTHER, p.evidence


def test_blocked_match_is_named_in_evidence(clf: LexiconClassifier) -> None:
    p = clf.predict(["the revenue team offsite is next week"])[0]
    assert 'blocked:"revenue team' in p.evidence


def test_evidence_names_pattern_theme_and_weight(clf: LexiconClassifier) -> None:
    p = clf.predict(["when do you think they sign"])[0]
    assert p.evidence == 'revenue/close_timing:"sign"(+2.0)'


def test_no_evidence_means_confident_other(clf: LexiconClassifier) -> None:
    p = clf.predict(["thanks everyone"])[0]
    assert p.focus is Focus.OTHER and p.theme is None and p.evidence == ""
    assert p.score > 0.7
    assert sum(p.probs) == pytest.approx(1.0)


def test_asr_spellings_match(clf: LexiconClassifier) -> None:
    assert _one(clf, "whats driving this")[0] == "customer_impact"
    assert _one(clf, "theyre gonna need the order form")[0] == "revenue"
    assert _one(clf, "how r y'all gonna measure success")[0] == "customer_impact"


def test_lexicon_is_broad(clf: LexiconClassifier) -> None:
    assert clf.n_patterns >= 300


def test_registry() -> None:
    assert "lexicon" in classifier_names()
    assert "convolens.lexicon.v1" in CLASSIFIERS
    clf = get_classifier("lexicon")
    assert isinstance(clf, FocusClassifier)
    with pytest.raises(ModelError, match="unknown classifier 'nope'"):
        get_classifier("nope")


def test_round_trip_through_disk(clf: LexiconClassifier, tmp_path: Path) -> None:
    clf.to_disk(tmp_path / "lex")
    loaded = LexiconClassifier().from_disk(tmp_path / "lex")
    texts = [t for t, _, _ in THEME_CASES]
    assert loaded.predict(texts) == clf.predict(texts)
    assert loaded.version == clf.version
    assert sorted(p.name for p in (tmp_path / "lex").iterdir()) == [
        "blockers.jsonl",
        "cues.jsonl",
        "customer_impact.jsonl",
        "manifest.json",
        "revenue.jsonl",
    ]


def _tiny_lexicon(folder: Path, lines: list[str]) -> Path:
    themes = {"revenue": ["close_timing"], "customer_impact": ["customer_problems"]}
    return write_lexicon(folder, lines, themes=themes, scoring={"baseline": 1.0, "sharpness": 1.6})


def test_golden_prediction_on_a_fixed_lexicon(tmp_path: Path) -> None:
    folder = _tiny_lexicon(tmp_path / "tiny", ['{"focus": "revenue", "theme": "close_timing", "phrase": "sign"}'])
    p = LexiconClassifier(folder).predict(["when do they sign"])[0]
    # logits (1.0, 0, baseline 1.0) * 1.6: a tie with the baseline goes to other.
    assert p.focus is Focus.OTHER
    folder = _tiny_lexicon(
        tmp_path / "tiny2", ['{"focus": "revenue", "theme": "close_timing", "phrase": "sign", "weight": 2.0}']
    )
    p = LexiconClassifier(folder).predict(["when do they sign"])[0]
    assert p.focus is Focus.REVENUE and p.theme == "close_timing"
    assert p.probs == pytest.approx((0.804726, 0.032802, 0.162472), abs=1e-6)
    assert p.score == pytest.approx(0.804726, abs=1e-6)


def test_golden_prediction_on_the_shipped_lexicon(clf: LexiconClassifier) -> None:
    p = clf.predict(["so what does success look like for their patients a year from now"])[0]
    assert (p.focus, p.theme) == (Focus.CUSTOMER_IMPACT, "success_measures")
    assert p.score > 0.99


def test_version_changes_with_the_files(tmp_path: Path) -> None:
    a = _tiny_lexicon(tmp_path / "a", ['{"focus": "revenue", "theme": "close_timing", "phrase": "sign"}'])
    b = _tiny_lexicon(tmp_path / "b", ['{"focus": "revenue", "theme": "close_timing", "phrase": "signed"}'])
    assert LexiconClassifier(a).version != LexiconClassifier(b).version
    assert LexiconClassifier(a).version.startswith("convolens.lexicon.v1:")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"focus": "revenue", "theme": "close_timing"}', "exactly one of 'phrase'"),
        ('{"focus": "money", "theme": "close_timing", "phrase": "x"}', "'focus' must be one of"),
        ('{"focus": "revenue", "theme": "nope", "phrase": "x"}', "unknown theme 'nope'"),
        ('{"focus": "revenue", "theme": "close_timing", "phrase": "x", "weight": -1}', "'weight' must be"),
        ('{"kind": "blocker", "phrase": "x"}', "unknown kind 'blocker'"),
        ('{"focus": "revenue", "theme": "close_timing", "tokens": [{"LOWER": "a", "OP": "+"}]}', "OP '+' not allowed"),
        ('{"focus": "revenue", "theme": "close_timing", "tokens": [{"TEXT": {"REGEX": "(a+)+$"}}]}', "nested"),
        ('{"focus": "revenue", "theme": "close_timing", "tokens": [{"LOWER": {"NOPE": 1}}]}', "bad token pattern"),
    ],
)
def test_malformed_lexicon_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    ok = '{"focus": "revenue", "theme": "close_timing", "phrase": "sign"}'
    folder = _tiny_lexicon(tmp_path / "bad", [ok, "", line])
    with pytest.raises(ModelError, match=re.escape(message)) as info:
        LexiconClassifier(folder)
    assert str(info.value).startswith(f"{folder / 'p.jsonl'}:3: ")


def test_duplicate_entry_is_an_error(tmp_path: Path) -> None:
    line = '{"focus": "revenue", "theme": "close_timing", "phrase": "sign"}'
    with pytest.raises(ModelError, match=r"duplicate pattern 'sign' \(also p.jsonl:1\)"):
        LexiconClassifier(_tiny_lexicon(tmp_path / "dup", [line, line]))


def test_missing_lexicon_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ModelError, match="no lexicon manifest.json"):
        LexiconClassifier(tmp_path / "nowhere")
    monkeypatch.setenv("CONVOLENS_LEXICONS", str(tmp_path / "also-nowhere"))
    with pytest.raises(ModelError, match=r"\$CONVOLENS_LEXICONS"):
        LexiconClassifier()


def test_env_var_selects_the_lexicon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _tiny_lexicon(tmp_path / "env", ['{"focus": "revenue", "theme": "close_timing", "phrase": "sign"}'])
    monkeypatch.setenv("CONVOLENS_LEXICONS", str(folder))
    assert LexiconClassifier().n_patterns == 1


def test_negator_inside_a_blocked_phrase_negates_nothing(clf: LexiconClassifier) -> None:
    p = clf.predict(["it's a no brainer for their CFO to approve this"])[0]
    assert "negated" not in p.evidence
