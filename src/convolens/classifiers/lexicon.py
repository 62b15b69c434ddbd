"""The lexicon baseline: weighted phrase and token patterns, with blockers, negation and framing.

Scoring one text (a sentence, normally):

1. every pattern, blocker and cue in the lexicon is matched on the tokens'
   ``NORM`` (so "gonna" meets "going to", "organisation" meets "organization");
2. a pattern overlapping a blocker ("revenue team offsite") is dropped;
3. overlapping patterns keep only the longest ("their revenue" beats "revenue");
4. a ``frameable`` revenue pattern whose nearest frame cue is the customer's
   ("cost them", "their costs") counts for customer_impact instead;
5. a pattern with a negator shortly before it, in the same clause, is
   down-weighted: dismissals ("not about", "not worried about") strongly,
   plain negation ("not", "no") mildly, since "they can't ship on time" is still
   talk about the customer's problem;
6. a pattern after a subordinating word ("because", "so that", "when") is
   down-weighted, approximating LABELING's "the part that carries the main verb";
7. class scores plus an ``other`` baseline go through a softmax.

Texts are read as :class:`~.turn_tokens.TurnTokens` (spaCy's tokens without a ``Doc``), phrases are
matched by :mod:`.lexicon_phrases`, token patterns by :mod:`.lexicon_match`, and steps 2-7 are
:mod:`.lexicon_score`. spaCy's ``PhraseMatcher`` and ``Matcher`` stay the reference: ``predict_spans``
uses the ``PhraseMatcher``, and the ``Matcher`` orders token matches that share a span. Predictions of
recent short texts are remembered (:mod:`.recent`).
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections.abc import Sequence
from typing import Any, ClassVar, cast

import spacy
from spacy.attrs import NORM
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from ..errors import ModelError
from .base import Prediction, Sentence, TurnSentence
from .chunk_tokenizer import TYPE_LIMIT, ChunkTokenizer
from .lexicon_data import Entry, LexiconData, load_lexicon, write_lexicon
from .lexicon_match import compile_patterns, tokenizers_alike
from .lexicon_phrases import PhraseTrie
from .lexicon_score import LexiconScorer, Match
from .lexicon_tokenizer import bounded
from .recent import RecentPredictions
from .turn_tokens import TokenTable, TurnTokens

CODE_VERSION = "lexicon-1"
#: a turn's phrase matches, and its token-pattern matches as the fast matcher gives them (None: not used).
_Parts = tuple[list[Match], "list[tuple[int, int, int]] | None"]


def _variants(phrase: str) -> set[str]:
    """Give spellings of a phrase that speech-recognition output also produces."""
    out = {phrase}
    if "'" in phrase or "’" in phrase:
        out.add(phrase.replace("'", "").replace("’", ""))
    if "-" in phrase:
        out.add(phrase.replace("-", " "))
        out.add(phrase.replace("-", ""))
    return out


class LexiconClassifier:
    """Label texts by weighted lexicon patterns (the ``lexicon`` classifier).

    Parameters
    ----------
    path:
        A lexicon folder; by default ``$CONVOLENS_LEXICONS`` or the shipped lexicon.
    vocab:
        A spaCy vocab to share with a pipeline (optional).

    Examples
    --------
    >>> clf = LexiconClassifier()
    >>> clf.predict(["when do you think they sign?"])[0].focus
    <Focus.REVENUE: 'revenue'>
    """

    name: ClassVar[str] = "lexicon"

    def __init__(self, path: str | os.PathLike[str] | None = None, *, vocab: Vocab | None = None) -> None:
        self.path = path
        self._nlp = spacy.blank("en", vocab=vocab) if vocab is not None else spacy.blank("en")
        self._nlp.tokenizer = bounded(self._nlp.tokenizer)  # linear on long runs without spaces
        self._load(load_lexicon(path))

    # -- state -----------------------------------------------------------------
    def _load(self, data: LexiconData) -> None:
        self.data_ = data
        self.entries_: list[Entry] = data.entries
        self._scorer = LexiconScorer(data)
        self._version = f"convolens.lexicon.v1:{CODE_VERSION}:{data.digest()[:16]}"
        vocab = self._nlp.vocab
        self._chunks = ChunkTokenizer(self._nlp.tokenizer)
        self._tokens = Matcher(vocab, validate=True)
        self._key_to_entry: dict[int, int] = {}
        #: per phrase entry: its index, its match key and its spellings, as the PhraseMatcher gets them.
        self._phrase_entries: list[tuple[int, str, list[str]]] = []
        token_patterns: list[tuple[int, list[dict[str, Any]]]] = []
        for idx, entry in enumerate(self.entries_):
            key = f"convolens_lex_{idx}"
            self._key_to_entry[vocab.strings.add(key)] = idx
            if entry.phrase is not None:
                self._phrase_entries.append((idx, key, sorted(_variants(entry.phrase))))
            else:
                pattern = [dict(t) for t in entry.tokens or ()]
                try:
                    self._tokens.add(key, [pattern])
                except Exception as err:  # spaCy raises several types for bad patterns
                    raise ModelError(f"bad token pattern: {err}", path=entry.path, line=entry.line) from err
                token_patterns.append((vocab.strings[key], pattern))
        self._phrases: PhraseMatcher | None = None  # spaCy's, made when predict_spans first needs it
        # Each spelling's NORM ids, from the tokenizer itself (the PhraseMatcher got its Docs).
        make_doc = self._nlp.make_doc
        phrases = [
            (idx, key, [make_doc(v).to_array(NORM).tolist() for v in variants])
            for idx, key, variants in self._phrase_entries
        ]
        self._fast_phrases: PhraseTrie | None = PhraseTrie(phrases, vocab)
        # spaCy's Matcher stays the reference (and the fallback); see lexicon_match.
        self._fast_tokens = compile_patterns(token_patterns)
        self._has_tokens = bool(token_patterns)
        self._doc_tokens = TokenTable(vocab)  # the tokens of Docs handed in
        self._tokenizers: dict[int, tuple[Any, bool]] = {}
        self._recent = RecentPredictions()

    @property
    def version(self) -> str:
        """Give a string that changes whenever the lexicon files or scoring code change."""
        return self._version

    @property
    def n_patterns(self) -> int:
        """Give how many pattern entries (not blockers or cues) the lexicon has."""
        return sum(1 for e in self.entries_ if e.kind == "pattern")

    def to_disk(self, path: str | os.PathLike[str]) -> None:
        """Write the lexicon (manifest and JSONL files) to a folder."""
        write_lexicon(self.data_, path)

    def from_disk(self, path: str | os.PathLike[str]) -> LexiconClassifier:
        """Load the lexicon in ``path`` into this classifier; give the classifier."""
        self.path = path
        self._load(load_lexicon(path))
        return self

    # -- prediction --------------------------------------------------------------
    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Give one prediction per text, each text scored as one unit (recent short ones remembered)."""
        found = self._recent.lookup(texts)
        todo = [i for i, pred in enumerate(found) if pred is None]
        fresh: list[tuple[str, Prediction]] = []
        for i, turn in zip(todo, self._turns([texts[i] for i in todo]), strict=True):
            pred, tie_free = self._predict_range(turn, 0, len(turn), self._parts(turn), alone=True)
            found[i] = pred
            if tie_free:
                fresh.append((texts[i], pred))
        self._remember(fresh)
        return cast(list[Prediction], found)

    def predict_spans(self, spans: Sequence[Span | Doc]) -> list[Prediction]:
        """Give one prediction per span, matching each underlying Doc only once, with spaCy's matchers."""
        known: dict[int, tuple[TurnTokens, list[Match]]] = {}
        out: list[Prediction] = []
        for span in spans:
            doc = span if isinstance(span, Doc) else span.doc
            turn_matches = known.get(id(doc))
            if turn_matches is None:
                turn = TurnTokens.from_doc(doc, self._doc_table())
                turn_matches = known[id(doc)] = (turn, self._match_with_spacy(turn))
            start, end = (0, len(doc)) if isinstance(span, Doc) else (span.start, span.end)
            out.append(self._scorer.score(turn_matches[0], start, end, turn_matches[1]))
        return out

    def predict_turn_sentences(self, sentences: Sequence[TurnSentence], *, as_text: bool = False) -> list[Prediction]:
        """Give one prediction per sentence of a turn, matching each turn only once.

        By default a sentence is scored on its tokens in its turn (what :meth:`predict_spans` gives for
        the span); with ``as_text``, it gets what :meth:`predict` gives for its text, which is the same
        for a sentence that tokenises alone as in its turn (``TurnSentence.alone``, the turn's tokenizer
        tokenising like this classifier's own); any other is tokenised again.

        A sentence that tokenises alone gets the remembered prediction of its text if there is one.
        That is the same: the lexicon's matches inside a sentence do not depend on the tokens around
        it, and only predictions whose token-pattern matches all have different spans (so that their
        order, which can depend on the context, does not count) are remembered.
        """
        alike = self._tokenizes_alike
        alone = [s.alone and alike(s.turn.tokenizer) for s in sentences]
        keys = [s.text if as_text or by_itself else None for s, by_itself in zip(sentences, alone, strict=True)]
        found = self._recent.lookup(keys)
        again: list[int] = []
        fresh: list[tuple[str, Prediction]] = []
        last: TurnTokens | None = None
        parts: _Parts = ([], None)
        for i, sent in enumerate(sentences):
            if found[i] is not None:
                continue
            if as_text and not alone[i]:
                again.append(i)
                continue
            if sent.turn is not last:
                last = sent.turn
                parts = self._parts(last)
            pred, tie_free = self._predict_range(last, sent.start, sent.end, parts, alone=as_text)
            found[i] = pred
            key = keys[i]
            if key is not None and tie_free:
                fresh.append((key, pred))
        self._remember(fresh)
        if again:
            for i, pred in zip(again, self.predict([sentences[i].text for i in again]), strict=True):
                found[i] = pred
        return cast(list[Prediction], found)

    def predict_sentences(self, sentences: Sequence[Sentence], *, tokenizer: Any = None) -> list[Prediction]:
        """Give one prediction per sentence of a Doc, as :meth:`predict_spans` gives it for the span.

        ``tokenizer`` made the Docs; see :meth:`predict_turn_sentences` for what is remembered.
        """
        return self.predict_turn_sentences(self._in_turns(sentences, tokenizer, find_alone=False))

    def predict_alone(self, sentences: Sequence[Sentence], *, tokenizer: Any = None) -> list[Prediction]:
        """Give, per sentence of a Doc, what :meth:`predict` gives for its text, reusing the Doc's tokens.

        The Doc's tokens are used when ``tokenizer`` (the one that made the Docs) tokenises like
        this classifier's own and the sentence begins and ends at whitespace or a Doc edge: spaCy
        tokenises each whitespace-separated chunk on its own, so the text alone gets the same
        tokens. Any other sentence is tokenised again.
        """
        return self.predict_turn_sentences(self._in_turns(sentences, tokenizer, find_alone=True), as_text=True)

    def forget_recent(self) -> None:
        """Forget the remembered predictions of recent texts."""
        self._recent.clear()

    # -- internals ---------------------------------------------------------------
    def _in_turns(self, sentences: Sequence[Sentence], tokenizer: Any, *, find_alone: bool) -> list[TurnSentence]:
        """Give the sentences over their Docs' tokens; ``find_alone`` works out ``alone`` where it is None."""
        turns: dict[int, tuple[TurnTokens, list[bool] | None]] = {}
        out: list[TurnSentence] = []
        for sent in sentences:
            known = turns.get(id(sent.doc))
            if known is None:
                known = turns[id(sent.doc)] = (TurnTokens.from_doc(sent.doc, self._doc_table(), tokenizer), None)
            turn, edges = known
            alone = sent.alone
            if alone is None and find_alone:
                if edges is None:
                    edges = turn.edges()
                    turns[id(sent.doc)] = (turn, edges)
                alone = edges[sent.start] and edges[sent.end]
            out.append(TurnSentence(turn, sent.start, sent.end, sent.text, bool(alone)))
        return out

    def _turns(self, texts: Sequence[str]) -> list[TurnTokens]:
        """Give the texts' tokens as this classifier's tokenizer makes them."""
        if self._fast_phrases is None:  # spaCy only, as the reference: a Doc per text
            tokenizer = self._nlp.tokenizer
            table = self._doc_table()
            return [TurnTokens.from_doc(tokenizer(text), table, tokenizer) for text in texts]
        return self._chunks.turns(texts)

    def _doc_table(self) -> TokenTable:
        """Give the table for the tokens of Docs handed in, started anew when it has grown too big."""
        if len(self._doc_tokens) > TYPE_LIMIT:
            self._doc_tokens = TokenTable(self._nlp.vocab)  # turns made before keep the old one
        return self._doc_tokens

    def _remember(self, fresh: list[tuple[str, Prediction]]) -> None:
        if fresh:
            self._recent.remember([t for t, _ in fresh], [p for _, p in fresh])

    def _tokenizes_alike(self, tokenizer: Any) -> bool:
        """Say whether ``tokenizer`` makes the same tokens as this classifier's own (remembered)."""
        if tokenizer is None:
            return False
        known = self._tokenizers.get(id(tokenizer))
        if known is not None and known[0] is tokenizer:
            return known[1]
        alike = tokenizer is self._nlp.tokenizer or tokenizers_alike(tokenizer, self._nlp.tokenizer)
        if len(self._tokenizers) > 8:
            self._tokenizers.clear()
        self._tokenizers[id(tokenizer)] = (tokenizer, alike)
        return alike

    def _phrase_matcher(self) -> PhraseMatcher:
        """Give spaCy's PhraseMatcher over the lexicon's phrases (made on first use)."""
        if self._phrases is None:
            matcher = PhraseMatcher(self._nlp.vocab, attr="NORM")
            for _, key, variants in self._phrase_entries:
                matcher.add(key, [self._nlp.make_doc(v) for v in variants])
            self._phrases = matcher
        return self._phrases

    def _parts(self, turn: TurnTokens) -> _Parts:
        """Give a turn's phrase matches and its token-pattern matches found fast (None: not found fast).

        Both come sorted by span (the phrase matches in the PhraseMatcher's order among equal spans),
        so that a range's matches can be cut out by bisection.
        """
        types = turn.types
        table = turn.table
        if self._fast_phrases is not None:
            phrases = self._fast_phrases.find_tokens(types, table)
        else:
            phrases = self._spacy_phrases(turn.doc())
        fast = self._fast_tokens
        if fast is None or not self._has_tokens:
            return phrases, None
        tokens = fast.find_tokens(types, table)
        if tokens:
            tokens.sort(key=_span_order)
        return phrases, tokens

    def _spacy_phrases(self, doc: Doc) -> list[Match]:
        keys = self._key_to_entry
        phrases = [(keys[m], s, e) for m, s, e in self._phrase_matcher()(doc)]
        phrases.sort(key=_span_order)
        return phrases

    def _match_with_spacy(self, turn: TurnTokens) -> list[Match]:
        """Give every lexicon match in a turn made from a Doc, sorted by start, phrases by spaCy's PhraseMatcher."""
        found = self._spacy_phrases(turn.doc())
        if self._has_tokens:
            fast = self._fast_tokens
            tokens = fast.find(turn.doc()) if fast is not None else None
            if tokens:
                tokens.sort(key=_span_order)
            found.extend(self._tokens_within(turn, 0, len(turn), tokens, alone=False)[0])
        found.sort(key=_span_order)
        return found

    def _predict_range(
        self, turn: TurnTokens, start: int, end: int, parts: _Parts, *, alone: bool
    ) -> tuple[Prediction, bool]:
        """Give the prediction for tokens ``start:end`` and whether their token-pattern matches all differ in span.

        ``alone`` orders tied token matches as for the tokens alone, otherwise as in the whole turn.
        """
        phrases, tokens = parts
        whole = start == 0 and end == len(turn)
        found = list(phrases) if whole else _inside(phrases, start, end)
        tie_free = True
        if self._has_tokens:
            inside, tie_free = self._tokens_within(turn, start, end, tokens, alone=alone)
            found.extend(inside)
        if not found:
            return self._scorer.nothing, tie_free
        found.sort(key=_span_order)
        return self._scorer.score(turn, start, end, found), tie_free

    def _tokens_within(
        self, turn: TurnTokens, start: int, end: int, fast: list[tuple[int, int, int]] | None, *, alone: bool
    ) -> tuple[list[Match], bool]:
        """Give the token-pattern matches inside ``start:end`` in spaCy's Matcher order, and whether none share a span.

        The fast matches are used unless two of them share a span: only then does the order,
        which decides which of the two the scoring keeps, need spaCy's Matcher, run on the
        tokens alone (``alone``) or on the turn's whole Doc as :meth:`predict_spans` does.
        """
        keys = self._key_to_entry
        if fast is not None:
            inside = [
                (keys[m], s, e) for m, s, e in (fast if start == 0 and end == len(turn) else _inside(fast, start, end))
            ]
            if len({(s, e) for _, s, e in inside}) == len(inside):
                return inside, True
        doc = turn.doc()
        if start == 0 and end == len(doc):
            return [(keys[m], s, e) for m, s, e in self._tokens(doc)], False
        if alone:
            return [(keys[m], s + start, e + start) for m, s, e in self._tokens(doc[start:end])], False
        return [(keys[m], s, e) for m, s, e in self._tokens(doc) if s >= start and e <= end], False


def _span_order(match: Match) -> tuple[int, int]:
    return match[1], match[2]


def _inside(matches: list[Match], start: int, end: int) -> list[Match]:
    """Give the matches, sorted by span, that lie within tokens ``start:end``."""
    lo = bisect_left(matches, start, key=_start_of)
    hi = bisect_left(matches, end, lo, key=_start_of)
    return [m for m in matches[lo:hi] if m[2] <= end]


def _start_of(match: Match) -> int:
    return match[1]
