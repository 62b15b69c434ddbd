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
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, cast

import spacy
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from ..errors import ModelError
from ..model import FOCUS_ORDER, Focus
from .base import Prediction
from .lexicon_data import Entry, LexiconData, load_lexicon, write_lexicon

CODE_VERSION = "lexicon-1"
_CLAUSE_BREAK = frozenset({",", ";", ":", ".", "!", "?", "but", "-", "--", "—", "–"})
_FILLERS = frozenset({"so", "and", "but", "okay", "ok", "um", "uh", "well", "like", "yeah", "right", "now", "then"})
_INVERTING_AUX = frozenset({"do", "does", "did", "is", "are", "was", "were", "can", "could", "will", "would", "should"})
_Match = tuple[int, int, int]  # entry index, start, end (token offsets in the doc)


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
        self._load(load_lexicon(path))

    # -- state -----------------------------------------------------------------
    def _load(self, data: LexiconData) -> None:
        self.data_ = data
        self.entries_: list[Entry] = data.entries
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
        for idx, entry in enumerate(self.entries_):
            key = f"convolens_lex_{idx}"
            self._key_to_entry[vocab.strings.add(key)] = idx
            if entry.phrase is not None:
                docs = [self._nlp.make_doc(v) for v in sorted(_variants(entry.phrase))]
                self._phrases.add(key, docs)
            else:
                try:
                    self._tokens.add(key, [[dict(t) for t in entry.tokens or ()]])
                except Exception as err:  # spaCy raises several types for bad patterns
                    raise ModelError(f"bad token pattern: {err}", path=entry.path, line=entry.line) from err

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
        """Give one prediction per text, each text scored as one unit."""
        return [self._score(doc, 0, len(doc), self._match(doc)) for doc in cast(Any, self._nlp.tokenizer).pipe(texts)]

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

    def _match(self, doc: Doc) -> list[_Match]:
        """Give every lexicon match in a doc as (entry index, start, end), sorted by start."""
        keys = self._key_to_entry
        found = [(keys[m], s, e) for m, s, e in self._phrases(doc)]
        if len(self._tokens):
            found.extend((keys[m], s, e) for m, s, e in self._tokens(doc))
        found.sort(key=lambda t: (t[1], t[2]))
        return found

    def _score(self, doc: Doc, start: int, end: int, matches: Iterable[_Match]) -> Prediction:
        """Give the prediction for tokens ``start:end`` of ``doc``."""
        entries = self.entries_
        patterns: list[_Match] = []
        blocks: list[_Match] = []
        negators: list[_Match] = []
        frames: list[_Match] = []
        subs: list[int] = []
        for m in matches:
            idx, s, e = m
            if s < start or e > end:
                continue
            kind = entries[idx].kind
            if kind == "pattern":
                patterns.append(m)
            elif kind == "block":
                blocks.append(m)
            elif kind == "negator":
                negators.append(m)
            elif kind == "frame":
                frames.append(m)
            else:
                subs.append(s)
        if not patterns:
            return self._prediction({}, [])
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
