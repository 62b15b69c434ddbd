"""Moving runs to and from ConvoKit: a scored run as a ``Corpus``, and a ``Corpus`` scored.

ConvoKit is an optional extra (``pip install 'convolens[convokit]'``) and is
imported only when one of these functions runs: its import is slow.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import __version__
from ..classifiers import DEFAULT_MODEL
from ..classifiers.base import FocusClassifier
from ..errors import ConvolensError, InputFormatError
from ..model import CallKind
from ..pipeline import ScoreResult
from ..roster import Roster
from .frame import _UTTERANCE_FIELDS, CALL_FIELDS, _missing, _roster, _score, _transcripts

if TYPE_CHECKING:
    from convokit import Corpus

CONVOKIT_SOURCE = "<convokit>"
_INSTALL = "ConvoKit is not installed: pip install 'convolens[convokit]'"


def to_convokit(run: str | Path | ScoreResult) -> Corpus:
    """Give a scored run (a run folder or a :class:`ScoreResult`) as a ConvoKit ``Corpus``.

    One conversation per call (id = ``call_id``; meta: the calls table's
    columns, ``date`` as ``YYYY-MM-DD``), one utterance per turn (id =
    ``<call_id>:<index>``, ``reply_to`` = the call's previous turn; meta: the
    labels and times), one speaker per speaker name (meta: ``person_id``,
    ``name``, ``role``, ``team``, ``manager_id``, ``manager`` from the roster).
    ``timestamp`` is the POSIX time of the call's date (00:00 UTC) plus the
    turn's start in seconds, whichever of the two is known; ``None`` with
    neither. Corpus meta: ``convolens_version``, ``model``, the run
    ``summary`` and the roster as ``people`` records. Calls without turns
    have no conversation (ConvoKit makes conversations from utterances).
    """
    convokit = _require_convokit()
    if not isinstance(run, ScoreResult):
        from ..api import load_run

        run = load_run(run)
    utterances = _ordered(run.utterances, run.calls)
    utterances["speaker"] = utterances["speaker"].fillna("")
    if utterances.empty:
        raise ConvolensError("the run has no utterances to make a ConvoKit corpus of")
    people = {str(r["person_id"]): r for r in _records(run.people)}
    speakers = {
        name: convokit.Speaker(id=name, meta=_speaker_meta(rows, people))
        for name, rows in utterances.groupby("speaker", sort=False)
    }
    items = []
    previous: tuple[str, str] | None = None  # (call id, utterance id)
    for row in _records(utterances):
        cid = str(row["call_id"])
        uid = f"{cid}:{row['index']}"
        start, date = row["start_s"], row["date"]
        stamp = None if date is None and start is None else _posix(date) + (start or 0.0)
        meta = {k: row[k] for k in _UTTERANCE_META}
        reply_to = previous[1] if previous is not None and previous[0] == cid else None
        items.append(
            convokit.Utterance(
                id=uid,
                speaker=speakers[row["speaker"]],
                conversation_id=cid,
                reply_to=reply_to,
                timestamp=stamp,
                text=row["text"] or "",
                meta=meta,
            )
        )
        previous = (cid, uid)
    corpus = convokit.Corpus(utterances=items)
    for call in _records(run.calls):
        cid = str(call.pop("call_id"))
        if corpus.has_conversation(cid):
            conversation = corpus.get_conversation(cid)
            for key, value in call.items():
                conversation.meta[key] = value.isoformat() if isinstance(value, dt.date) else value
    models = sorted(set(utterances["model"].dropna().astype(str)))
    corpus.meta["convolens_version"] = __version__
    corpus.meta["model"] = run.summary.model or ", ".join(models)
    corpus.meta["summary"] = run.summary.as_dict()
    corpus.meta["people"] = list(people.values())
    return corpus


def from_convokit(
    corpus: Corpus | str | Path,
    *,
    kind: str | CallKind | None = None,
    roster: str | Path | Roster | pd.DataFrame | None = None,
    model: str | FocusClassifier = DEFAULT_MODEL,
    device: str | None = None,
    redact: bool = False,
    out: str | Path | None = None,
) -> ScoreResult:
    """Give the scored calls and utterances of a ConvoKit corpus (an object or a corpus folder).

    Each conversation is a call (``call_id`` = conversation id); each
    utterance a turn, spoken by its speaker's id. Turns are ordered by
    timestamp when every utterance of the conversation has a numeric one,
    ties (and conversations without timestamps) by the reply chain when the
    conversation is one chain, else in corpus order. Call kind, date, title
    and source come from the conversation meta (as :func:`to_convokit` writes
    them); ``kind`` is used for conversations whose meta has none. Start and
    end seconds come from utterance meta ``start_s``/``end_s`` when present.
    Without ``roster``, the corpus meta ``people`` (written by
    :func:`to_convokit`) is the roster, when present. The rest is
    :func:`from_frame`.
    """
    convokit = _require_convokit()
    if isinstance(corpus, (str, Path)):
        corpus = convokit.Corpus(filename=str(corpus))
    try:
        fallback = CallKind.parse(kind) if isinstance(kind, str) else kind
    except ValueError as exc:
        raise ConvolensError(f"kind: {exc}") from None
    by_call: dict[str, list[Any]] = {}
    for utterance in corpus.iter_utterances():
        if utterance.conversation_id is None:
            raise InputFormatError(f"ConvoKit utterance {utterance.id!r} has no conversation_id")
        by_call.setdefault(str(utterance.conversation_id), []).append(utterance)
    rows: list[dict[str, Any]] = []
    call_rows: list[dict[str, Any]] = []
    for cid, utterances in by_call.items():
        for u in _conversation_order(utterances):
            meta = u.meta or {}
            rows.append(
                {
                    "id": u.id,
                    "call_id": cid,
                    "speaker": u.speaker.id if u.speaker is not None else "",
                    "text": u.text or "",
                    "start_s": meta.get("start_s"),
                    "end_s": meta.get("end_s"),
                }
            )
        conversation_meta = corpus.get_conversation(cid).meta or {}
        call_rows.append(
            {"call_id": cid, **{name: conversation_meta.get(name) for name in CALL_FIELDS}}
            | {"kind": conversation_meta.get("kind") or fallback}
        )
    # Indexed by ConvoKit id, so an error names the utterance or conversation it is about.
    frame = pd.DataFrame(rows, columns=["id", *_UTTERANCE_FIELDS]).set_index("id")
    calls = pd.DataFrame(call_rows, columns=["call_id", *CALL_FIELDS]).set_index("call_id", drop=False)
    corpus_meta = corpus.meta or {}
    people = corpus_meta.get("people") if "convolens_version" in corpus_meta else None
    if roster is None and people:
        table = pd.DataFrame(people).rename(columns={"person_id": "id", "manager_id": "manager"})
        roster = Roster.from_frame(table, source="<convokit corpus meta: people>")
    transcripts = _transcripts(frame, calls, {}, CONVOKIT_SOURCE, "convokit")
    return _score(transcripts, _roster(roster), model, device, redact, out)


# ---------------------------------------------------------------- ConvoKit

_UTTERANCE_META = (
    "index", "start_s", "end_s", "speaker_label", "person_id", "role", "is_question", "focus", "focus_score",
    "p_revenue", "p_customer_impact", "p_other", "theme", "question_text", "evidence", "model",
)  # fmt: skip


def _require_convokit() -> ModuleType:
    try:
        import convokit
    except ImportError:
        raise ConvolensError(_INSTALL) from None
    module: ModuleType = convokit
    return module


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Give rows as plain Python values (JSON-ready for ConvoKit meta): missing -> None, dates as dates."""
    rows = frame.astype(object).to_dict("records")
    return [{str(k): _plain(v) for k, v in row.items()} for row in rows]


def _plain(value: Any) -> Any:
    if _missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value.item() if hasattr(value, "item") else value


def _ordered(utterances: pd.DataFrame, calls: pd.DataFrame) -> pd.DataFrame:
    """Give the utterances in the calls table's order, each call's turns by index."""
    rank = {cid: i for i, cid in enumerate(calls["call_id"])}
    key = utterances["call_id"].map(rank).astype(float).fillna(len(rank))
    return utterances.assign(_rank=key).sort_values(["_rank", "index"], kind="stable").drop(columns="_rank")


def _posix(date: dt.date | None) -> float:
    if date is None:
        return 0.0
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc).timestamp()


def _speaker_meta(rows: pd.DataFrame, people: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """Give a speaker's meta: the roster's view of them, else customer when they spoke as one."""
    keys = ("person_id", "name", "role", "team", "manager_id")
    ids = rows["person_id"].dropna()
    person = people.get(str(ids.iloc[0])) if len(ids) else None
    if person is None:
        role = "customer" if (rows["role"] == "customer").any() else "unknown"
        return {**dict.fromkeys(keys), "role": role, "manager": None}
    boss = people.get(str(person["manager_id"])) if person["manager_id"] else None
    return {**{key: person[key] for key in keys}, "manager": boss["name"] if boss else None}


def _conversation_order(utterances: list[Any]) -> list[Any]:
    """Give a conversation's utterances in speaking order (see :func:`from_convokit`)."""
    ids = {u.id for u in utterances}
    children: dict[str | None, list[str]] = {}
    for u in utterances:
        children.setdefault(u.reply_to if u.reply_to in ids else None, []).append(u.id)
    rank = {u.id: i for i, u in enumerate(utterances)}
    if all(len(kids) == 1 for kids in children.values()):  # one root, each turn answered once: a chain
        chain: list[str] = []
        nxt = children.get(None, [None])[0]
        while nxt is not None and len(chain) < len(ids):  # a walk from the root never revisits a turn
            chain.append(nxt)
            nxt = children.get(nxt, [None])[0]
        if len(chain) == len(ids):
            rank = {uid: i for i, uid in enumerate(chain)}
    stamps = [u.timestamp for u in utterances]
    timed = all(isinstance(s, (int, float)) and not isinstance(s, bool) and math.isfinite(s) for s in stamps)
    return sorted(utterances, key=lambda u: (float(u.timestamp) if timed else 0.0, rank[u.id]))
