"""Rules that say whether a sentence asks a question, with or without a ``?``.

The rules look at normalised token strings (:func:`convolens.nlp.words.normalise`)
so they work on clean text and on lower-case, unpunctuated speech-recognition
output alike. :func:`question_cue` gives the name of the rule that fired, or
``None`` for a statement; the spaCy component only needs its truth value, the
name is for tests and for explaining a decision.

Signals are *strong* (inversion, wh-word + auxiliary, requests for information,
tag questions) or *weak* (a subject wh-question such as "who signs"). A sentence
that ends in ``.`` or ``!`` needs a strong signal: the writer chose not to put
``?``, so only grammar that is unmistakably interrogative overrides that.
"""

from __future__ import annotations

from collections.abc import Sequence

from .words import (
    AUX,
    AUX_OPEN,
    CLOSERS,
    DETERMINERS,
    FILLERS,
    MARKERS,
    SKIP_PUNCT,
    SUBJECT_PRONOUNS,
    SUBJECT_START,
    WH,
    ack_run,
    word_set,
)


def _compile(phrases: str) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Give the phrases of a ``|``-separated list, indexed by their first word."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases.split("|"):
        words = tuple(phrase.split())
        if words:
            index.setdefault(words[0], []).append(words)
    return {first: tuple(sorted(group, key=len, reverse=True)) for first, group in index.items()}


# Requests for information that make a question wherever they occur. Written in
# normalised form: "i'm" is "i am", "I'd" is "i 'd", "don't" is "do not".
_ANYWHERE = _compile(
    "i am curious|just curious|curious what|curious how|curious why|curious if|curious whether|curious about"
    "|curious to know|curious to hear|curious who|curious when|i wonder|i was wondering|i am wondering|wondering if"
    "|wondering whether|wondering what|wondering how|wondering why|wondering who|wondering when"
    "|i 'd love to hear|i 'd love to know|i 'd love to understand|i 'd love to learn|would love to hear"
    "|would love to know|would love to understand|would love to learn|love to hear more|i 'd like to understand"
    "|i 'd like to know|i 'd like to hear|i would like to know|i would like to understand|i want to understand"
    "|i want to know|want to understand|i need to understand|i am trying to understand|help me understand"
    "|help me get a sense|tell me about|tell me more|tell me how|tell me what|tell me why|tell me when"
    "|tell me who|tell me where|tell me if|walk me through|talk me through|run me through|take me through"
    "|fill me in|give me a sense|give me an idea|give me a feel|paint a picture|paint me a picture"
    "|my question is|question for you|quick question|one more question|let me ask|can i ask|could i ask"
    "|may i ask|mind if i ask|let me know what|let me know when|let me know how|let me know who"
    "|let me know whether|any idea|any ideas|any sense|any thoughts|any update|any updates|do you know"
    "|do you think|do you have|do you guys|do we know|do they know|did they say|did they mention"
    "|can you tell|can you share|can you walk|could you tell|could you share|could you walk|would you say"
    "|would you agree|is that right|is that correct|is that accurate|is that fair|is that true"
    "|does that make sense|does that sound|am i right|am i wrong|am i missing|what about|how about|is that still"
    "|is that the case|is that still the case|is that still true|is that so|is that a fair"
    "|say more about|say a little more|unpack that|elaborate on|share a bit|share more"
)

# Openers that ask for information when they start a clause.
_OPENERS = _compile(
    "explain|describe|clarify|define|elaborate|remind me|share with me|help me|give me|talk to me about"
    "|any chance|any concerns|any questions|any feedback|any news|any word|any movement|any progress|any luck"
    "|any blockers|any risks|any pushback|any objections|any plans|any changes|any other|anything else"
    "|anyone else|anybody else|someone else|how so|why so|how come|says who|what else|who else|why not"
    "|what if|what kind|what sort|what type|which one|which ones"
)

_RHETORICAL = _compile(
    "who knows|who cares|guess what|you know what|know what|go figure|what can i say|how cool is that"
    "|how awesome is that|how great is that|how crazy is that|how nice is that|what do you know"
    "|how about that|what the heck|what the hell|how dare"
)

#: words after "how" that make a degree/amount question ("how much", "how long").
_HOW_DEGREE = word_set(
    "much many long often soon far big fast quickly large small old frequently likely important bad"
    " serious confident sure quick early late close high low hard easy painful critical expensive urgent"
    " real committed involved"
)
#: after "what's"/"what is": an adjective that, followed by "is", makes a pseudo-cleft statement.
_CLEFT_ADJ = word_set(
    "more funny interesting important great cool nice crazy weird tricky hard key clear different good"
    " bad worse scary amazing awesome wild cool frustrating exciting nice tough"
)
_TAG_WORDS = frozenset({"right", "correct", "huh", "eh", "true", "fair", "innit", "yes", "yeah", "no", "okay"})
_TAG_STRONG = frozenset({"right", "correct", "huh", "eh", "true", "fair", "innit"})
#: words before a final "right" that make it an adjective, not a tag ("that's right").
_NOT_TAG_BEFORE = word_set(
    "that 's is are was were am be you we they exactly all alright just quite absolutely it this thing"
    " things them me us him her done do doing did totally so"
)
_TAIL_PHRASES = _compile(
    "is that right|is that correct|is that fair|is that true|is that accurate|is that okay|does that make sense"
    "|that make sense|make sense|sound good|sound right|sound fair|you with me|am i right|am i wrong|or not|or no"
    "|or what|or nah|know what i mean|you know what i mean"
)
_MID_SUBJECTS = frozenset({"i", "you", "we", "they", "he", "she", "it", "there"})
_EMBEDDING = word_set(
    "ask asked asking asks know knows knew tell told telling wonder sure see saw understand remember forget"
    " explain explained show decide figure out about on is 's was of to that"
)
#: words before "do you know" that make it part of a statement ("if you do you have to").
_NOT_BEFORE_AUX = SUBJECT_PRONOUNS | {"if", "when", "as", "than", "what", "how", "where", "why", "who", "which"}
_REPORTING = frozenset({"said", "asked", "says", "asks", "goes", "went", "like", "told", "tells", "wrote"})
_RELATIVE_AFTER_WHICH = word_set(
    "means meant makes made gives gave leaves left puts helps helped is was will would could can should"
    " has had 's sounds"
)


def _match_at(index: dict[str, tuple[tuple[str, ...], ...]], words: Sequence[str], i: int) -> bool:
    """Say whether one of the indexed phrases starts at position ``i``."""
    group = index.get(words[i])
    if group is None:
        return False
    n = len(words)
    for phrase in group:
        k = len(phrase)
        if i + k <= n and tuple(words[i : i + k]) == phrase:
            return True
    return False


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


def _subject_at(words: Sequence[str], names: Sequence[bool], k: int) -> bool:
    """Say whether position ``k`` can begin the subject of an inverted clause."""
    return k < len(words) and (words[k] in SUBJECT_START or names[k])


def _inversion_at(words: Sequence[str], names: Sequence[bool], j: int) -> bool:
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
    return _subject_at(words, names, k)


# Auxiliaries that open a question even before a bare noun subject, as speech
# recognition writes it ("is procurement going to slow us down", "did finance
# approve it"). Not "was/were" ("was great"), nor modals and "have", which open
# subject-less statements and imperatives ("should work", "have legal look").
_BARE_SUBJECT_AUX = frozenset({"is", "are", "does", "did", "has"})
_NOT_BARE_SUBJECT = frozenset(
    [
        "a",
        "an",
        "it",
        "that",
        "this",
        "what",
        "there",
        "not",
        "been",
        "being",
        "so",
        "very",
        "really",
        "just",
        "also",
        "still",
        "always",
        "never",
        "great",
        "good",
        "fine",
        "okay",
        "ok",
        "well",
        "better",
        "worse",
        "nice",
        "huge",
        "important",
        "done",
        "gone",
        "all",
        "more",
        "less",
        "about",
        "like",
        "one",
        "much",
        "many",
        "too",
    ]
)


def _bare_subject_inversion(words: Sequence[str], j: int) -> bool:
    """Say whether an auxiliary at ``j`` is followed by a bare noun subject and a clause."""
    if words[j] not in _BARE_SUBJECT_AUX:
        return False
    k = j + 2 if j + 1 < len(words) and words[j + 1] == "not" else j + 1
    if len(words) - k < 3:  # subject plus at least two more words: "is legal done" is too short to trust
        return False
    subj = words[k]
    if not subj.isalpha() or subj in _NOT_BARE_SUBJECT:
        return False
    return not (words[j] in {"is", "are"} and subj.endswith(("ing", "ed")))


def clause_start_kind(words: Sequence[str], names: Sequence[bool], j: int) -> str | None:
    """Give the question rule that a clause starting at ``j`` fires, or None.

    Strong rule names start with ``"inv"`` when the clause has subject-auxiliary
    inversion (safe to trust mid-sentence), with ``"req"`` for a request for
    information; weak ones with ``"weak"``.
    """
    n = len(words)
    if j >= n:
        return None
    w = words[j]
    if _match_at(_OPENERS, words, j):
        return "req:opener"
    if w in AUX_OPEN:
        if _inversion_at(words, names, j):
            return "inv:aux-subject"
        return "inv:aux-noun" if _bare_subject_inversion(words, j) else None
    if w not in WH:
        return None
    n1 = words[j + 1] if j + 1 < n else ""
    n2 = words[j + 2] if j + 2 < n else ""
    if n1 == "" or n1 in CLOSERS or n1 == "?":
        return "req:bare-wh"
    if w == "how" and n1 in _HOW_DEGREE:
        return "inv:how-degree" if n2 in AUX else "req:how-degree"
    if n1 in AUX:
        if w == "which" and not _subject_at(words, names, j + 2):
            return None if n1 in _RELATIVE_AFTER_WHICH else "weak:which-aux"
        if w == "what" and n1 in {"'s", "is", "was"} and n2 in _CLEFT_ADJ:
            n3 = words[j + 3] if j + 3 < n else ""
            if n3 in {"is", "'s", "was", "about"}:
                return None  # "what's interesting is ..." states, it does not ask
        return "inv:wh-aux"
    if w in {"what", "which", "whose", "who"}:
        if n1 in SUBJECT_PRONOUNS or n1 in DETERMINERS or n1 in {"a", "an", "i", "not"}:
            return None  # "what they said", "what a call": a free relative or an exclamation
        # "what budget do they have": wh + noun(s) + inverted auxiliary.
        for k in range(j + 1, min(j + 5, n)):
            if words[k] in AUX_OPEN and _inversion_at(words, names, k):
                return "inv:wh-noun-aux"
        if w == "which" and n1 in _RELATIVE_AFTER_WHICH:
            return None
        return "weak:wh-subject"
    return None


def _tag_question(words: Sequence[str]) -> str | None:
    """Give the tag-question rule that the end of the sentence fires, or None."""
    end = len(words)
    while end > 0 and (words[end - 1] in {".", "!", "?"} or words[end - 1] in CLOSERS):
        end -= 1
    if end < 2:
        return None
    last = words[end - 1]
    before = words[end - 2]
    after_comma = before in {",", "-", "--", "—", "–"} and end >= 4
    if after_comma and (last in _TAG_STRONG or (last in _TAG_WORDS and words[-1] == "?")):
        return "req:tag"
    if last in {"right", "correct"} and before not in _NOT_TAG_BEFORE and end >= 4 and before not in FILLERS:
        return "req:tag-asr"
    if end >= 3 and words[end - 2] == "not" and words[end - 3] in AUX_OPEN and last in SUBJECT_PRONOUNS:
        return "req:tag-negative"
    for k in range(max(0, end - 5), end):
        if _match_at(_TAIL_PHRASES, words, k) and k + len(_longest_at(_TAIL_PHRASES, words, k)) == end:
            return "req:tag-phrase"
    return None


def _longest_at(index: dict[str, tuple[tuple[str, ...], ...]], words: Sequence[str], i: int) -> tuple[str, ...]:
    """Give the longest indexed phrase that starts at ``i`` (empty when none)."""
    n = len(words)
    for phrase in index.get(words[i], ()):
        if i + len(phrase) <= n and tuple(words[i : i + len(phrase)]) == phrase:
            return phrase
    return ()


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
            if words[k] in _REPORTING and k + 1 < end and words[k + 1] in {'"', "“", "'", ":", ","}:
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
        names = [False] * n
    first = skip_fillers(words, 0)
    if first < n and _match_at(_RHETORICAL, words, first):
        return None
    mark = _question_mark(words)
    if mark:
        return mark
    strict = words[-1] in {".", "!"}
    kind = clause_start_kind(words, names, first)
    if kind is not None and (not strict or not kind.startswith("weak")):
        return kind
    for i in range(n):
        w = words[i]
        if _match_at(_ANYWHERE, words, i) and not (w in AUX_OPEN and i > 0 and words[i - 1] in _NOT_BEFORE_AUX):
            return "req:phrase"
        if i <= first:
            continue
        if w in {",", ";", ":", "-", "--", "—", "–"}:
            # A clause after a comma: only strong, non-relative starts count.
            k = clause_start_kind(words, names, skip_fillers(words, i + 1))
            if k is not None and not k.startswith("weak"):
                return k
        elif w in MARKERS and (w in {"so", "but", "okay"} or ack_run(words, 0, i)):
            # "okay got it so when do they sign": a new clause after a discourse marker.
            k = clause_start_kind(words, names, skip_fillers(words, i + 1))
            if k is not None and (k.startswith("inv") or ack_run(words, 0, i)):
                return k
        elif w in AUX_OPEN and ack_run(words, 0, i) and _inversion_at(words, names, i):
            return "inv:after-ack"
        # "when you say downtime what do you mean": wh + auxiliary + pronoun is a question
        # even mid-run, unless a verb embeds it ("I asked them how do they ...").
        elif (
            w in WH
            and i + 2 < n
            and words[i + 1] in AUX
            and words[i + 2] in _MID_SUBJECTS
            and words[i - 1] not in _EMBEDDING
        ):
            return "inv:mid-wh"
    return _tag_question(words)
