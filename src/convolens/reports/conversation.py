"""Conversation figures in the report: talk share, questions, monologues and pace against the median manager.

The figures are :func:`convolens.stats.person_stats`' for managers in their
one-on-ones, so they match ``convolens stats``; each is also shown as a ratio
to the median manager, which cancels the call kind's own level.
"""

from __future__ import annotations

import pandas as pd

from .page import anchor, figure, times
from .rundata import CONVERSATION_FIGURES, RunData, person_row
from .shifts import shift_cell
from .svg import esc
from .yields import compact_cell

#: With fewer managers than this, "the median manager" is hardly a norm to compare with.
MIN_PEERS = 3
_DIGITS = {"longest_monologue_words": 0}


def _peers_note(data: RunData) -> str:
    n = len(data.manager_stats)
    if n >= MIN_PEERS:
        return ""
    return (
        f'<p class="warn">⚠ Only {n} manager{"" if n == 1 else "s"} with one-on-ones in this run: the comparison '
        f"with the median manager says little (needs {MIN_PEERS}).</p>"
    )


def manager_figures(data: RunData, row: pd.Series) -> str:
    """Give a manager's conversation figures in their one-on-ones next to the median manager's."""
    pid, name = str(row["id"]), str(row["name"])
    head = "<h3>Conversation in one-on-ones, against the median manager</h3>"
    mine = person_row(data.manager_stats, pid)
    if mine is None:
        return f'<div class="conversation">{head}<p class=muted>No one-on-ones with {esc(name)} speaking.</p></div>'
    rows = "".join(
        f"<tr><td>{esc(label)}</td><td class=n>{figure(mine[column], unit, _DIGITS.get(column, 1))}</td>"
        f"<td class=n>{figure(data.manager_medians[column], unit, _DIGITS.get(column, 1))}</td>"
        f"<td class=n>{times(mine[f'{column}_vs_median'])}</td></tr>"
        for column, label, unit in CONVERSATION_FIGURES
    )
    n_calls, n_peers = int(mine["calls"]), len(data.manager_stats)
    return (
        f'<div class="conversation">{head}'
        f"<table><tr><th>Figure</th><th>{esc(name)}</th><th>Median manager</th><th>{esc(name)} × median</th></tr>"
        f"{rows}</table><p class=muted>Means over {n_calls} one-on-one{'' if n_calls == 1 else 's'}; the median is "
        f"over {n_peers} manager{'' if n_peers == 1 else 's'} in their one-on-ones.</p>{_peers_note(data)}</div>"
    )


def _stat_cell(mine: pd.Series | None, column: str, unit: str) -> str:
    if mine is None:
        return "<td class=n>–</td>"
    value = figure(mine[column], unit, _DIGITS.get(column, 1))
    return f"<td class=n>{value} <span class=muted>{times(mine[f'{column}_vs_median'])}</span></td>"


def organisation_conversation(data: RunData) -> str:
    """Give the organisation view's one-row-per-manager table of conversation figures, yield and mix shift."""
    if data.managers.empty:
        return ""
    shown = [(c, label, unit) for c, label, unit in CONVERSATION_FIGURES if c != "longest_monologue_words"]
    heads = ("Talk share", "Questions / 1:1", "Longest monologue", "Turns / min")
    rows = []
    for _, r in data.managers.iterrows():
        pid = str(r["id"])
        mine = person_row(data.manager_stats, pid)
        cells = "".join(_stat_cell(mine, c, unit) for c, _, unit in shown)
        calls = "–" if mine is None else str(int(mine["calls"]))
        rows.append(
            f'<tr><td><a href="#{anchor(pid)}">{esc(r["name"])}</a></td><td class=n>{calls}</td>{cells}'
            f"{compact_cell(person_row(data.manager_yield, pid))}{shift_cell(data, pid)}</tr>"
        )
    medians = "".join(
        f"<td class=n>{figure(data.manager_medians[c], unit, _DIGITS.get(c, 1))}</td>" for c, _, unit in shown
    )
    rows.append(f"<tr><td><i>Median manager</i></td><td></td>{medians}<td></td><td></td></tr>")
    return (
        '<div id="org-conversation"><h3>Managers: conversation in one-on-ones</h3>'
        "<table><tr><th>Manager</th><th>1:1s</th>"
        + "".join(f"<th>{h}</th>" for h in heads)
        + "<th>Reply after impact vs revenue Qs (median)</th><th>Mix shift</th></tr>"
        + "".join(rows)
        + "</table><p class=muted>Each figure is the mean over the manager's one-on-ones, then (grey) × the median "
        "manager. Longest monologue in seconds; turns per minute of both speakers.</p>" + _peers_note(data) + "</div>"
    )
