"""Question patterns that the first rules missed or mistook, written fresh for each family.

Families: speech-recognition questions whose auxiliary was dropped ("you coming
tonight"); a question that follows a statement, greeting or "when/if" clause with
no punctuation between; alternative questions ("X or is it Y"); openers and
indirect requests ("any shot", "lay out for me", "get your take on"); and the
statements that look like questions ("give me a sec", "tell me about it",
"what happened was ...").
"""

from __future__ import annotations

import pytest

from convolens.nlp import default_nlp, question_cue


def _is_question(text: str) -> bool:
    return bool(default_nlp()(text)._.is_question)


def _cue(tokens: str) -> str | None:
    """Give the rule for space-separated normalised tokens."""
    return question_cue(tokens.split())


def _cues(text: str) -> list[str | None]:
    return [s._.question_cue for s in default_nlp()(text).sents]


DROPPED_AUX = [
    "you heading to the regional kickoff next month",
    "they still evaluating the other vendor",
    "you guys all set for the onsite tomorrow",
    "you ever been out to the plant in dayton",
    "you got a minute after standup",
    "you think the controller would sign off on that",
    "you want me to send the recap tonight",
    "we good to wrap up here",
    "they gonna need a second license for the warehouse",
    "yeah you still there",
    "okay you ready to jump in",
    "you mind if i record this",
    "they signing this quarter or next",
]

DROPPED_AUX_STATEMENTS = [
    "you know what i mean",
    "you need to send it by friday",
    "you guys are great",
    "they said the price was fine",
    "you were right about the controller",
    "you want to lead with the pain not the product",
    "you got it",
    "you got this",
    "you guys crushing it this quarter",
    "you doing great keep it up",
    "you still owe me lunch from the offsite",
    "You think about the renewal and you panic.",
]


@pytest.mark.parametrize("text", DROPPED_AUX)
def test_dropped_auxiliary_questions(text: str) -> None:
    assert _is_question(text), _cues(text)


@pytest.mark.parametrize("text", DROPPED_AUX_STATEMENTS)
def test_bare_subject_statements_stay_statements(text: str) -> None:
    assert not _is_question(text), _cues(text)


QUESTION_AFTER_STATEMENT = [
    # an inverted auxiliary after an apology, a greeting or a remark
    "sorry the train went into a tunnel can you say that again",
    "hi marcus can you hear me okay",
    "the budget got cut last week are they still moving forward",
    "i'll send the deck over tonight would you share it with your boss",
    "so i've got them in best case should i move them to commit",
    "good evening is this still a good time to talk",
    # a wh-question after a statement or a leading clause
    "love the new office by the way how's the commute",
    "sorry my dog was barking what was the question",
    "if the pilot goes well what does rollout look like for the other sites",
    "when the forklift breaks down what happens to the orders that day",
    "so when a nurse calls out sick who covers the shift on the floor",
    "you said the renewal is in june how many seats are we talking",
    "before we jump in how long do we have today",
    "we lost two sites last year whats going on with retention",
    "great call yesterday what has to happen for them to sign by march",
    "If the install slips a month, what does that do to your season?",
    # alternative questions
    "is it the price or is it the timing",
    "do you want the long version or do you want the short one",
    "they pay by card or do they need an invoice",
    # asking whether a time suits
    "would friday afternoon work for the walkthrough",
]

MID_RUN_STATEMENTS = [
    "the thing is they can't sign until march",
    "as soon as we can we will send it over",
    "if you do you have to loop in legal",
    "the reason why is the budget freeze",
    "we'll see what happens after the board meeting",
    "it's like what happened with the last vendor",
    "i told him what happened on the call",
    "that's exactly what's going on",
    "we're fixing what's broken in onboarding",
    "when they realize how much time they waste they'll come around",
    "after what happened last quarter they're nervous",
    "when the guy who runs the yard leaves we lose the relationship",
    "the stuff they did you know was pretty solid",
    "we can do a pilot or we can skip straight to the contract",
    "monday would work for us",
    "wait till they sign before you celebrate",
    "good morning everyone let's get started",
    "His boss, who signs everything, is out this week.",
    "The markup isn't what's bothering them, it's the delays.",
]


@pytest.mark.parametrize("text", QUESTION_AFTER_STATEMENT)
def test_question_after_a_statement(text: str) -> None:
    assert _is_question(text), _cues(text)


@pytest.mark.parametrize("text", MID_RUN_STATEMENTS)
def test_mid_run_statements_stay_statements(text: str) -> None:
    assert not _is_question(text), _cues(text)


REQUESTS = [
    "any shot we can get the cfo on the next call",
    "any reason they went quiet after the demo",
    "lay out for me how the approval chain works over there",
    "i'd like to get your take on how we position the upgrade",
    "I'd love your thoughts on the renewal deck before Friday.",
    "i was hoping you could tell me who else weighs in",
    "i'm trying to figure out why the deal stalled in march",
    "I've always wondered how your team picks which accounts to chase.",
    "It'd be useful to know whether the board has to approve this.",
    "I'd need to understand how the credits get applied before I sign.",
    "tell me a bit about how the handoff to support works",
    "so i'm kinda wondering like who owns the budget now",
    "anything i can do to help get this over the line",
    "what makes them think it is worth the switch",
]

NOT_REQUESTS = [
    "give me a minute to find the file",
    "Sorry, the dog's at the door, give me one sec.",
    "give me a call when you land",
    "remind me to send the invite",
    "haha yeah tell me about it",
    "Ugh, tell me about it.",
    "nobody can tell me why the numbers dropped",
    "they tell me about their backlog every single week",
    "Don't walk me through the slides again.",
    "it would help to know that ahead of time next time",
    "oh good to know",
]


@pytest.mark.parametrize("text", REQUESTS)
def test_requests_for_information(text: str) -> None:
    assert _is_question(text), _cues(text)


@pytest.mark.parametrize("text", NOT_REQUESTS)
def test_pauses_idioms_and_refusals_are_not_requests(text: str) -> None:
    assert not _is_question(text), _cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "what happened was they ran out of budget",
        "what most reps miss is the second call",
        "what's driving it is the audit next spring",
        "when they sign what we get is a great reference",
        "We've got forty reps and maybe ten of them log calls right.",
        "ha yeah fridays right",
    ],
)
def test_clefts_and_adverbs_are_not_questions(text: str) -> None:
    assert not _is_question(text), _cues(text)


def test_rule_names() -> None:
    assert _cue("you coming to the offsite") == "drop:aux"
    assert _cue("you coming to the offsite .") is None  # a writer would have put "?"
    assert _cue("we can ship monthly or do they want it all at once") == "inv:or"
    assert _cue("nice work on the demo what 's the next step") == "inv:mid-wh"
    assert _cue("sorry you cut out can you repeat that") == "inv:mid-aux"
    assert _cue("so after the pilot how many sites are we talking") == "inv:mid-how"
    assert _cue("would tuesday morning work") == "inv:time-works"
    assert _cue("any shot we close this month") == "req:opener"
    assert _cue("give me a sec") is None
    # "is they" has no agreement, so it is not an inverted question
    assert _cue("what happened was they walked") is None


def test_tell_me_about_it_alone_still_asks() -> None:
    # Without an agreeing "yeah"/"ugh" before it, it is a request to hear more.
    assert _cue("tell me about it") == "req:phrase"
