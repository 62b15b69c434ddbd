"""How a clause starts: the question rules that look at the first words of a clause.

:func:`clause_start_kind` is shared by question detection (at the start of a
sentence and of later clauses) and by sentence splitting (to decide whether an
unpunctuated run starts a new question). Rule names start with ``"inv"`` for
subject-auxiliary inversion, ``"req"`` for a request for information,
``"drop"`` for a question whose auxiliary speech dropped ("you coming
tonight") and ``"weak"`` for a subject wh-question ("who signs").
"""

from __future__ import annotations

from collections.abc import Sequence

from .question_phrases import (
    CLEFT_ADJ,
    HOW_DEGREE,
    OPENERS,
    RELATIVE_AFTER_WHICH,
    blocked_request,
    match_at,
)
from .words import (
    AUX,
    AUX_OPEN,
    CLOSERS,
    DETERMINERS,
    FILLERS,
    SKIP_PUNCT,
    SUBJECT_PRONOUNS,
    SUBJECT_START,
    WH,
    word_set,
)


def skip_fillers(words: Sequence[str], j: int) -> int:
    """Give the first index at or after ``j`` that is not a filler word or punctuation."""
    n = len(words)
    while j < n:
        w = words[j]
        if w in FILLERS or w in SKIP_PUNCT:
            j += 1
        elif w == "i" and j + 1 < n and words[j + 1] == "mean":
            j += 2
        elif w == "you" and j + 2 < n and words[j + 1] == "know" and words[j + 2] == ",":
            j += 3
        else:
            break
    return j


def subject_at(words: Sequence[str], names: Sequence[bool], k: int) -> bool:
    """Say whether position ``k`` can begin the subject of an inverted clause."""
    return k < len(words) and (words[k] in SUBJECT_START or names[k])


_DISAGREES: dict[str, frozenset[str]] = {
    "is": frozenset({"i", "you", "we", "they"}),
    "was": frozenset({"you", "we", "they"}),
    "are": frozenset({"i", "he", "she", "it"}),
    "were": frozenset({"i", "he", "she", "it"}),
    "am": frozenset({"you", "we", "they", "he", "she", "it"}),
    "does": frozenset({"i", "you", "we", "they"}),
    "has": frozenset({"i", "you", "we", "they"}),
}


def inversion_at(words: Sequence[str], names: Sequence[bool], j: int) -> bool:
    """Say whether an auxiliary at ``j`` is followed by its subject ("do they", "isn't it")."""
    aux = words[j]
    if aux not in AUX_OPEN:
        return False
    k = j + 1
    if k < len(words) and words[k] == "not":
        k += 1
    if k >= len(words):
        return False
    subj = words[k]
    if aux == "do" and subj in {"it", "that", "this", "these", "those", "all", "some", "any", "my", "his", "her"}:
        return False  # "do it now", "do that first": imperatives, not questions
    if aux in {"may", "shall"}:
        return subj in {"i", "we"}
    if subj in _DISAGREES.get(aux, ()):
        return False  # "what happened was they ran out": no inversion without agreement
    return subject_at(words, names, k)


# Auxiliaries that open a question even before a bare noun subject, as speech
# recognition writes it ("is procurement going to slow us down", "did finance
# approve it"). Not "was/were" ("was great"), nor modals and "have", which open
# subject-less statements and imperatives ("should work", "have legal look").
_BARE_SUBJECT_AUX = frozenset({"is", "are", "does", "did", "has"})
_NOT_BARE_SUBJECT = word_set(
    "a an it that this what there not been being so very really just also still always never great good fine"
    " okay ok well better worse nice huge important done gone all more less about like one much many too"
    " out in on up down off over back at for with here now"
)


def bare_subject_inversion(words: Sequence[str], j: int) -> bool:
    """Say whether an auxiliary at ``j`` is followed by a bare noun subject and a clause."""
    if words[j] not in _BARE_SUBJECT_AUX:
        return False
    k = j + 2 if j + 1 < len(words) and words[j + 1] == "not" else j + 1
    if len(words) - k < 3:  # subject plus at least two more words: "is legal done" is too short to trust
        return False
    subj = words[k]
    if not subj.isalpha() or subj in _NOT_BARE_SUBJECT:
        return False
    return not (words[j] in {"is", "are"} and (subj.endswith("ing") or (subj.endswith("ed") and len(subj) > 3)))


_TIME_AUX = frozenset({"would", "will", "could", "does", "do"})
_TIME_WORDS = word_set(
    "monday tuesday wednesday thursday friday saturday sunday tomorrow tonight today next early late end"
    " morning afternoon noon"
)


def time_works(words: Sequence[str], j: int) -> bool:
    """Say whether the clause at ``j`` asks whether a time suits: "would thursday morning work"."""
    if words[j] not in _TIME_AUX or j + 2 >= len(words) or words[j + 1] not in _TIME_WORDS:
        return False
    return any(w in {"work", "suit"} for w in words[j + 2 : j + 5])


# Questions whose auxiliary speech dropped: "you coming tonight", "they paying
# monthly", "you got a sec", "we good". Only "you", "they" and "we" as subjects,
# only predicates that cannot follow a bare subject in a statement.
_DROP_ADVERBS = word_set("still ever all both even also really guys")
_DROP_STATES = {
    "you": word_set("good ready okay free around there set done sure busy available alright cool gonna ever"),
    "they": word_set("good ready okay set gonna open interested happy cool sure ever"),
    "we": word_set("good okay set done cool on"),
}
NOT_VERB_ING = word_set(
    "thing things something nothing anything everything morning evening during bring king ring sing spring"
    " string swing wing sting ceiling building"
)
_PRAISE_ING = word_set("crushing killing rocking nailing smashing owning acing")
_YOU_VERB_NEXT: dict[str, frozenset[str] | None] = {
    "think": None,  # anything but "about"
    "catch": None,
    "remember": None,
    "mind": None,
    "hear": word_set("about back from anything any"),
    "heard": word_set("about back from anything any"),
    "want": word_set("some any anything me us"),
    "need": word_set("anything any me a help"),
    "get": word_set("a my our the"),
    "got": word_set("your time any anything everything plans a"),
}
_YOU_WANT_TO = word_set("grab hop jump join come meet chat swap split")
_GOT_A = word_set("sec second minute min moment chance few copy loaner ride")


def dropped_aux(words: Sequence[str], j: int) -> bool:
    """Say whether the clause at ``j`` is a question with its auxiliary dropped."""
    n = len(words)
    subj = words[j]
    states = _DROP_STATES.get(subj)
    if states is None:
        return False
    k = j + 1
    ever = False
    while k < n and k < j + 3 and words[k] in _DROP_ADVERBS:
        if words[k] == "guys" and subj != "you":
            return False
        ever = ever or words[k] == "ever"
        k += 1
    if k >= n:
        return subj == "you" and words[k - 1] == "still"  # "you still"
    w = words[k]
    if ever and subj != "we":
        return True  # "you ever been to elko", "they ever get back to you"
    nxt = words[k + 1] if k + 1 < n else ""
    if w in states:
        return True
    if subj != "we" and len(w) >= 5 and w.endswith("ing") and w not in NOT_VERB_ING:
        return w not in _PRAISE_ING and nxt not in {"great", "amazing", "awesome", "fantastic", "incredible", "such"}
    if subj != "you" or w not in _YOU_VERB_NEXT:
        return False
    allowed = _YOU_VERB_NEXT[w]
    if allowed is None:
        return nxt != "about" and nxt != ""
    if w == "want" and nxt == "to":
        return k + 2 < n and words[k + 2] in _YOU_WANT_TO
    if w == "got" and nxt == "a":
        return k + 2 < n and words[k + 2] in _GOT_A
    if w == "get" and nxt == "a":
        return k + 2 < n and words[k + 2] == "chance"
    return nxt in allowed


_CLEFT_STOP = word_set("if when because since so and but or before after while until unless whenever once")
_CLEFT_INVERTED = frozenset({"it", "there", "this"})
_TAKES_CLAUSE = word_set(
    "think thinks thought say says said feel feels felt know knows knew believe hope guess mean sure suppose"
    " if when because since that so and but or is was what"
)
_NOT_BEFORE_CLEFT_IS = SUBJECT_PRONOUNS | {"which", "who", "what"}


def _object_pronoun(words: Sequence[str], k: int) -> bool:
    """Say whether "it/that/this" at ``k`` is an object ("driving it is"), not a subject ("think it is")."""
    return words[k] in {"it", "that", "this"} and words[k - 1].isalpha() and words[k - 1] not in _TAKES_CLAUSE


def pseudo_cleft(words: Sequence[str], j: int) -> bool:
    """Say whether the "what"-clause at ``j`` is the subject of a later "is"/"was".

    "what's going to close it is the discount", "what most of them tell us is ...":
    the wh-clause is a noun phrase and the sentence a statement. A later "is it"
    ("what's going on is it the price") is an inverted question, not a cleft.
    """
    n = len(words)
    for k in range(j + 2, min(n, j + 14)):
        w = words[k]
        if w in _CLEFT_STOP or w in SKIP_PUNCT or w in {".", "?", "!", ";"}:
            return False
        if w in {"is", "was"} and (words[k - 1] not in _NOT_BEFORE_CLEFT_IS or _object_pronoun(words, k - 1)):
            return not (k + 1 < n and words[k + 1] in _CLEFT_INVERTED)
    return False


def clause_start_kind(words: Sequence[str], names: Sequence[bool], j: int) -> str | None:
    """Give the question rule that a clause starting at ``j`` fires, or None."""
    n = len(words)
    if j >= n:
        return None
    w = words[j]
    if match_at(OPENERS, words, j):
        return None if blocked_request(words, j) else "req:opener"
    if w in AUX_OPEN:
        if inversion_at(words, names, j):
            return "inv:aux-subject"
        if time_works(words, j):
            return "inv:time-works"
        return "inv:aux-noun" if bare_subject_inversion(words, j) else None
    if w not in WH:
        return "drop:aux" if dropped_aux(words, j) else None
    n1 = words[j + 1] if j + 1 < n else ""
    n2 = words[j + 2] if j + 2 < n else ""
    if n1 == "" or n1 in CLOSERS or n1 == "?":
        return "req:bare-wh"
    if w == "how" and n1 in HOW_DEGREE:
        return "inv:how-degree" if n2 in AUX else "req:how-degree"
    if n1 in AUX:
        if w == "which" and not subject_at(words, names, j + 2):
            return None if n1 in RELATIVE_AFTER_WHICH else "weak:which-aux"
        if w == "what" and n1 in {"'s", "is", "was"} and n2 in CLEFT_ADJ:
            n3 = words[j + 3] if j + 3 < n else ""
            if n3 in {"is", "'s", "was", "about"}:
                return None  # "what's interesting is ..." states, it does not ask
        if w == "what" and n2 not in SUBJECT_START and n2 not in {"a", "an"} and pseudo_cleft(words, j + 1):
            return None  # "what's going to close it is the discount"
        return "inv:wh-aux"
    if w in {"what", "which", "whose", "who"}:
        if n1 in SUBJECT_PRONOUNS or n1 in DETERMINERS or n1 in {"a", "an", "i", "not", "most", "both"}:
            return None  # "what they said", "what a call": a free relative or an exclamation
        # "what budget do they have": wh + noun(s) + inverted auxiliary.
        for k in range(j + 1, min(j + 5, n)):
            if words[k] in AUX_OPEN and inversion_at(words, names, k):
                return "inv:wh-noun-aux"
        if w == "which" and n1 in RELATIVE_AFTER_WHICH:
            return None
        if w == "what" and pseudo_cleft(words, j):
            return None  # "what happens is they stop", "what matters is the date"
        return "weak:wh-subject"
    return None
