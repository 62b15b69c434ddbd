"""Conversation statistics: who talks, who asks, what a question yields, and when the mix changed.

Pandas and NumPy only (no NLP here), over the utterance table of
:func:`convolens.score`. The same counting conventions as
:mod:`convolens.aggregate` hold: managers are judged on their one-on-ones and
reps on their customer calls (``aggregate.CONTEXT``), and a question's focus
is its turn's focus.

A *speaker-person* is the roster ``person_id``, or the speaker's name when
the speaker matched no one (customers), so two unmatched customers in one call
stay apart while one rep under two spellings (aliases) is counted once.

Times: a turn's talk time is ``end_s - start_s`` (clipped at 0). Shares of
talk use time only when *every* turn of the call has both times, because a
call with some untimed turns would otherwise hand the untimed speakers a
share of zero; such calls (and untimed ones) fall back to words.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import pandas as pd

from .aggregate import CONTEXT, Period, _period_labels, wilson_interval

Role = Literal["manager", "rep"]

#: Fewer questions than this in either group and a yield comparison is flagged.
MIN_YIELD_QUESTIONS = 8
#: Change points need at least this many periods and questions.
MIN_CHANGE_PERIODS = 4
MIN_CHANGE_QUESTIONS = 20
PERMUTATIONS = 999

CALL_STATS_COLUMNS = [
    "call_id", "kind", "date", "person_id", "speaker", "role", "turns", "words", "talk_s", "talk_share",
    "share_basis", "questions", "questions_per_turn", "longest_monologue_s", "longest_monologue_words",
    "turns_per_minute",
]  # fmt: skip
YIELD_COLUMNS = [
    "call_id", "index", "date", "person_id", "speaker", "role", "kind", "focus", "yield_s", "yield_words", "reply_turns",
]  # fmt: skip
CHANGE_COLUMNS = [
    "person_id", "name", "periods", "questions", "period_before_end", "period_after_start", "share_before",
    "share_after", "share_before_low", "share_before_high", "share_after_low", "share_after_high", "llr", "p_value",
    "significant", "note",
]  # fmt: skip
_PERSON_METRICS = {
    "talk_share": "talk_share",
    "questions": "questions_per_call",
    "longest_monologue_s": "longest_monologue_s",
    "longest_monologue_words": "longest_monologue_words",
    "turns_per_minute": "turns_per_minute",
}


def _prepare(utterances: pd.DataFrame) -> pd.DataFrame:
    """Give the turns in call order with ``_key`` (speaker-person), ``_dur`` and ``_words`` added."""
    u = utterances.sort_values(["call_id", "index"], kind="stable").reset_index(drop=True)
    speaker = u["speaker"].astype("string").fillna("")
    key = u["person_id"].astype("string").fillna(speaker)
    dur = (u["end_s"].astype(float) - u["start_s"].astype(float)).clip(lower=0.0)
    words = u["text"].astype("string").fillna("").str.count(r"\S+").astype("int64")
    return u.assign(_key=key, _dur=dur, _words=words)


def call_stats(utterances: pd.DataFrame) -> pd.DataFrame:
    """Give one row per call and speaker-person: turns, words, talk time and share, questions, monologues.

    Parameters
    ----------
    utterances
        The utterance table of :func:`convolens.score`.

    Returns
    -------
    pandas.DataFrame
        Columns ``CALL_STATS_COLUMNS``. ``talk_share`` is by time when every
        turn of the call is timed (``share_basis="time"``), else by words;
        ``turns_per_minute`` is the call's (the same on each of its rows): all
        its turns over the span of its known times, NaN without times.
    """
    u = _prepare(utterances)
    by_call = u.groupby("call_id", sort=False)
    timed = u["_dur"].notna()
    call = pd.DataFrame(
        {
            "all_timed": timed.groupby(u["call_id"], sort=False).all(),
            "call_s": by_call["_dur"].sum(),
            "call_words": by_call["_words"].sum(),
            "call_turns": by_call.size(),
            # The span of whatever times are known: partly timed calls still have a length.
            "span_s": np.fmax(u["end_s"], u["start_s"]).groupby(u["call_id"], sort=False).max()
            - by_call["start_s"].min(),
        }
    )
    per = u.groupby(["call_id", "_key"], sort=False).agg(
        kind=("kind", "first"),
        date=("date", "first"),
        person_id=("person_id", "first"),
        speaker=("speaker", "first"),
        role=("role", "first"),
        turns=("index", "size"),
        words=("_words", "sum"),
        questions=("is_question", "sum"),
        longest_monologue_s=("_dur", "max"),
        longest_monologue_words=("_words", "max"),
    )
    per["talk_s"] = u.groupby(["call_id", "_key"], sort=False)["_dur"].sum(min_count=1)
    per = per.reset_index().join(call, on="call_id")
    by_time = per["all_timed"] & (per["call_s"] > 0)
    per["share_basis"] = np.where(by_time, "time", "words")
    share_time = per["talk_s"] / per["call_s"]
    share_words = per["words"] / per["call_words"].where(per["call_words"] > 0)
    per["talk_share"] = share_time.where(by_time, share_words)
    per["questions"] = per["questions"].astype("int64")
    per["questions_per_turn"] = per["questions"] / per["turns"]
    per["turns_per_minute"] = per["call_turns"] / (per["span_s"].where(per["span_s"] > 0) / 60.0)
    return per[CALL_STATS_COLUMNS].reset_index(drop=True)


def person_stats(utterances: pd.DataFrame, by: Role = "manager") -> pd.DataFrame:
    """Give per person the means over their calls of talk share, questions, monologue and pace, and vs the median.

    Managers are measured in their one-on-ones and reps in their customer
    calls. Each mean ``m`` comes with ``m_vs_median``: ``m`` over the median
    of ``m`` across all people of that role in that call kind, so 1.5 means
    "half as much again as the typical manager in one-on-ones" whatever the
    kind's own level (a rep talks more in a discovery call than a manager in
    a coaching session, and that is no finding).

    Parameters
    ----------
    utterances
        The utterance table of :func:`convolens.score`.
    by
        ``manager`` or ``rep``.
    """
    kind, role = CONTEXT[by]
    cs = call_stats(utterances)
    cs = cs[(cs["kind"] == kind) & (cs["role"] == role) & cs["person_id"].notna()]
    grouped = cs.groupby("person_id", sort=True)
    out = grouped.agg(name=("speaker", "first"), calls=("call_id", "nunique"))
    out.insert(0, "context", kind)
    for source, target in _PERSON_METRICS.items():
        out[target] = grouped[source].mean()
    for target in _PERSON_METRICS.values():
        median = out[target].median()
        out[f"{target}_vs_median"] = out[target] / median if median and not math.isnan(median) else math.nan
    return out.reset_index()


def question_yield(utterances: pd.DataFrame) -> pd.DataFrame:
    """Give, for every question turn, what it drew: the other speakers' turns until the asker speaks again.

    The reply runs from the turn after the question to the turn before the
    asker's next turn in the same call (to the end of the call when they never
    speak again), so a question at the very end yields 0 words and 0 turns.
    ``yield_s`` is the reply's talk time: NaN when the call has no times at
    all or a reply turn is untimed (0 for an unanswered question in a timed call).

    Linear in the number of turns: each question's reply is a difference of
    running sums, bounded by the asker's next turn found with one grouped shift.
    """
    u = _prepare(utterances)
    pos = np.arange(len(u))
    call_end = u.groupby("call_id", sort=False)["index"].transform("size").to_numpy() + (
        pos - u.groupby("call_id", sort=False).cumcount().to_numpy()
    )
    nxt = pd.Series(pos, index=u.index).groupby([u["call_id"], u["_key"]], sort=False).shift(-1)
    stop = nxt.fillna(pd.Series(call_end, index=u.index)).to_numpy(dtype=np.int64)
    # Prefix sums with a leading 0: the sum over turns [a, b) is cum[b] - cum[a].
    timed = u["_dur"].notna().to_numpy()
    cum_words = np.concatenate([[0], np.cumsum(u["_words"].to_numpy())])
    cum_s = np.concatenate([[0.0], np.cumsum(np.nan_to_num(u["_dur"].to_numpy(dtype=float)))])
    cum_untimed = np.concatenate([[0], np.cumsum(~timed)])
    call_timed = pd.Series(timed).groupby(u["call_id"].to_numpy(), sort=False).transform("any").to_numpy()
    q = u["is_question"].to_numpy(dtype=bool)
    a, b = pos[q] + 1, stop[q]
    yield_s = cum_s[b] - cum_s[a]
    ok = call_timed[q] & (cum_untimed[b] - cum_untimed[a] == 0)
    out = u.loc[q, YIELD_COLUMNS[:8]].reset_index(drop=True)
    out["yield_s"] = np.where(ok, yield_s, np.nan)
    out["yield_words"] = (cum_words[b] - cum_words[a]).astype("int64")
    out["reply_turns"] = (b - a).astype("int64")
    return out


def mann_whitney_p(x: np.ndarray | pd.Series, y: np.ndarray | pd.Series) -> float:
    """Give the two-sided Mann-Whitney U p-value (normal approximation, tie and continuity corrected).

    Matches ``scipy.stats.mannwhitneyu(x, y, method="asymptotic")``; NaN when
    either sample is empty, 1 when every value is tied.
    """
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    n1, n2 = len(xs), len(ys)
    if n1 == 0 or n2 == 0:
        return math.nan
    both = pd.Series(np.concatenate([xs, ys]))
    ranks = both.rank(method="average").to_numpy()
    u1 = float(ranks[:n1].sum()) - n1 * (n1 + 1) / 2
    n = n1 + n2
    ties = both.value_counts().to_numpy(dtype=float)
    variance = n1 * n2 / 12 * ((n + 1) - float((ties**3 - ties).sum()) / (n * (n - 1)))
    if variance <= 0:
        return 1.0
    z = (abs(u1 - n1 * n2 / 2) - 0.5) / math.sqrt(variance)
    return min(1.0, math.erfc(max(z, 0.0) / math.sqrt(2)))


def yield_summary(yields: pd.DataFrame, by: Role = "manager") -> pd.DataFrame:
    """Give per person the median yield of their customer-impact vs revenue questions, with a test.

    ``yields`` is :func:`question_yield`'s table. Counted as in
    :mod:`convolens.aggregate`: managers' questions in one-on-ones, reps' in
    customer calls. ``p_value`` is the Mann-Whitney U test on words (always
    known, unlike seconds); ``small_sample`` marks fewer than 8 questions in
    either group, where the medians and the test mean little.
    """
    kind, role = CONTEXT[by]
    y = yields[(yields["kind"] == kind) & (yields["role"] == role) & yields["person_id"].notna()]
    rows = []
    for pid, part in y.groupby("person_id", sort=True):
        imp = part[part["focus"] == "customer_impact"]
        rev = part[part["focus"] == "revenue"]
        row: dict[str, object] = {"person_id": pid, "name": part["speaker"].iloc[0], "context": kind}
        row["n_impact"], row["n_revenue"] = len(imp), len(rev)
        for unit in ("words", "s"):
            mi, mr = imp[f"yield_{unit}"].median(), rev[f"yield_{unit}"].median()
            row[f"median_{unit}_impact"], row[f"median_{unit}_revenue"] = mi, mr
            row[f"{unit}_ratio"] = mi / mr if mr and not math.isnan(mr) else math.nan
        row["p_value"] = mann_whitney_p(imp["yield_words"], rev["yield_words"])
        row["small_sample"] = min(len(imp), len(rev)) < MIN_YIELD_QUESTIONS
        rows.append(row)
    columns = [
        "person_id", "name", "context", "n_impact", "n_revenue", "median_words_impact", "median_words_revenue",
        "words_ratio", "median_s_impact", "median_s_revenue", "s_ratio", "p_value", "small_sample",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _best_split(impact: np.ndarray, totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Give, per row of ``impact`` (impact counts per period), the best split and its LLR.

    Split ``k`` puts periods ``[0, k)`` before and ``[k, m)`` after. The LLR is
    the binomial log-likelihood with one share per side minus that with one
    share overall (natural log, not doubled).
    """
    cum_i = np.cumsum(impact, axis=-1)[..., :-1]
    cum_n = np.cumsum(totals)[:-1]
    total_i = impact.sum(axis=-1, keepdims=True)
    total_n = totals.sum()

    def loglik(k: np.ndarray, n: np.ndarray | float) -> np.ndarray:
        # x log p + (n - x) log(1 - p) at p = k / n, with 0 log 0 = 0.
        with np.errstate(divide="ignore", invalid="ignore"):
            p = k / n
            terms = np.where(k > 0, k * np.log(p), 0.0) + np.where(n - k > 0, (n - k) * np.log1p(-p), 0.0)
        return np.asarray(terms, dtype=float)

    llr = loglik(cum_i, cum_n) + loglik(total_i - cum_i, total_n - cum_n) - loglik(total_i, float(total_n))
    best = llr.argmax(axis=-1)
    return best, np.take_along_axis(llr, best[..., None], axis=-1)[..., 0]


def _change_point(labels: list[str], impact: np.ndarray, totals: np.ndarray, seed: int) -> dict[str, object]:
    best, llr = _best_split(impact, totals)
    k = int(best) + 1
    before_i, before_n = impact[:k].sum(), totals[:k].sum()
    after_i, after_n = impact[k:].sum(), totals[k:].sum()
    # Null: the share never changed, so the questions' outcomes are exchangeable in time. Shuffle
    # them over the fixed per-period volumes and re-maximise over splits, which calibrates the
    # maximisation that makes a chi-square(1) p-value far too small.
    outcomes = np.repeat([1, 0], [int(impact.sum()), int(totals.sum() - impact.sum())]).astype(np.int32)
    bounds = np.cumsum(totals)[:-1]
    rng = np.random.default_rng(seed)
    exceed = 0
    chunk = max(1, min(PERMUTATIONS, 5_000_000 // max(1, len(outcomes))))
    for start in range(0, PERMUTATIONS, chunk):
        perm = rng.permuted(np.tile(outcomes, (min(chunk, PERMUTATIONS - start), 1)), axis=1)
        per_period = np.add.reduceat(perm, np.concatenate([[0], bounds]), axis=1)
        exceed += int((_best_split(per_period, totals)[1] >= float(llr) - 1e-9).sum())
    p_value = (exceed + 1) / (PERMUTATIONS + 1)
    before_low, before_high = wilson_interval(int(before_i), int(before_n))
    after_low, after_high = wilson_interval(int(after_i), int(after_n))
    return {
        "period_before_end": labels[k - 1],
        "period_after_start": labels[k],
        "share_before": before_i / before_n,
        "share_after": after_i / after_n,
        "share_before_low": before_low,
        "share_before_high": before_high,
        "share_after_low": after_low,
        "share_after_high": after_high,
        "llr": float(llr),
        "p_value": p_value,
        "significant": p_value < 0.05,
        "note": "",
    }


def change_points(
    utterances: pd.DataFrame, by: Role = "manager", period: Period = "week", *, seed: int = 0
) -> pd.DataFrame:
    """Give per person the single best change point in their impact share over periods, with a permutation p-value.

    Questions are counted as in :func:`convolens.aggregate.question_mix`
    (managers' in one-on-ones, reps' in customer calls; revenue and
    customer_impact only; undated ones left out). The split of the period
    sequence that maximises the two-share binomial likelihood is kept.

    ``p_value`` comes from a permutation test (999 shuffles of the questions'
    outcomes over the periods, seeded by ``seed``): the split is chosen by
    maximising, so the LLR does not follow chi-square(1), and a BIC rule
    would give a verdict but no p-value to report. People with fewer than 4
    periods or 20 questions get ``note="too little data"`` and are never
    significant.
    """
    kind, role = CONTEXT[by]
    q = utterances[
        utterances["is_question"]
        & (utterances["kind"] == kind)
        & (utterances["role"] == role)
        & utterances["focus"].isin(["revenue", "customer_impact"])
        & utterances["date"].notna()
        & utterances["person_id"].notna()
    ]
    q = q.assign(_period=_period_labels(q["date"], period), _impact=(q["focus"] == "customer_impact").astype(int))
    rows = []
    for pid, part in q.groupby("person_id", sort=True):
        counts = part.groupby("_period", sort=True)["_impact"].agg(["sum", "size"])
        row: dict[str, object] = {
            "person_id": pid,
            "name": part["speaker"].iloc[0],
            "periods": len(counts),
            "questions": len(part),
        }
        if len(counts) < MIN_CHANGE_PERIODS or len(part) < MIN_CHANGE_QUESTIONS:
            row.update(significant=False, note="too little data")
        else:
            labels = [str(label) for label in counts.index]
            row.update(_change_point(labels, counts["sum"].to_numpy(), counts["size"].to_numpy(), seed))
        rows.append(row)
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def small_sample_warnings(summary: pd.DataFrame, max_width: float = 0.30) -> pd.Series:
    """Give a warning per summary row whose impact-share 95% interval is wider than ``max_width``, else "".

    ``summary`` is ``convolens.report(...).summary``. A row with no revenue or
    customer-impact questions at all has no interval and is warned too.
    """
    width = summary["impact_share_high"] - summary["impact_share_low"]
    messages = [
        "no revenue or customer-impact questions to act on"
        if math.isnan(w)
        else f"too few questions to act on: 95% interval spans {round(w * 100)} points"
        if w > max_width
        else ""
        for w in width.astype(float)
    ]
    return pd.Series(messages, index=summary.index, name="warning", dtype=object)


__all__ = [
    "call_stats",
    "change_points",
    "mann_whitney_p",
    "person_stats",
    "question_yield",
    "small_sample_warnings",
    "yield_summary",
]
