"""The three convolens components' steps run directly on turns' tokens, without ``nlp.pipe``.

:func:`analyse_directly` is what :func:`convolens.nlp.analyse_turns` runs for the pipeline that
:func:`convolens.nlp.make_nlp` builds on a blank base. It reads each turn as
:class:`~convolens.classifiers.turn_tokens.TurnTokens` (the pipeline tokenizer's tokens, without a
``Doc``), then does what the components do: the sentencizer's :func:`.sentence_starts`, the question
detector's :func:`.question_cue` per sentence, one classifier call per batch of turns and the turn
rule. The results are those ``nlp.pipe`` gives (tests/nlp/test_fast_path.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import compress, pairwise

from ..classifiers.base import FocusClassifier, Prediction, Sentence, TurnSentence
from ..classifiers.chunk_tokenizer import ChunkTokenizer
from ..classifiers.turn_tokens import TokenTable, TurnTokens
from ..model import Focus
from .questions import question_cue
from .sentences import sentence_starts
from .turn import TurnAnalysis, decide_turn
from .words import normalise

#: sentences up to this many characters are remembered by text (see :func:`analyse_directly`) ...
QUESTION_TEXT_CHARS = 120
#: ... and at most this many (the memory is emptied when full).
QUESTION_TEXTS = 20_000
_WORDS = "convolens.nlp.words"


def analyse_directly(
    texts: Sequence[str],
    chunks: ChunkTokenizer,
    classifier: FocusClassifier,
    empty: Callable[[], Prediction],
    *,
    split_asr: bool,
    batch_size: int,
    questions: dict[str, bool],
) -> list[TurnAnalysis]:
    """Give what ``turn_analysis`` gives for each Doc of ``nlp.pipe(texts)``, computed directly.

    ``chunks`` tokenises as the pipeline's tokenizer does; ``empty`` gives the prediction for a turn
    without sentences. ``questions`` remembers, by text, whether sentences that tokenise alone as in
    their turn ask: their words, and so the rules' answer, are then those of the text.
    """
    out: list[TurnAnalysis] = []
    for lo in range(0, len(texts), batch_size):
        sentences: list[TurnSentence] = []
        asked_per_turn: list[list[bool]] = []
        table: TokenTable | None = None
        words_of: list[str] = []
        titles: list[bool] = []
        for turn in chunks.turns(texts[lo : lo + batch_size]):
            types = turn.types
            asked: list[bool] = []
            asked_per_turn.append(asked)
            if not types:
                continue
            if turn.table is not table:
                table = turn.table
                words_of, titles = table.column(_WORDS, _word_of(table)), table.title
            words = list(map(words_of.__getitem__, types))
            n = len(words)
            starts = sentence_starts(words, None, split_asr=split_asr)
            bounds = list(compress(range(n), starts))
            bounds.append(n)
            # Lower-case text (speech recognition's) has no capitalised tokens, so no names.
            names = [] if turn.text.islower() else _names(types, titles, bounds)
            sent_texts, alone = turn_sentence_texts(turn, bounds)
            for (a, b), sent_text, by_itself in zip(pairwise(bounds), sent_texts, alone, strict=True):
                is_question = questions.get(sent_text) if by_itself else None
                if is_question is None:
                    if b - a == n:
                        cue = question_cue(words, names or None)
                    else:
                        cue = question_cue(words[a:b], names[a:b] if names else None)
                    is_question = cue is not None
                    if by_itself and len(sent_text) <= QUESTION_TEXT_CHARS:
                        if len(questions) >= QUESTION_TEXTS:
                            questions.clear()
                        questions[sent_text] = is_question
                asked.append(is_question)
                sentences.append(TurnSentence(turn, a, b, sent_text, by_itself))
        preds = classify_turn_sentences(classifier, sentences, chunks) if sentences else []
        pos = 0
        for asked in asked_per_turn:
            if len(asked) == 1:  # what decide_turn gives for one sentence, without the lists
                question = sentences[pos].text if asked[0] else None
                out.append(_analysis(preds[pos], asked[0], question, 1, int(asked[0])))
            elif asked:
                decision = decide_turn(preds[pos : pos + len(asked)], asked)
                assert decision is not None
                question = sentences[pos + decision.index].text if decision.by_question else None
                out.append(_analysis(decision.prediction, any(asked), question, len(asked), sum(asked)))
            else:
                out.append(_analysis(empty(), False, None, 0, 0))
            pos += len(asked)
    return out


def _word_of(table: TokenTable) -> Callable[[int], str]:
    """Give the rule-level word of a token id: normalised ``norm_``; whitespace is ``"\\n"`` or ``""``."""

    def word(t: int) -> str:
        if table.space[t]:
            return "\n" if "\n" in table.text[t] else ""
        return normalise(table.norm_text[t])

    return word


def _names(types: Sequence[int], titles: Sequence[bool], bounds: Sequence[int]) -> list[bool]:
    """Give which tokens look like proper names (title case, not first in their sentence); empty when none do."""
    flags = list(map(titles.__getitem__, types))
    if True not in flags:
        return []
    for a in bounds[:-1]:
        flags[a] = False
    flags[0] = False
    return flags


def turn_sentence_texts(turn: TurnTokens, bounds: Sequence[int]) -> tuple[list[str], list[bool]]:
    """Give the text of each sentence ``bounds[k]:bounds[k + 1]`` of a turn, and whether it tokenises alone.

    A sentence's text runs from its first token's offset to its last token's end, without the
    space that may follow it (``Span.text``). It tokenises alone, into these same tokens, when it
    begins and ends at whitespace or an edge of the turn.
    """
    text = turn.text
    if len(bounds) == 2:
        # One sentence: all of the text, less a trailing space kept as the last token's whitespace
        # (a whitespace token is never followed by a space of its own).
        last_is_space = turn.table.space[turn.types[-1]]
        return [text[:-1] if text.endswith(" ") and not last_is_space else text], [True]
    n = len(turn)
    offsets, followed = turn.offsets(), turn.followed()
    space, types = turn.table.space, turn.types
    texts = []
    alone = []
    starts_at_edge = True  # the first sentence starts the text
    # What TurnTokens.edges gives, worked out at the sentence boundaries only.
    for a, b in pairwise(bounds):
        if b < n:
            end = offsets[b] - followed[b - 1]
            ends_at_edge = bool(followed[b - 1]) or space[types[b - 1]] or space[types[b]]
        else:
            end = len(text) - followed[-1]
            ends_at_edge = True
        texts.append(text[offsets[a] : end])
        alone.append(starts_at_edge and ends_at_edge)
        starts_at_edge = ends_at_edge
    return texts, alone


def classify_turn_sentences(
    clf: FocusClassifier, sentences: Sequence[TurnSentence], chunks: ChunkTokenizer
) -> list[Prediction]:
    """Give the classifier's prediction for each sentence, by the most direct method it has.

    One without ``predict_turn_sentences`` gets the sentences over the turns' Docs (``chunks`` made
    the turns), as the focus component hands them over.
    """
    by_turns = getattr(clf, "predict_turn_sentences", None)
    if callable(by_turns):
        return list(by_turns(sentences))
    by_sentences = getattr(clf, "predict_sentences", None)
    if callable(by_sentences):
        in_docs = [Sentence(s.turn.doc(), s.start, s.end, s.text, None, s.alone) for s in sentences]
        return list(by_sentences(in_docs, tokenizer=chunks.tokenizer))
    by_spans = getattr(clf, "predict_spans", None)
    if callable(by_spans):
        return list(by_spans([s.turn.doc()[s.start : s.end] for s in sentences]))
    return clf.predict([s.text for s in sentences])


def _analysis(pred: Prediction, is_question: bool, question: str | None, n_sents: int, n_asked: int) -> TurnAnalysis:
    probs = pred.probs
    return TurnAnalysis(
        is_question=is_question,
        focus=pred.focus if type(pred.focus) is Focus else Focus(pred.focus),
        focus_score=float(pred.score),
        probs=(float(probs[0]), float(probs[1]), float(probs[2])),
        theme=pred.theme,
        evidence=pred.evidence or "",
        question_text=question,
        n_sentences=n_sents,
        n_questions=n_asked,
    )
