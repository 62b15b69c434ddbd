"""Rules that say whether a sentence asks a question, with or without a ``?``.

The rules look at normalised token strings (:func:`convolens.nlp.words.normalise`)
so they work on clean text and on lower-case, unpunctuated speech-recognition
output alike. :func:`question_cue` gives the name of the rule that fired, or
``None`` for a statement; the spaCy component only needs its truth value, the
name is for tests and for explaining a decision.

Signals are *strong* (inversion, wh-word + auxiliary, requests for information,
tag questions) or *weak* (a subject wh-question such as "who signs"). A sentence
that ends in ``.`` or ``!`` needs a strong signal: the writer chose not to put
``?``, so only grammar that is unmistakably interrogative overrides that. The
phrase tables live in :mod:`.question_phrases`, the clause-start rules in
:mod:`.question_clauses`; this module adds the rules for later clauses, tags and
the ``?`` itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import compress

from .question_clauses import NOT_VERB_ING, clause_start_kind, inversion_at, pseudo_cleft, skip_fillers
from .question_phrases import (
    ANYWHERE,
    EMBEDDING,
    HOW_DEGREE,
    MID_SUBJECTS,
    MID_WH_SUBJECTS,
    NOT_BEFORE_AUX,
    NOT_TAG_BEFORE,
    REPORTING,
    RHETORICAL,
    TAG_STRONG,
    TAG_WORDS,
    TAIL_PHRASES,
    blocked_request,
    longest_at,
    match_at,
)
from .words import AUX, AUX_OPEN, CLOSERS, DETERMINERS, FILLERS, MARKERS, SUBJECT_START, WH, ack_run, word_set

__all__ = ["clause_start_kind", "question_cue", "skip_fillers"]

_CLAUSE_PUNCT = frozenset({",", ";", ":", "-", "--", "—", "–"})
_RELATIVE_WH = frozenset({"which", "who", "whom", "whose"})
#: wh-words that ask, mid-run, before an auxiliary and a noun subject ("... what's the plan").
_MID_WH_NOUN = frozenset({"what", "how", "where", "why", "when"})
_DO_AUX = frozenset({"do", "does", "did", "'d"})
#: auxiliaries that ask, mid-run, before "you"/"they"/"we" ("sorry you cut out can you repeat that").
_MID_AUX = frozenset({"do", "did", "can", "could", "would", "will", "should", "are", "have"})
_MID_AUX_SUBJECTS = frozenset({"you", "they", "we", "i"})
_I_AUX = frozenset({"should", "can", "could", "do", "did"})
_NOT_BEFORE_MID_AUX = (
    (NOT_BEFORE_AUX - {"there"})
    | AUX
    | word_set("that which who to not never whatever whoever however whenever wherever")
)
#: after a mid-run "what's": a state or an ongoing event ("... whats going on there").
_WHATS_STATE = word_set("actually really going happening changed changing wrong broken different")
_OBJECTS = word_set("me us them him her you")
#: words that open a leading adverbial clause, after which a wh-clause is the main question.
_LEAD = frozenset({"when", "if", "whenever", "once"})
#: before "like what happened": a comparison, not a question ("it's like what happened last year").
_LIKE_COMPARE = word_set("'s is was just exactly kind sort looks feels sounds seems")
_ARE_NEXT = word_set(
    "gonna going still actually really ready good able okay sure free done all on in at the a an set there"
    " also even just thinking seeing talking looking"
)
_HAVE_NEXT = word_set("got gotten had heard done thought ever already met made found sent told brought run read")
#: the words at which a rule of question_cue's scan can fire: a request phrase's first word or a
#: word _later_clause looks at (every branch of it needs one of these); other tokens are skipped.
_NO_NAMES = (False,) * 256  # names for the usual call without them (read only)
_SCAN_WORDS = frozenset(ANYWHERE) | _CLAUSE_PUNCT | MARKERS | AUX_OPEN | WH | _MID_AUX | {"or"}


def _mid_aux(words: Sequence[str], i: int) -> bool:
    """Say whether an auxiliary at ``i``, inside a run, opens a question ("... can you hear me")."""
    n = len(words)
    w = words[i]
    if w not in _MID_AUX or i + 2 >= n or words[i + 1] not in _MID_AUX_SUBJECTS:
        return False
    if words[i - 1] in _NOT_BEFORE_MID_AUX or (words[i + 1] == "i" and w not in _I_AUX):
        return False  # "if you do you have to", "as soon as we can we will"
    k = i + 3 if words[i + 2] in {"guys", "all"} and i + 3 < n else i + 2
    nxt = words[k]
    if not nxt.isalpha() or nxt in AUX:
        return False  # "... will they 're" : a new declarative clause
    if nxt in {"know", "mean"} and w not in {"do", "did"}:
        return False  # "it would you know help": the filler "you know"
    if w == "are":
        return nxt.endswith("ing") or nxt in _ARE_NEXT
    if w == "have":
        return nxt.endswith(("ed", "en")) or nxt in _HAVE_NEXT
    return True


def _mid_how(words: Sequence[str], names: Sequence[bool], i: int) -> bool:
    """Say whether "how much/many/long ..." at ``i`` is followed by an inverted auxiliary."""
    n = len(words)
    if i + 1 >= n or words[i + 1] not in HOW_DEGREE or words[i - 1] in EMBEDDING:
        return False
    for k in range(i + 2, min(i + 6, n - 1)):
        if words[k] in AUX:
            return words[k + 1] in SUBJECT_START or names[k + 1]
        if not words[k].isalpha() or words[k] in MID_SUBJECTS:
            return False
    return False


def _mid_wh(words: Sequence[str], names: Sequence[bool], i: int) -> bool:
    """Say whether a wh-word at ``i``, inside a run, opens a direct question."""
    n = len(words)
    if i + 2 >= n or words[i + 1] not in AUX or words[i - 1] in EMBEDDING:
        return False
    w, aux, subj = words[i], words[i + 1], words[i + 2]
    if subj in MID_SUBJECTS:
        return True  # "when you say downtime what do you mean"
    if w not in _MID_WH_NOUN:
        return False  # "his brother who is the owner": a relative clause
    if subj in MID_WH_SUBJECTS or names[i + 2]:
        return True  # "nice dog by the way what's his name"
    if w == "what" and aux == "has" and subj == "to":
        return True  # "... what has to happen for them to sign"
    if w == "what" and aux in {"'s", "is"} and not _verb_before(words, i):
        ongoing = subj in _WHATS_STATE or (len(subj) >= 5 and subj.endswith("ing") and subj not in NOT_VERB_ING)
        return ongoing and not pseudo_cleft(words, i + 1)  # "forget the pricing what's actually broken"
    return aux in _DO_AUX and subj.isalpha() and subj not in AUX  # "what does procurement look like"


def _later_clause(words: Sequence[str], names: Sequence[bool], i: int, first: int) -> str | None:
    """Give the question rule that fires at ``i``, inside the sentence, or None."""
    n = len(words)
    w = words[i]
    if w in _CLAUSE_PUNCT:
        # A clause after a comma: only strong, non-relative starts count.
        j = skip_fillers(words, i + 1)
        if j < n and words[j] in _RELATIVE_WH:
            return None  # "his brother, who does the books"
        k = clause_start_kind(words, names, j)
        return k if k is not None and not k.startswith("weak") else None
    if w in MARKERS and (w in {"so", "but", "okay"} or ack_run(words, 0, i)):
        # "okay got it so when do they sign": a new clause after a discourse marker.
        k = clause_start_kind(words, names, skip_fillers(words, i + 1))
        if k is not None and (k.startswith("inv") or ack_run(words, 0, i)):
            return k
        if k is not None and k.startswith("drop") and w in {"so", "okay"}:
            return k  # "ha classic okay you ready to go"
        return None
    if w in AUX_OPEN and ack_run(words, 0, i) and inversion_at(words, names, i):
        return "inv:after-ack"
    if w == "or":
        # "you want lunch or are you slammed": the second half of an alternative question.
        j = skip_fillers(words, i + 1)
        return "inv:or" if j < n and words[j] in AUX_OPEN and inversion_at(words, names, j) else None
    if w in WH and _mid_wh(words, names, i):
        return "inv:mid-wh"
    if w == "how" and _mid_how(words, names, i):
        return "inv:mid-how"
    if _mid_aux(words, i):
        return "inv:mid-aux"
    if w in WH and _mid_subject_wh(words, names, i, first):
        return "weak:mid-wh-subject"
    return None


def _verb_before(words: Sequence[str], i: int) -> bool:
    """Say whether the word before ``i`` looks like a verb taking the wh-clause as object ("fixed what's broken")."""
    prev = words[i - 1]
    if prev.endswith("ed") and len(prev) > 4:
        return True
    return prev.endswith("ing") and not (i >= 2 and words[i - 2] in DETERMINERS)  # "the pricing" is a noun


def _mid_subject_wh(words: Sequence[str], names: Sequence[bool], i: int, first: int) -> bool:
    """Say whether a subject wh-question starts at ``i`` inside a run ("... what happens to the crew").

    Two cases: "what happens/happened", which asks wherever it is not embedded
    or a cleft; and any wh-clause after a leading "when/if" clause ("when a part
    fails who gets the call"), far enough from it not to be a relative clause.
    """
    prev = words[i - 1]
    if prev in EMBEDDING or prev in _OBJECTS or (prev == "like" and i >= 2 and words[i - 2] in _LIKE_COMPARE):
        return False
    if _verb_before(words, i):
        return False
    n1 = words[i + 1] if i + 1 < len(words) else ""
    w = words[i]
    if w == "what" and n1 in {"happens", "happened"}:
        return not pseudo_cleft(words, i)
    if words[first] not in _LEAD or n1 == "to" or i - first < (5 if w == "who" else 3):
        return False
    kind = clause_start_kind(words, names, i)
    return kind is not None and not kind.startswith("req")  # not "when they see how much it costs"


def _tag_question(words: Sequence[str], first: int) -> str | None:
    """Give the tag-question rule that the end of the sentence fires, or None."""
    end = len(words)
    while end > 0 and (words[end - 1] in {".", "!", "?"} or words[end - 1] in CLOSERS):
        end -= 1
    if end < 2:
        return None
    last = words[end - 1]
    before = words[end - 2]
    after_comma = before in {",", "-", "--", "—", "–"} and end >= 4
    if after_comma and (last in TAG_STRONG or (last in TAG_WORDS and words[-1] == "?")):
        return "req:tag"
    if (
        last in {"right", "correct"}
        and end == len(words)  # unpunctuated: a written "forms right." is an adverb
        and before not in NOT_TAG_BEFORE
        and end - first >= 3  # "ha yeah mondays right": too short to be a claim with a tag
        and end >= 4
        and before not in FILLERS
    ):
        return "req:tag-asr"
    if end >= 3 and words[end - 2] == "not" and words[end - 3] in AUX_OPEN and last in MID_SUBJECTS:
        return "req:tag-negative"
    for k in range(max(0, end - 5), end):
        phrase = longest_at(TAIL_PHRASES, words, k) if words[k] in TAIL_PHRASES else ()
        if phrase and k + len(phrase) == end:
            return "req:tag-phrase"
    return None


def _question_mark(words: Sequence[str]) -> str | None:
    """Give ``"?"`` when the sentence ends in a question mark that is the speaker's own."""
    end = len(words)
    closed = False
    while end > 0 and words[end - 1] in CLOSERS:
        end -= 1
        closed = True
    if end == 0 or words[end - 1] not in {"?", "?!", "!?", "??"}:
        return None
    if closed:
        # `He asked "why now?"` reports someone else's question.
        for k in range(end - 1):
            if words[k] in REPORTING and k + 1 < end and words[k + 1] in {'"', "“", "'", ":", ","}:
                return None
    return "?"


def question_cue(words: Sequence[str], names: Sequence[bool] | None = None) -> str | None:
    """Give the name of the rule that makes this sentence a question, or None for a statement.

    ``words`` are the sentence's normalised tokens; ``names[k]`` says token ``k``
    looks like a proper name (title case in mixed-case text), which lets
    "did Acme sign" count as inversion.
    """
    n = len(words)
    if n == 0:
        return None
    if names is None:
        names = _NO_NAMES if n <= len(_NO_NAMES) else [False] * n
    first = skip_fillers(words, 0)
    if first < n and match_at(RHETORICAL, words, first):
        return None
    mark = _question_mark(words)
    if mark:
        return mark
    strict = words[-1] in {".", "!"}
    kind = clause_start_kind(words, names, first)
    if kind is not None and (not strict or not kind.startswith(("weak", "drop"))):
        return kind
    scan = _SCAN_WORDS
    for i in list(compress(range(n), map(scan.__contains__, words))):
        w = words[i]
        if (
            match_at(ANYWHERE, words, i)
            and not (w in AUX_OPEN and i > 0 and words[i - 1] in NOT_BEFORE_AUX)
            and not blocked_request(words, i)
        ):
            return "req:phrase"
        if i > first:
            k = _later_clause(words, names, i, first)
            if k is not None and (not strict or not k.startswith("weak")):
                return k
    return _tag_question(words, first)
