"""Question detection on clean and speech-recognition text, through the spaCy pipeline."""

from __future__ import annotations

import pytest

from convolens.nlp import default_nlp, question_cue

QUESTIONS = [
    # clean, with question marks
    "What's the timeline?",
    "Who else are they looking at?",
    "They signed last week, right?",
    "So the budget is 50k?",
    "Is that the final price?",
    # wh-questions without "?"
    "when do you think they sign",
    "how much are they looking at",
    "how many users are on the current system",
    "what does success look like for them",
    "why are they looking at this now",
    "where are they in the approval process",
    "which vendor are they using today",
    "whose budget does this come out of",
    "who signs the order form",
    "what happens if they do nothing",
    "how long has the line been down",
    "whats the biggest headache for the nurses",
    # leading fillers and discourse markers
    "so um when do they sign",
    "okay and what are they trying to achieve",
    "alright so how are they measuring it today",
    "yeah but who else is involved",
    "well like what's driving this",
    "and then what happens after go live",
    "right so do they have budget",
    # auxiliary inversion
    "do they have budget for this",
    "did Acme sign the order form",
    "are we ahead of the incumbent",
    "can you walk me through their current process",
    "could they start in march",
    "would the CFO approve that",
    "should we loop in legal",
    "have they seen the proposal",
    "is there a compelling event",
    "don't they need procurement to sign off",
    "was it the price or the timing",
    "will they renew",
    # indirect questions and requests for information
    "tell me about their goals for next year",
    "walk me through how they'd roll it out",
    "I'm curious what success looks like a year from now",
    "I wonder if they have budget",
    "I was wondering how the pilot went",
    "any idea when legal will be done",
    "help me understand what's driving the change",
    "just curious how they measure downtime",
    "I'd love to hear more about their patients",
    "any update on the redlines",
    # tag questions
    "they're signing friday right",
    "that's the plan, isn't it",
    "we agreed on net 30, correct",
    "they said the same thing didn't they",
    # run-ons where the question comes after an acknowledgement
    "okay got it so when do you think they sign",
    "yeah and how much are they looking at",
    "makes sense do they have a date in mind",
]

STATEMENTS = [
    "That's what I said.",
    "when they sign we'll celebrate",
    "I know how much it costs",
    "here's why it matters",
    "what they want is a faster close",
    "what I mean is we should wait",
    "what's interesting is they never asked about price",
    "how they measure it is up to them",
    "that's right",
    "you're right",
    "exactly right",
    "we're doing it right",
    "Thanks for joining today.",
    "Let's get started.",
    "sounds good talk soon",
    "okay got it",
    "I'll send the order form tomorrow",
    "they signed last week",
    "the CFO approved the budget",
    "do it now",
    "do that first then call me",
    "have a great weekend",
    "could be",
    "would love to",
    "will do",
    "can do",
    "no worries at all",
    "which is why we need the contract back",
    "I don't know what they want",
    "who knows",
    "guess what, they signed",
    "when the contract is signed we start onboarding",
    "where we landed was net 30",
    "why they chose us is still a mystery to me",
    "the reason why they left is the price",
    "I told them what the price was",
    "if you do you have to tell legal",
    "we talked about how they measure success",
    "so they're gonna loop in procurement next week",
    "yeah yeah that makes sense",
    'He asked "why now?" and I laughed.',
    "let me know if you have any questions",
    "the question is whether we can wait",
    "great call everyone",
]


def _is_question(text: str) -> bool:
    return bool(default_nlp()(text)._.is_question)


def test_question_recall_is_high() -> None:
    missed = [t for t in QUESTIONS if not _is_question(t)]
    assert len(QUESTIONS) >= 40
    assert len(missed) / len(QUESTIONS) <= 0.05, missed


def test_statement_precision_is_high() -> None:
    flagged = [t for t in STATEMENTS if _is_question(t)]
    assert len(STATEMENTS) >= 40
    assert len(flagged) / len(STATEMENTS) <= 0.05, flagged


@pytest.mark.parametrize(
    "text",
    [
        "okay got it so when do you think they sign",
        "yeah and how much are they looking at",
        "who signs the order form",
        "tell me about their goals for next year",
        "they're signing friday right",
        "What's the timeline?",
    ],
)
def test_key_questions(text: str) -> None:
    assert _is_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "That's what I said.",
        "when they sign we'll celebrate",
        "I know how much it costs",
        "here's why it matters",
        'He asked "why now?" and I laughed.',
    ],
)
def test_key_statements(text: str) -> None:
    assert not _is_question(text)


def test_question_cue_names_the_rule() -> None:
    assert question_cue(["when", "do", "they", "sign"]) == "inv:wh-aux"
    assert question_cue(["so", "um", "do", "they", "have", "budget"]) == "inv:aux-subject"
    assert question_cue(["tell", "me", "about", "it"]) == "req:phrase"
    assert question_cue(["they", "signed", "?"]) == "?"
    assert question_cue(["who", "signs", "."]) is None  # a weak cue loses to a full stop
    assert question_cue([]) is None


def test_question_mark_counts_even_without_grammar() -> None:
    assert _is_question("So the budget is 50k?")
    assert not _is_question("So the budget is 50k.")
