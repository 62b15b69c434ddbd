"""Coaching material for the HTML report: grouped questions, reframes and the cascade statistics.

Pandas and arithmetic only; everything here returns plain data that
the view modules of :mod:`convolens.reports` escape and lay out.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..aggregate import Period
from ..errors import ConvolensError
from ..resources import shipped_folders

REFRAMES_FILE = "reframes.jsonl"
REVENUE_THEMES = (
    "close_timing",
    "deal_size",
    "forecast",
    "paperwork",
    "decision_makers",
    "competition",
    "seller_needs",
)
#: Below this many paired periods a correlation says little, whatever its value.
MIN_CASCADE_PERIODS = 8
MAX_LAG = 3

_WORD = re.compile(r"[$€£]?[\w'’.-]+")
_FILLER = {"so", "and", "um", "uh", "okay", "ok", "right", "just", "like", "well", "now", "then", "also"}


def load_reframes(path: str | Path | None = None) -> dict[str, list[str]]:
    """Give the customer-impact reframes per revenue sub-theme, from ``lexicons/reframes.jsonl``."""
    if path is None:
        found = [folder / REFRAMES_FILE for folder in shipped_folders("lexicons") if (folder / REFRAMES_FILE).is_file()]
        if not found:
            raise ConvolensError(f"no {REFRAMES_FILE} in the shipped lexicons")
        path = found[0]
    out: dict[str, list[str]] = {}
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            out.setdefault(str(record["theme"]), []).append(str(record["reframe"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise ConvolensError(f"{path}:{number}: not a reframe record ({exc})") from None
    return out


def normalise(text: str) -> str:
    """Give the form near-identical questions share: lower case, no filler, names and numbers as placeholders.

    Names are capitalised words after the first, so "When does Harborview
    close?" and "So when does Keelson close" group together: the coaching
    point is the habit, not the account.
    """
    words = []
    for i, word in enumerate(_WORD.findall(text)):
        word = word.strip(".'’-")
        if not word:
            continue
        if any(ch.isdigit() for ch in word) or word[0] in "$€£":
            words.append("#")
        elif i > 0 and word[0].isupper() and word != "I":
            words.append("<name>")
        elif word.lower() not in _FILLER:
            words.append(word.lower())
    # Runs of placeholders are one name ("Cedar Valley Senior Living").
    collapsed = [w for j, w in enumerate(words) if not (w == "<name>" and j and words[j - 1] == "<name>")]
    return " ".join(collapsed)


def pick_reframe(question: str, theme: str | None, reframes: Mapping[str, Sequence[str]]) -> str:
    """Give one reframe for a revenue question, the same one every time for the same question."""
    pool = list(reframes.get(theme or "", ())) or [r for rs in reframes.values() for r in rs]
    if not pool:
        return ""
    digest = hashlib.sha256(normalise(question).encode("utf-8")).digest()
    return pool[int.from_bytes(digest[:8], "big") % len(pool)]


@dataclass(frozen=True)
class QuestionGroup:
    """Near-identical questions of one person: the words to quote and where they were asked."""

    text: str
    theme: str
    count: int
    score: float
    where: tuple[tuple[str, str], ...]  # (call_id, date) of the first few times it was asked
    reframe: str = ""


def _question_text(frame: pd.DataFrame) -> pd.Series:
    qt = frame["question_text"].astype("string")
    return qt.where(qt.notna() & (qt.str.strip() != ""), frame["text"].astype("string")).fillna("")


def _mode(values: Sequence[object]) -> str:
    """Give the most frequent value as text, the smallest on a tie (as ``Series.mode``), or ""."""
    if not values:
        return ""
    counts = Counter(str(v) for v in values)
    top = max(counts.values())
    return min(v for v, n in counts.items() if n == top)


def group_questions(
    questions: pd.DataFrame,
    *,
    limit: int = 5,
    by_score: bool = False,
    reframes: Mapping[str, Sequence[str]] | None = None,
) -> list[QuestionGroup]:
    """Give the most frequent (or, with ``by_score``, most confident) question groups of a person.

    ``questions`` are utterance rows. Each group quotes its most common
    wording and keeps up to three (call id, date) places it was asked.
    """
    if questions.empty:
        return []
    frame = questions.assign(_q=_question_text(questions))
    frame = frame.assign(_key=[normalise(str(t)) for t in frame["_q"]])
    frame = frame.sort_values(["date", "call_id", "index"], na_position="last")
    # Plain lists rather than a pandas groupby: a person has hundreds of groups of one or two rows,
    # and per-group Series calls made this the slowest step of the HTML report.
    rows: dict[str, list[int]] = {}
    for i, key in enumerate(frame["_key"].tolist()):
        if key:
            rows.setdefault(key, []).append(i)
    texts, themes = frame["_q"].tolist(), frame["theme"].tolist()
    calls, dates, scores = frame["call_id"].tolist(), frame["date"].tolist(), frame["focus_score"].tolist()
    groups = []
    for members in rows.values():
        # The most common wording, the first one asked on a tie.
        text = str(Counter(texts[i] for i in members).most_common(1)[0][0])
        theme = _mode([themes[i] for i in members if not pd.isna(themes[i])])
        where = tuple(
            (str(calls[i]), "" if pd.isna(dates[i]) else pd.Timestamp(dates[i]).strftime("%Y-%m-%d"))
            for i in members[:3]
        )
        reframe = pick_reframe(text, theme, reframes) if reframes is not None else ""
        known = [float(scores[i]) for i in members if not pd.isna(scores[i])]
        score = max(known) if known else math.nan
        groups.append(QuestionGroup(text, theme, len(members), score, where, reframe))
    if by_score:
        groups.sort(key=lambda g: (-g.score, -g.count, g.text))
    else:
        groups.sort(key=lambda g: (-g.count, -g.score, g.text))
    return groups[:limit]


def period_ordinal(label: str, period: Period) -> int:
    """Give a period label's position on a gap-aware integer scale (weeks or months since year 0)."""
    if period == "week":
        return int(pd.Timestamp(label).toordinal() // 7)
    year, month = label.split("-")[:2]
    return int(year) * 12 + int(month) - 1


@dataclass(frozen=True)
class LagResult:
    """The correlation of a manager's share with their reps' share ``lag`` periods later."""

    lag: int
    n: int
    r: float
    low: float
    high: float

    @property
    def caveat(self) -> str:
        """Give why not to read much into this correlation, or ``""``."""
        if self.n < 3 or math.isnan(self.r):
            return f"only {self.n} paired periods: no correlation can be computed"
        reasons = []
        if self.n < MIN_CASCADE_PERIODS:
            reasons.append(f"only {self.n} paired periods (fewer than {MIN_CASCADE_PERIODS})")
        if math.isnan(self.low) or self.low <= 0 <= self.high:
            reasons.append("the 95% interval includes 0")
        return "; ".join(reasons)


def fisher_interval(r: float, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Give the 95% interval of a Pearson correlation by Fisher's z; (nan, nan) below 4 pairs."""
    if n < 4 or math.isnan(r):
        return math.nan, math.nan
    r = max(-0.999999, min(0.999999, r))
    centre, half = math.atanh(r), z / math.sqrt(n - 3)
    return math.tanh(centre - half), math.tanh(centre + half)


def lagged_correlations(
    manager: Mapping[int, float], reps: Mapping[int, float], *, max_lag: int = MAX_LAG
) -> list[LagResult]:
    """Give Pearson r of manager share at period t with reps' share at t + lag, for lags 0..max_lag."""
    out = []
    for lag in range(max_lag + 1):
        pairs = [(v, reps[t + lag]) for t, v in manager.items() if t + lag in reps]
        pairs = [(a, b) for a, b in pairs if not (math.isnan(a) or math.isnan(b))]
        n = len(pairs)
        r = math.nan
        if n >= 3:
            xs, ys = [a for a, _ in pairs], [b for _, b in pairs]
            mx, my = sum(xs) / n, sum(ys) / n
            sxy = sum((a - mx) * (b - my) for a, b in pairs)
            sxx = sum((a - mx) ** 2 for a in xs)
            syy = sum((b - my) ** 2 for b in ys)
            # A flat series has no correlation to speak of; leave r undefined.
            r = sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else math.nan
        low, high = fisher_interval(r, n)
        out.append(LagResult(lag, n, r, low, high))
    return out
