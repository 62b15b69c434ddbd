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

Phrases are matched by spaCy's ``PhraseMatcher``, token patterns by :mod:`.lexicon_match`
(spaCy's ``Matcher`` where only it can order the matches), and the predictions of recent
short texts are remembered (:mod:`.recent`). The module runs past the house's ~400 lines
because the four ways to predict (texts, spans, sentences in their Doc, sentences as if
alone) share the matching internals and read best side by side in one class.
"""

from __future__ import annotations

import math
import os
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, cast

import spacy
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from ..errors import ModelError
from ..model import FOCUS_ORDER, Focus
from .base import Prediction, Sentence
from .lexicon_data import Entry, LexiconData, load_lexicon, write_lexicon
from .lexicon_match import chunk_edges, compile_patterns, tokenizers_alike
from .lexicon_tokenizer import bounded
from .recent import RecentPredictions

CODE_VERSION = "lexicon-1"
_CLAUSE_BREAK = frozenset({",", ";", ":", ".", "!", "?", "but", "-", "--", "—", "–"})
_FILLERS = frozenset({"so", "and", "but", "okay", "ok", "um", "uh", "well", "like", "yeah", "right", "now", "then"})
_INVERTING_AUX = frozenset({"do", "does", "did", "is", "are", "was", "were", "can", "could", "will", "would", "should"})
_Match = tuple[int, int, int]  # entry index, start, end (token offsets in the doc)
_PATTERN, _BLOCK, _NEGATOR, _FRAME, _SUBORDINATOR = range(5)
_KINDS = {"pattern": _PATTERN, "block": _BLOCK, "negator": _NEGATOR, "frame": _FRAME}
#: a Doc's phrase matches, and its token-pattern matches as the fast matcher gives them (None: not used).
_Parts = tuple[list[_Match], "list[tuple[int, int, int]] | None"]


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
        self._kinds = [_KINDS.get(e.kind, _SUBORDINATOR) for e in self.entries_]
        scoring = data.scoring
        self._baseline = float(scoring["baseline"])
        self._sharpness = float(scoring["sharpness"])
        self._neg_window = int(scoring["negation_window"])
        self._neg_factor = float(scoring["negation_factor"])
        self._dismiss_factor = float(scoring["dismissal_factor"])
        self._sub_factor = float(scoring["subordinate_factor"])
        self._frame_window = int(scoring["frame_window"])
        self._reframe = data.reframe
        self._version = f"convolens.lexicon.v1:{CODE_VERSION}:{data.digest()[:16]}"
        vocab = self._nlp.vocab
        self._phrases = PhraseMatcher(vocab, attr="NORM")
        self._tokens = Matcher(vocab, validate=True)
        self._key_to_entry: dict[int, int] = {}
        token_patterns: list[tuple[int, list[dict[str, Any]]]] = []
        for idx, entry in enumerate(self.entries_):
            key = f"convolens_lex_{idx}"
            self._key_to_entry[vocab.strings.add(key)] = idx
            if entry.phrase is not None:
                docs = [self._nlp.make_doc(v) for v in sorted(_variants(entry.phrase))]
                self._phrases.add(key, docs)
            else:
                pattern = [dict(t) for t in entry.tokens or ()]
                try:
                    self._tokens.add(key, [pattern])
                except Exception as err:  # spaCy raises several types for bad patterns
                    raise ModelError(f"bad token pattern: {err}", path=entry.path, line=entry.line) from err
                token_patterns.append((vocab.strings[key], pattern))
        # spaCy's Matcher stays the reference (and the fallback); see lexicon_match.
        self._fast_tokens = compile_patterns(token_patterns)
        self._has_tokens = bool(token_patterns)
        self._nothing = self._prediction({}, [])
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
        docs = cast(Any, self._nlp.tokenizer).pipe([texts[i] for i in todo])
        for i, doc in zip(todo, docs, strict=True):
            pred, tie_free = self._predict_range(doc, 0, len(doc), self._match_parts(doc), alone=True)
            found[i] = pred
            if tie_free:
                fresh.append((texts[i], pred))
        self._remember(fresh)
        return cast(list[Prediction], found)

    def predict_spans(self, spans: Sequence[Span | Doc]) -> list[Prediction]:
        """Give one prediction per span, matching each underlying Doc only once."""
        cache: dict[int, list[_Match]] = {}
        out: list[Prediction] = []
        for span in spans:
            doc = span if isinstance(span, Doc) else span.doc
            matches = cache.get(id(doc))
            if matches is None:
                matches = cache[id(doc)] = self._match(doc)
            start, end = (0, len(doc)) if isinstance(span, Doc) else (span.start, span.end)
            out.append(self._score(doc, start, end, matches))
        return out

    def predict_sentences(self, sentences: Sequence[Sentence], *, tokenizer: Any = None) -> list[Prediction]:
        """Give one prediction per sentence, matching each Doc only once (as :meth:`predict_spans`).

        A sentence that tokenises alone as in its Doc (``Sentence.alone``, with ``tokenizer``
        tokenising like this classifier's own) gets the remembered prediction of its text if there
        is one. That is the same: the lexicon's matches inside a sentence do not depend on the
        tokens around it, and only predictions whose token-pattern matches all have different
        spans (so that their order, which can depend on the context, does not count) are remembered.
        """
        same = tokenizer is not None and self._tokenizes_alike(tokenizer)
        texts = [s.text if same and s.alone else None for s in sentences]
        found = self._recent.lookup(texts)
        parts: dict[int, _Parts] = {}
        fresh: list[tuple[str, Prediction]] = []
        for i, sent in enumerate(sentences):
            if found[i] is not None:
                continue
            doc = sent.doc
            known = parts.get(id(doc))
            if known is None:
                known = parts[id(doc)] = self._match_parts(doc, sent.orths)
            pred, tie_free = self._predict_range(doc, sent.start, sent.end, known, alone=False)
            found[i] = pred
            text = texts[i]
            if text is not None and tie_free:
                fresh.append((text, pred))
        self._remember(fresh)
        return cast(list[Prediction], found)

    def predict_alone(self, sentences: Sequence[Sentence], *, tokenizer: Any = None) -> list[Prediction]:
        """Give, per sentence, what :meth:`predict` gives for its text alone, reusing the Doc's tokens.

        The Doc's tokens are used when ``tokenizer`` (the one that made the Docs) tokenises like
        this classifier's own and the sentence begins and ends at whitespace or a Doc edge: spaCy
        tokenises each whitespace-separated chunk on its own, so the text alone gets the same
        tokens. Any other sentence is tokenised again.
        """
        same = tokenizer is not None and self._tokenizes_alike(tokenizer)
        found = self._recent.lookup([s.text for s in sentences])
        again: list[int] = []
        parts: dict[int, _Parts] = {}
        edges: dict[int, list[int]] = {}
        fresh: list[tuple[str, Prediction]] = []
        for i, sent in enumerate(sentences):
            if found[i] is not None:
                continue
            doc, start, end = sent.doc, sent.start, sent.end
            alone = sent.alone
            if same and alone is None:
                doc_edges = edges.get(id(doc))
                if doc_edges is None:
                    doc_edges = edges[id(doc)] = chunk_edges(doc)
                alone = bool(doc_edges[start] and doc_edges[end])
            if not (same and alone):
                again.append(i)
                continue
            known = parts.get(id(doc))
            if known is None:
                known = parts[id(doc)] = self._match_parts(doc, sent.orths)
            pred, tie_free = self._predict_range(doc, start, end, known, alone=True)
            found[i] = pred
            if tie_free:
                fresh.append((sent.text, pred))
        self._remember(fresh)
        if again:
            for i, pred in zip(again, self.predict([sentences[i].text for i in again]), strict=True):
                found[i] = pred
        return cast(list[Prediction], found)

    def forget_recent(self) -> None:
        """Forget the remembered predictions of recent texts."""
        self._recent.clear()

    def _remember(self, fresh: list[tuple[str, Prediction]]) -> None:
        if fresh:
            self._recent.remember([t for t, _ in fresh], [p for _, p in fresh])

    def _tokenizes_alike(self, tokenizer: Any) -> bool:
        """Say whether ``tokenizer`` makes the same tokens as this classifier's own (remembered)."""
        known = self._tokenizers.get(id(tokenizer))
        if known is not None and known[0] is tokenizer:
            return known[1]
        alike = tokenizers_alike(tokenizer, self._nlp.tokenizer)
        if len(self._tokenizers) > 8:
            self._tokenizers.clear()
        self._tokenizers[id(tokenizer)] = (tokenizer, alike)
        return alike

    def _match(self, doc: Doc) -> list[_Match]:
        """Give every lexicon match in a doc as (entry index, start, end), sorted by start."""
        found, tokens = self._match_parts(doc)
        if self._has_tokens:
            found.extend(self._tokens_within(doc, 0, len(doc), tokens, alone=False)[0])
        found.sort(key=_span_order)
        return found

    def _match_parts(self, doc: Doc, orths: Sequence[int] | None = None) -> _Parts:
        """Give a doc's phrase matches and its token-pattern matches found fast (None: not found fast).

        Both come sorted by span (the phrase matches stably, keeping the PhraseMatcher's order
        among equal spans), so that a range's matches can be cut out by bisection.
        """
        keys = self._key_to_entry
        phrases = [(keys[m], s, e) for m, s, e in self._phrases(doc)]
        phrases.sort(key=_span_order)
        fast = self._fast_tokens
        tokens = fast.find(doc, orths) if fast is not None and self._has_tokens else None
        if tokens:
            tokens.sort(key=_span_order)
        return phrases, tokens

    def _predict_range(self, doc: Doc, start: int, end: int, parts: _Parts, *, alone: bool) -> tuple[Prediction, bool]:
        """Give the prediction for tokens ``start:end`` and whether their token-pattern matches all differ in span.

        ``alone`` orders tied token matches as for the tokens alone, otherwise as in the whole Doc.
        """
        phrases, tokens = parts
        whole = start == 0 and end == len(doc)
        found = list(phrases) if whole else _inside(phrases, start, end)
        tie_free = True
        if self._has_tokens:
            inside, tie_free = self._tokens_within(doc, start, end, tokens, alone=alone)
            found.extend(inside)
        found.sort(key=_span_order)
        return (self._score(doc, start, end, found) if found else self._nothing), tie_free

    def _tokens_within(
        self, doc: Doc, start: int, end: int, fast: list[tuple[int, int, int]] | None, *, alone: bool
    ) -> tuple[list[_Match], bool]:
        """Give the token-pattern matches inside ``start:end`` in spaCy's Matcher order, and whether none share a span.

        The fast matches are used unless two of them share a span: only then does the order,
        which decides which of the two the scoring keeps, need spaCy's Matcher, run on the
        tokens alone (``alone``) or on the whole Doc as :meth:`predict_spans` does.
        """
        keys = self._key_to_entry
        if fast is not None:
            inside = [(keys[m], s, e) for m, s, e in _inside(fast, start, end)]
            if len({(s, e) for _, s, e in inside}) == len(inside):
                return inside, True
        if start == 0 and end == len(doc):
            return [(keys[m], s, e) for m, s, e in self._tokens(doc)], False
        if alone:
            return [(keys[m], s + start, e + start) for m, s, e in self._tokens(doc[start:end])], False
        return [(keys[m], s, e) for m, s, e in self._tokens(doc) if s >= start and e <= end], False

    def _score(self, doc: Doc, start: int, end: int, matches: Iterable[_Match]) -> Prediction:
        """Give the prediction for tokens ``start:end`` of ``doc``."""
        entries = self.entries_
        kinds = self._kinds
        patterns: list[_Match] = []
        blocks: list[_Match] = []
        negators: list[_Match] = []
        frames: list[_Match] = []
        subs: list[int] = []
        for m in matches:
            idx, s, e = m
            if s < start or e > end:
                continue
            kind = kinds[idx]
            if kind == _PATTERN:
                patterns.append(m)
            elif kind == _BLOCK:
                blocks.append(m)
            elif kind == _NEGATOR:
                negators.append(m)
            elif kind == _FRAME:
                frames.append(m)
            else:
                subs.append(s)
        if not patterns:
            return self._nothing
        notes: list[str] = []
        if blocks:
            # "no brainer", "not sure": a negator inside a blocked phrase negates nothing.
            negators = [n for n in negators if not any(b[1] < n[2] and n[1] < b[2] for b in blocks)]
        dismissals = [(s, e) for idx, s, e in negators if entries[idx].strength == "dismiss"]
        kept = self._resolve(doc, patterns, blocks, dismissals, notes)
        first = start
        while first < end and doc[first].norm_ in _FILLERS:
            first += 1
        totals: dict[tuple[str, str], float] = {}
        for idx, s, e in kept:
            entry = entries[idx]
            focus, theme = entry.focus or "", entry.theme or ""
            weight = entry.weight
            tags: list[str] = []
            framed = entry.frameable and focus == "revenue" and theme in self._reframe
            if framed and self._nearest_frame(frames, s, e) == "customer":
                tags.append(f"reframed from {focus}/{theme}")
                focus, theme = "customer_impact", self._reframe[theme]
            factor = self._negation(doc, negators, s, start, first)
            if factor < 1.0:
                weight *= factor
                tags.append("negated")
            if any(first < p < s for p in subs):
                weight *= self._sub_factor
                tags.append("subordinate")
            totals[(focus, theme)] = totals.get((focus, theme), 0.0) + weight
            extra = "," + ",".join(tags) if tags else ""
            notes.append(f'{focus}/{theme}:"{doc[s:e].text.lower()}"(+{weight:.1f}{extra})')
        return self._prediction(totals, notes)

    def _resolve(
        self,
        doc: Doc,
        patterns: list[_Match],
        blocks: list[_Match],
        dismissals: list[tuple[int, int]],
        notes: list[str],
    ) -> list[_Match]:
        """Give the patterns left after blockers and longest-match overlap resolution."""
        entries = self.entries_
        alive: list[_Match] = []
        for m in patterns:
            idx, s, e = m
            if any(ds <= s and e <= de for ds, de in dismissals):
                continue  # "worried" inside "not worried about" is the dismissal, not a topic
            focus = entries[idx].focus
            blocker = next(
                (b for b in blocks if b[1] < e and s < b[2] and entries[b[0]].blocks in ("any", focus)), None
            )
            if blocker is None:
                alive.append(m)
            else:
                note = f'blocked:"{doc[blocker[1] : blocker[2]].text.lower()}"'
                if note not in notes:
                    notes.append(note)
        alive.sort(key=lambda m: (-(m[2] - m[1]), -entries[m[0]].weight, m[1]))
        taken: set[int] = set()
        kept: list[_Match] = []
        for m in alive:
            span = range(m[1], m[2])
            if not any(i in taken for i in span):
                taken.update(span)
                kept.append(m)
        kept.sort(key=lambda m: m[1])
        return kept

    def _nearest_frame(self, frames: list[_Match], s: int, e: int) -> str | None:
        """Give the frame ("customer" or "seller") of the nearest frame cue within the window."""
        best: tuple[int, str] | None = None
        for idx, fs, fe in frames:
            gap = fs - e if fs >= e else (s - fe if fe <= s else 0)
            if gap <= self._frame_window and (best is None or gap < best[0]):
                best = (gap, self.entries_[idx].frame or "")
        return None if best is None else best[1]

    def _negation(self, doc: Doc, negators: list[_Match], s: int, start: int, first: int) -> float:
        """Give the weight factor from a negator shortly before token ``s``, in the same clause."""
        factor = 1.0
        for idx, ns, ne in negators:
            if ne > s or s - ne > self._neg_window or ns < start:
                continue
            if any(doc[k].norm_ in _CLAUSE_BREAK for k in range(ne, s)):
                continue
            if ns - 1 == first and doc[first].norm_ in _INVERTING_AUX:
                continue  # "don't they need to sign": a negative question, not a negated topic
            strength = self.entries_[idx].strength
            factor = min(factor, self._dismiss_factor if strength == "dismiss" else self._neg_factor)
        return factor

    def _prediction(self, totals: dict[tuple[str, str], float], notes: list[str]) -> Prediction:
        """Give the Prediction for summed (focus, theme) weights."""
        scores = {"revenue": 0.0, "customer_impact": 0.0}
        for (focus, _), w in totals.items():
            scores[focus] += w
        logits = [scores["revenue"], scores["customer_impact"], self._baseline]
        top = max(logits)
        exps = [math.exp(self._sharpness * (x - top)) for x in logits]
        z = sum(exps)
        probs = (exps[0] / z, exps[1] / z, exps[2] / z)
        # Ties go to other first, then revenue: no evidence must never look like a label.
        best = max(range(3), key=lambda k: (probs[k], k == 2, k == 0))
        focus = FOCUS_ORDER[best]
        theme = None
        if focus is not Focus.OTHER:
            own = [(w, t) for (f, t), w in totals.items() if f == focus.value]
            theme = max(own)[1] if own else None
        return Prediction(focus=focus, score=probs[best], probs=probs, theme=theme, evidence="; ".join(notes))


def _span_order(match: _Match) -> tuple[int, int]:
    return match[1], match[2]


def _inside(matches: list[_Match], start: int, end: int) -> list[_Match]:
    """Give the matches, sorted by span, that lie within tokens ``start:end``."""
    lo = bisect_left(matches, start, key=_start_of)
    hi = bisect_left(matches, end, lo, key=_start_of)
    return [m for m in matches[lo:hi] if m[2] <= end]


def _start_of(match: _Match) -> int:
    return match[1]
