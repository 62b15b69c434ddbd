"""Phrase and word tables for question detection, and matching them against tokens.

Everything is written in normalised form (:func:`convolens.nlp.words.normalise`):
"i'm" is "i am", "I'd" is "i 'd", "don't" is "do not". Phrase lists are
``|``-separated and kept as a trie indexed by their first word, so matching at a
position is a dictionary look-up per word matched.
"""

from __future__ import annotations

from collections.abc import Sequence

from .words import SUBJECT_PRONOUNS, word_set

#: a phrase trie node: the phrase that ends here (None: none), and the nodes after it by next word.
PhraseNode = tuple["tuple[str, ...] | None", "dict[str, PhraseNode] | None"]
#: phrases by their first word, each word leading on to the next (a trie).
PhraseIndex = dict[str, PhraseNode]


def compile_phrases(phrases: str) -> PhraseIndex:
    """Give the phrases of a ``|``-separated list, indexed by their first word (then word by word)."""
    tree: dict[str, dict[str, object]] = {}
    for phrase in phrases.split("|"):
        words = tuple(phrase.split())
        if not words:
            continue
        node = tree.setdefault(words[0], {})
        for word in words[1:]:
            node = node.setdefault(word, {})  # type: ignore[assignment]
        node[""] = words  # "" is never a word of a phrase
    return {first: _node(node) for first, node in tree.items()}


def _node(node: dict[str, object]) -> PhraseNode:
    after = {word: _node(child) for word, child in node.items() if word}  # type: ignore[arg-type]
    ends = node.get("")
    return (ends if isinstance(ends, tuple) else None), (after or None)


def longest_at(index: PhraseIndex, words: Sequence[str], i: int) -> tuple[str, ...]:
    """Give the longest indexed phrase that starts at ``i`` (empty when none)."""
    node = index.get(words[i])
    longest: tuple[str, ...] = ()
    n = len(words)
    while node is not None:
        ends, after = node
        if ends is not None:
            longest = ends
        i += 1
        if after is None or i >= n:
            break
        node = after.get(words[i])
    return longest


def match_at(index: PhraseIndex, words: Sequence[str], i: int) -> bool:
    """Say whether one of the indexed phrases starts at position ``i``."""
    return words[i] in index and bool(longest_at(index, words, i))


_ASK_WORDS = ("what", "how", "if", "whether", "who", "when", "why", "where", "which")
# "it would help to know what ...": only with the question it introduces ("good to know" is an acknowledgement).
_TO_KNOW = "".join(f"|{lead} to know {wh}" for lead in ("help", "helpful", "useful", "good") for wh in _ASK_WORDS)

# Requests for information that make a question wherever they occur.
ANYWHERE = compile_phrases(
    "i am curious|just curious|curious what|curious how|curious why|curious if|curious whether|curious about"
    "|curious to know|curious to hear|curious who|curious when|i wonder|i was wondering|i am wondering|wondering if"
    "|wondering whether|wondering what|wondering how|wondering why|wondering who|wondering when"
    "|kinda wondering|kind of wondering|been wondering|always wondered|i wondered"
    "|i 'd love to hear|i 'd love to know|i 'd love to understand|i 'd love to learn|would love to hear"
    "|would love to know|would love to understand|would love to learn|love to hear more|i 'd like to understand"
    "|i 'd like to know|i 'd like to hear|i would like to know|i would like to understand|i want to understand"
    "|really like to hear|really like to know|really like to understand"
    "|i want to know|want to understand|i need to understand|i am trying to understand|help me understand"
    "|'d need to know|'d want to know|'d need to understand|'d want to understand"
    "|keen to hear|keen to understand|keen to know|keen to learn"
    "|appreciate hearing|appreciate knowing|appreciate understanding"
    "|trying to figure out how|trying to figure out what|trying to figure out why|trying to figure out whether"
    "|trying to figure out if|trying to figure out who|trying to figure out where|trying to figure out when"
    "|trying to figure out which|your help figuring|your help understanding|help me figure"
    "|hoping you could|hoping you can|hoping you 'd|hoping you would|hoping you might"
    "|get your take|get your read|get your thoughts|get your opinion|get your input|get your advice"
    "|get your view|like your take|want your take|love your take|like your read|like your thoughts"
    "|want your thoughts|love your thoughts|like your opinion|your take on|your read on"
    "|help me get a sense|tell me about|tell me more|tell me how|tell me what|tell me why|tell me when"
    "|tell me a little|tell me a bit|tell me who|tell me where|tell me if|tell me whether|walk me through|talk me through"
    "|run me through|take me through|fill me in|give me a sense|give me an idea|give me a feel|paint a picture"
    "|paint me a picture|my question is|question for you|quick question|one more question|let me ask|can i ask"
    "|could i ask|what i am asking|i guess the question is|i suppose the question is|the question for you is"
    "|may i ask|mind if i ask|let me know what|let me know when|let me know how|let me know who"
    "|let me know whether|any idea|any ideas|any sense|any thoughts|any update|any updates|do you know"
    "|do you think|do you have|do you guys|do we know|do they know|did they say|did they mention"
    "|can you tell|can you share|can you walk|could you tell|could you share|could you walk|would you say"
    "|would you agree|is that right|is that correct|is that accurate|is that fair|is that true"
    "|does that make sense|does that sound|am i right|am i wrong|am i missing|what about|how about|is that still"
    "|is that the case|is that still the case|is that still true|is that so|is that a fair"
    "|say more about|say a little more|unpack that|elaborate on|share a bit|share more" + _TO_KNOW
)

# Openers that ask for information when they start a clause.
OPENERS = compile_phrases(
    "explain|describe|clarify|define|elaborate|remind me|share with me|help me|give me|talk to me about"
    "|any chance|any concerns|any questions|any feedback|any news|any word|any movement|any progress|any luck"
    "|any blockers|any risks|any pushback|any objections|any plans|any changes|any other|anything else"
    "|any shot|any way|any reason|any interest|any appetite|any room|any flexibility|any wiggle"
    "|lay out for me|lay it out for me|sketch out for me|spell out for me|map out for me|break down for me"
    "|break it down for me|why now|anything i can|anything we can|anything you want|anything i should"
    "|anything you 'd like"
    "|anyone else|anybody else|someone else|how so|why so|how come|says who|what else|who else|why not"
    "|what if|what kind|what sort|what type|which one|which ones"
)

RHETORICAL = compile_phrases(
    "who knows|who cares|guess what|you know what|know what|go figure|what can i say|how cool is that"
    "|how awesome is that|how great is that|how crazy is that|how nice is that|what do you know"
    "|how about that|what the heck|what the hell|how dare"
)

TAIL_PHRASES = compile_phrases(
    "is that right|is that correct|is that fair|is that true|is that accurate|is that okay|does that make sense"
    "|that make sense|make sense|sound good|sound right|sound fair|you with me|am i right|am i wrong|or not|or no"
    "|or what|or nah|know what i mean|you know what i mean"
)

#: words after "how" that make a degree/amount question ("how much", "how long").
HOW_DEGREE = word_set(
    "much many long often soon far big fast quickly large small old frequently likely important bad"
    " serious confident sure quick early late close high low hard easy painful critical expensive urgent"
    " real committed involved"
)
#: after "what's"/"what is": an adjective that, followed by "is", makes a pseudo-cleft statement.
CLEFT_ADJ = word_set(
    "more funny interesting important great cool nice crazy weird tricky hard key clear different good"
    " bad worse scary amazing awesome wild cool frustrating exciting nice tough"
)
TAG_WORDS = frozenset({"right", "correct", "huh", "eh", "true", "fair", "innit", "yes", "yeah", "no", "okay"})
TAG_STRONG = frozenset({"right", "correct", "huh", "eh", "true", "fair", "innit"})
#: words before a final "right" that make it an adjective, not a tag ("that's right").
NOT_TAG_BEFORE = word_set(
    "that 's is are was were am be you we they exactly all alright just quite absolutely it this thing"
    " things them me us him her done do doing did totally so"
)
MID_SUBJECTS = frozenset({"i", "you", "we", "they", "he", "she", "it", "there"})
#: subjects that, after a mid-run "wh + auxiliary", make a direct question ("... what's the plan").
MID_WH_SUBJECTS = MID_SUBJECTS | word_set("that this these those the your their our his her my its")
#: words before a wh-word that embed it in a statement ("I asked how do they ...").
EMBEDDING = word_set(
    "ask asked asking asks know knows knew tell told telling tells wonder sure see saw understand remember"
    " forget forgot explain explained show shows decide figure out about on is 's was of to that reason"
    " matter idea clue guess check depends depend with for from not exactly into at after"
    " since given because despite before hear heard learn learned find love loved realize notice measure compare"
)
#: words before "do you know" that make it part of a statement ("if you do you have to").
NOT_BEFORE_AUX = SUBJECT_PRONOUNS | {"if", "when", "as", "than", "what", "how", "where", "why", "who", "which"}
REPORTING = frozenset({"said", "asked", "says", "asks", "goes", "went", "like", "told", "tells", "wrote"})
RELATIVE_AFTER_WHICH = word_set(
    "means meant makes made gives gave leaves left puts helps helped is was will would could can should"
    " has had 's sounds"
)

# "give me a sec", "remind me to", "tell me about it": requests for time or action, or idioms.
_PAUSE_WORDS = word_set(
    "sec secs second seconds minute minutes min mins moment moments tick call ring shout buzz break"
)
_AGREE_LEAD = word_set("yeah yes yep yup oh ha haha lol ugh man god boy dude right mm mhm uh um ah totally , -")
_AGREE_TAIL = word_set(". ! , haha lol man dude")
_IMPERATIVE_ASK = word_set("tell give walk talk run take fill help show")
_NEGATIVE_SUBJECTS = word_set("nobody noone one none i he she they we people")


def blocked_request(words: Sequence[str], i: int) -> bool:
    """Say whether a request phrase at ``i`` is an idiom, a pause or a statement, not a request."""
    n = len(words)
    w = words[i]
    nxt = words[i + 1] if i + 1 < n else ""
    if w in {"give", "remind"} and nxt == "me":
        k = i + 2
        if k < n and words[k] == "to":
            return True  # "remind me to expense it"
        if k < n and words[k] in {"a", "one", "two", "few", "couple", "like"}:
            while k < n and words[k] in {"a", "one", "two", "few", "couple", "of", "like", "quick", "little"}:
                k += 1
            return k < n and words[k] in _PAUSE_WORDS  # "give me a sec", "give me one second"
    # "ugh, tell me about it": agreement, when it answers with nothing after it.
    if (
        w == "tell"
        and tuple(words[i + 1 : i + 4]) == ("me", "about", "it")
        and 0 < i <= 4
        and all(p in _AGREE_LEAD for p in words[:i])
        and all(r in _AGREE_TAIL for r in words[i + 4 :])
    ):
        return True
    if w in _IMPERATIVE_ASK and i > 0:
        prev = words[i - 1]
        if prev in {"not", "never"} or prev in _NEGATIVE_SUBJECTS:
            return True  # "don't tell me X", "they tell me about it all the time"
        if i > 1 and prev in {"can", "could", "will", "would"} and words[i - 2] in {"nobody", "one", "none"}:
            return True  # "nobody can tell me why"
    return False
