"""Sentence boundaries for clean text and for unpunctuated speech-recognition output.

:func:`sentence_starts` gives one flag per token. Punctuation and line breaks
split as usual. In a run with no punctuation it also splits, conservatively,
where a new clause clearly begins:

* before a discourse marker ("so", "and", "but", "okay", ...) that opens an
  inverted question: "okay got it | so when do you think they sign";
* right after an acknowledgement ("okay", "yeah", "got it", "makes sense")
  when what follows is an inverted question: "yeah | do they have budget";
* after an acknowledgement, before "so"/"but"/"okay"/"anyway" + a subject
  pronoun: "okay got it | so we need the order form".

Anything else stays in one sentence: ordinary clauses joined by "and" or
"so" are not split, because a wrong split moves words away from the question
they belong to.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import compress, islice
from operator import and_, or_

from .question_clauses import clause_start_kind, skip_fillers
from .words import ACK_BIGRAMS, ACK_END, AUX_OPEN, CLOSERS, MARKERS, SENTENCE_END, SUBJECT_PRONOUNS, WH, ack_run

_NEW_THOUGHT = frozenset({"so", "but", "okay", "alright", "anyway", "anyways"})
#: a token can start a sentence only after one of these or, in an unpunctuated run, when it is
#: a marker or one of _LATE_OPENERS right after a word of _ACK_LAST (see _asr_split); other
#: tokens are not looked at.
_BREAKS = SENTENCE_END | CLOSERS | {"", "\n"}
_LATE_OPENERS = (AUX_OPEN | WH) - MARKERS
#: the last word of every acknowledgement: _asr_split splits before an auxiliary or wh-word only after one.
_ACK_LAST = ACK_END | {last for _, last in ACK_BIGRAMS}
_RELATIVE_WH = frozenset({"which", "who", "whom", "whose"})
_NO_SPLIT_AFTER = WH | {"and", "or", "but", "so", "to", "the", "a", "an", "of", "if", "than", "as"}
_NO_NAMES = (False,) * 256  # names for the usual call without them (read only)


def _asr_split(words: Sequence[str], names: Sequence[bool], i: int, cur: int) -> bool:
    """Say whether an unpunctuated run should start a new sentence at ``i``."""
    w = words[i]
    prev = words[i - 1]
    if prev in _NO_SPLIT_AFTER:
        return False
    if w in MARKERS:
        j = skip_fillers(words, i + 1)
        kind = clause_start_kind(words, names, j)
        if ack_run(words, cur, i):
            if kind is not None:
                return True
        elif j < len(words) and words[j] in _RELATIVE_WH:
            kind = None  # "... anyway which is its own problem": a relative clause, not a question
        if kind is not None and (kind.startswith("inv") or kind == "req:opener"):
            return True
        if w in _NEW_THOUGHT and ack_run(words, cur, i):
            nxt = words[i + 1] if i + 1 < len(words) else ""
            return nxt in SUBJECT_PRONOUNS or nxt in {"let", "i", "what", "how"}
        return False
    if (w in AUX_OPEN or w in WH) and ack_run(words, cur, i):
        kind = clause_start_kind(words, names, i)
        return kind is not None and kind.startswith("inv")
    return False


def sentence_starts(words: Sequence[str], names: Sequence[bool] | None = None, *, split_asr: bool = True) -> list[bool]:
    """Give, for each token, whether it starts a sentence.

    ``words`` are normalised tokens (whitespace tokens holding a line break
    are ``"\\n"``, other whitespace ``""``); ``names`` flags proper-name-looking
    tokens, as for :func:`convolens.nlp.questions.question_cue`.
    """
    n = len(words)
    starts = [False] * n
    if n == 0:
        return starts
    starts[0] = True
    if names is None:
        names = _NO_NAMES if n <= len(_NO_NAMES) else [False] * n
    cur = 0
    # Tokens after a break, markers, and auxiliaries or wh-words after what may end an acknowledgement,
    # found with C-level loops (this runs for every turn).
    looked_at = map(_BREAKS.__contains__, words)  # the flag of token i + 1: what token i is
    if split_asr:
        marker = map(MARKERS.__contains__, islice(words, 1, None))
        after_ack = map(
            and_, map(_LATE_OPENERS.__contains__, islice(words, 1, None)), map(_ACK_LAST.__contains__, words)
        )
        looked_at = map(or_, looked_at, map(or_, marker, after_ack))
    candidates = list(compress(range(1, n), looked_at))
    for i in candidates:
        prev = words[i - 1]
        w = words[i]
        if w in CLOSERS or w in SENTENCE_END or w == "" or w == "\n":
            continue  # punctuation and blanks stay with the sentence they close
        if prev in SENTENCE_END or prev == "\n":
            starts[i] = True
        elif prev in CLOSERS or prev == "":
            # `He said "no." Then ...`: look back past closing quotes and blanks.
            k = i - 1
            while k > 0 and (words[k] in CLOSERS or words[k] == ""):
                k -= 1
            starts[i] = words[k] in SENTENCE_END or words[k] == "\n"
        elif split_asr and _asr_split(words, names, i, cur):
            starts[i] = True
        if starts[i]:
            cur = i
    return starts
