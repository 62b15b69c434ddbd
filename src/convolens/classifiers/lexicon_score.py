"""Scoring a stretch of tokens from the lexicon matches inside it (steps 2-7 of :mod:`.lexicon`).

:class:`LexiconScorer` turns the matches found in tokens ``start:end`` of a turn into a
:class:`~.base.Prediction`: blockers, longest-match overlap, framing, negation, subordinate clauses
and the softmax. It reads the tokens' ``NORM`` strings and texts from a :class:`~.turn_tokens.TurnTokens`,
so the same scoring serves texts, Docs and the pipeline's turns.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from ..model import FOCUS_ORDER, Focus
from .base import Prediction
from .lexicon_data import Entry, LexiconData
from .turn_tokens import TurnTokens

_CLAUSE_BREAK = frozenset({",", ";", ":", ".", "!", "?", "but", "-", "--", "—", "–"})
_FILLERS = frozenset({"so", "and", "but", "okay", "ok", "um", "uh", "well", "like", "yeah", "right", "now", "then"})
_INVERTING_AUX = frozenset({"do", "does", "did", "is", "are", "was", "were", "can", "could", "will", "would", "should"})
Match = tuple[int, int, int]  # entry index, start, end (token offsets in the turn)
PATTERN, BLOCK, NEGATOR, FRAME, SUBORDINATOR = range(5)
_KINDS = {"pattern": PATTERN, "block": BLOCK, "negator": NEGATOR, "frame": FRAME}


class LexiconScorer:
    """The lexicon's scoring settings and entries, and the rules that turn matches into a prediction."""

    def __init__(self, data: LexiconData) -> None:
        self.entries: list[Entry] = data.entries
        self.kinds = [_KINDS.get(e.kind, SUBORDINATOR) for e in self.entries]
        scoring = data.scoring
        self._baseline = float(scoring["baseline"])
        self._sharpness = float(scoring["sharpness"])
        self._neg_window = int(scoring["negation_window"])
        self._neg_factor = float(scoring["negation_factor"])
        self._dismiss_factor = float(scoring["dismissal_factor"])
        self._sub_factor = float(scoring["subordinate_factor"])
        self._frame_window = int(scoring["frame_window"])
        self._reframe = data.reframe
        #: the prediction when no pattern counts.
        self.nothing = self.prediction({}, [])

    def score(self, turn: TurnTokens, start: int, end: int, matches: Iterable[Match]) -> Prediction:
        """Give the prediction for tokens ``start:end`` of ``turn`` from the matches (sorted by span)."""
        entries = self.entries
        kinds = self.kinds
        patterns: list[Match] = []
        blocks: list[Match] = []
        negators: list[Match] = []
        frames: list[Match] = []
        subs: list[int] = []
        for m in matches:
            idx, s, e = m
            if s < start or e > end:
                continue
            kind = kinds[idx]
            if kind == PATTERN:
                patterns.append(m)
            elif kind == BLOCK:
                blocks.append(m)
            elif kind == NEGATOR:
                negators.append(m)
            elif kind == FRAME:
                frames.append(m)
            else:
                subs.append(s)
        if not patterns:
            return self.nothing
        notes: list[str] = []
        if blocks:
            # "no brainer", "not sure": a negator inside a blocked phrase negates nothing.
            negators = [n for n in negators if not any(b[1] < n[2] and n[1] < b[2] for b in blocks)]
        dismissals = [(s, e) for idx, s, e in negators if entries[idx].strength == "dismiss"] if negators else []
        kept = (
            self._resolve(turn, patterns, blocks, dismissals, notes)
            if len(patterns) > 1 or blocks or dismissals
            else patterns
        )
        # The first token after leading fillers matters only to negators and subordinators.
        norms: list[str] = turn.norm_texts() if negators or subs else []
        first = start
        while norms and first < end and norms[first] in _FILLERS:
            first += 1
        totals: dict[tuple[str, str], float] = {}
        for idx, s, e in kept:
            entry = entries[idx]
            focus, theme = entry.focus or "", entry.theme or ""
            weight = entry.weight
            tags: list[str] = []
            framed = entry.frameable and focus == "revenue" and theme in self._reframe
            if framed and frames and self._nearest_frame(frames, s, e) == "customer":
                tags.append(f"reframed from {focus}/{theme}")
                focus, theme = "customer_impact", self._reframe[theme]
            factor = self._negation(norms, negators, s, start, first) if negators else 1.0
            if factor < 1.0:
                weight *= factor
                tags.append("negated")
            if subs and any(first < p < s for p in subs):
                weight *= self._sub_factor
                tags.append("subordinate")
            totals[(focus, theme)] = totals.get((focus, theme), 0.0) + weight
            extra = "," + ",".join(tags) if tags else ""
            notes.append(f'{focus}/{theme}:"{turn.span_text(s, e).lower()}"(+{weight:.1f}{extra})')
        return self.prediction(totals, notes)

    def _resolve(
        self,
        turn: TurnTokens,
        patterns: list[Match],
        blocks: list[Match],
        dismissals: list[tuple[int, int]],
        notes: list[str],
    ) -> list[Match]:
        """Give the patterns left after blockers and longest-match overlap resolution."""
        entries = self.entries
        alive: list[Match] = []
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
                note = f'blocked:"{turn.span_text(blocker[1], blocker[2]).lower()}"'
                if note not in notes:
                    notes.append(note)
        alive.sort(key=lambda m: (-(m[2] - m[1]), -entries[m[0]].weight, m[1]))
        taken: set[int] = set()
        kept: list[Match] = []
        for m in alive:
            span = range(m[1], m[2])
            if not any(i in taken for i in span):
                taken.update(span)
                kept.append(m)
        kept.sort(key=lambda m: m[1])
        return kept

    def _nearest_frame(self, frames: list[Match], s: int, e: int) -> str | None:
        """Give the frame ("customer" or "seller") of the nearest frame cue within the window."""
        best: tuple[int, str] | None = None
        for idx, fs, fe in frames:
            gap = fs - e if fs >= e else (s - fe if fe <= s else 0)
            if gap <= self._frame_window and (best is None or gap < best[0]):
                best = (gap, self.entries[idx].frame or "")
        return None if best is None else best[1]

    def _negation(self, norms: Sequence[str], negators: list[Match], s: int, start: int, first: int) -> float:
        """Give the weight factor from a negator shortly before token ``s``, in the same clause."""
        factor = 1.0
        for idx, ns, ne in negators:
            if ne > s or s - ne > self._neg_window or ns < start:
                continue
            if any(norms[k] in _CLAUSE_BREAK for k in range(ne, s)):
                continue
            if ns - 1 == first and norms[first] in _INVERTING_AUX:
                continue  # "don't they need to sign": a negative question, not a negated topic
            strength = self.entries[idx].strength
            factor = min(factor, self._dismiss_factor if strength == "dismiss" else self._neg_factor)
        return factor

    def prediction(self, totals: dict[tuple[str, str], float], notes: list[str]) -> Prediction:
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
        best = 2 if probs[2] >= probs[0] and probs[2] >= probs[1] else (0 if probs[0] >= probs[1] else 1)
        focus = FOCUS_ORDER[best]
        theme = None
        if focus is not Focus.OTHER:
            own = [(w, t) for (f, t), w in totals.items() if f == focus.value]
            theme = max(own)[1] if own else None
        return Prediction(focus=focus, score=probs[best], probs=probs, theme=theme, evidence="; ".join(notes))
