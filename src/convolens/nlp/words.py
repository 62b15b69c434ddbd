"""Word classes shared by sentence splitting and question detection.

Everything here works on *normalised* token strings (see :func:`normalise`):
spaCy's ``norm_`` plus a few fixes for speech-recognition spellings, so
"whats", "what's" and "What is" all reach the rules in the same shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

# spaCy's tokenizer splits "whats" into "what" + "s" and "im" into "i" + "m"; the
# norms of those pieces differ from the apostrophe forms, so fold them together.
_NORM_FIX: dict[str, str] = {
    "s": "'s",
    "m": "am",
    "'m": "am",
    "y'": "you",
    "y'all": "you",
    "yall": "you",
    "ya": "you",
    "u": "you",
    "ur": "your",
    "cuz": "because",
    "cos": "because",
    "'cause": "because",
    "ok": "okay",
    "k": "okay",
    "yea": "yeah",
    "ai": "is",
    "wanna": "want",
    "nt": "not",
    "n't": "not",
    "whaddya": "what",
    "?": "?",
}


def word_set(text: str) -> frozenset[str]:
    """Give the set of space-separated words in ``text`` (compact tables of words)."""
    return frozenset(text.split())


def normalise(norm: str) -> str:
    """Give the rule-level form of one token's ``norm_``."""
    return _NORM_FIX.get(norm, norm)


def normalise_all(norms: Iterable[str]) -> list[str]:
    """Give the rule-level forms of a sequence of ``norm_`` strings."""
    fix = _NORM_FIX
    return [fix.get(n, n) for n in norms]


WH: frozenset[str] = frozenset({"what", "when", "where", "who", "whom", "why", "how", "which", "whose"})

#: auxiliaries that can open an inverted (yes/no) question.
AUX_OPEN: frozenset[str] = frozenset(
    {
        "do",
        "does",
        "did",
        "is",
        "are",
        "was",
        "were",
        "am",
        "can",
        "could",
        "will",
        "would",
        "should",
        "shall",
        "may",
        "might",
        "must",
        "have",
        "has",
        "had",
    }
)
#: auxiliaries, including the clitic forms that follow a wh-word ("what's", "who'd").
AUX: frozenset[str] = AUX_OPEN | {"'s", "'re", "are", "will", "'d", "have", "'ve", "'ll"}

#: words that can be the subject right after an inverted auxiliary.
SUBJECT_PRONOUNS: frozenset[str] = frozenset(
    {
        "i",
        "you",
        "we",
        "they",
        "he",
        "she",
        "it",
        "there",
        "that",
        "this",
        "these",
        "those",
        "everyone",
        "everybody",
        "anyone",
        "anybody",
        "someone",
        "somebody",
        "people",
        "folks",
    }
)
DETERMINERS: frozenset[str] = frozenset(
    {"the", "your", "their", "our", "his", "her", "its", "my", "any", "some", "all", "each", "every", "this", "that"}
)
SUBJECT_START: frozenset[str] = SUBJECT_PRONOUNS | DETERMINERS

#: leading words that do not change what a clause is ("so, um, when do they sign").
FILLERS: frozenset[str] = frozenset(
    {
        "so",
        "and",
        "but",
        "or",
        "okay",
        "um",
        "umm",
        "uh",
        "uhm",
        "er",
        "erm",
        "ah",
        "oh",
        "well",
        "like",
        "alright",
        "right",
        "yeah",
        "yes",
        "yep",
        "yup",
        "no",
        "now",
        "then",
        "hey",
        "hmm",
        "mm",
        "mhm",
        "also",
        "anyway",
        "anyways",
        "just",
        "actually",
        "basically",
        "honestly",
        "sorry",
        "listen",
        "look",
        "cool",
        "great",
        "perfect",
        "sure",
        "gotcha",
        "awesome",
        "nice",
        "interesting",
        "wait",
        "ha",
        "haha",
        "aw",
        "aww",
        "hi",
        "hello",
        "roughly",
        "realistically",
        "seriously",
        "frankly",
        "",
    }
)
#: punctuation skipped at clause starts.
SKIP_PUNCT: frozenset[str] = frozenset({",", "-", "--", "—", "–", "...", "…", '"', "'", "“", "”", "‘", "’", "(", ":"})

#: discourse markers that can open a new thought in an unpunctuated run.
MARKERS: frozenset[str] = frozenset({"so", "and", "but", "okay", "alright", "now", "anyway", "anyways", "well", "also"})

#: single words that end an acknowledgement ("okay", "got it", "makes sense").
ACK_END: frozenset[str] = frozenset(
    {
        "okay",
        "yeah",
        "yep",
        "yup",
        "yes",
        "right",
        "sure",
        "great",
        "cool",
        "perfect",
        "gotcha",
        "awesome",
        "nice",
        "thanks",
        "totally",
        "absolutely",
        "exactly",
        "interesting",
        "alright",
        "fair",
        "understood",
        "good",
        "fine",
        "noted",
        "excellent",
        "wonderful",
        "lovely",
        "brilliant",
        "hmm",
        "mhm",
        "um",
        "uh",
    }
)
#: two-word acknowledgements, by their last word's predecessor.
ACK_BIGRAMS: frozenset[tuple[str, str]] = frozenset(
    {
        ("got", "it"),
        ("makes", "sense"),
        ("sounds", "good"),
        ("sounds", "great"),
        ("i", "see"),
        ("thank", "you"),
        ("fair", "enough"),
        ("that's", "fair"),
        ("'s", "fair"),
        ("all", "right"),
        ("for", "sure"),
        ("of", "course"),
        ("no", "worries"),
        ("good", "morning"),
        ("good", "afternoon"),
        ("good", "evening"),
    }
)

SENTENCE_END: frozenset[str] = frozenset({".", "!", "?", "…", "?!", "!?", "??", "!!", "...", ";"})
CLOSERS: frozenset[str] = frozenset({'"', "'", "”", "’", ")", "]", "»"})


def ends_ack(words: Sequence[str], i: int) -> bool:
    """Say whether the words up to and including index ``i`` end with an acknowledgement."""
    if i < 0:
        return False
    if words[i] in ACK_END:
        return True
    return i >= 1 and (words[i - 1], words[i]) in ACK_BIGRAMS


def ack_run(words: Sequence[str], lo: int, hi: int) -> bool:
    """Say whether ``words[lo:hi]`` is a bare acknowledgement ("okay got it", "yeah, sure").

    The run must end in an acknowledgement and hold nothing but fillers and
    acknowledgements back to ``lo`` or to the last punctuation mark, so that
    "what's interesting is" does not count as one.
    """
    if hi <= lo or not ends_ack(words, hi - 1):
        return False
    k = hi - 1
    while k >= lo:
        w = words[k]
        if w in SKIP_PUNCT or w in SENTENCE_END:
            return True
        if k > lo and (words[k - 1], w) in ACK_BIGRAMS:
            k -= 2
        elif w in ACK_END or w in FILLERS:
            k -= 1
        else:
            return False
    return True
