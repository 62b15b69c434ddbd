"""Gong call transcripts: the ``POST /v2/calls/transcript`` response, with optional call data.

Shape (Gong API v2)::

    {"requestId": "...", "records": {...},
     "callTranscripts": [
        {"callId": "7782342274025937895",
         "transcript": [{"speakerId": "6432345678555530067", "topic": "Pricing",
                         "sentences": [{"start": 460, "end": 1420, "text": "..."}]}]}]}

Sentence times are milliseconds from the start of the call. The file may also
carry a ``calls`` list shaped like the ``/v2/calls/extensive`` response (each
call with ``metaData`` {id, title, started...} and ``parties`` [{speakerId,
name, affiliation...}]) or the flat ``/v2/calls`` shape ({id, title,
started...}); ``parties`` (and ``metaData``) may also sit inside a
``callTranscripts`` entry. Parties fill ``CallMeta.speaker_names`` (speakerId
-> name) and ``external_speakers`` (affiliation ``External``); turns keep the
speakerId, which the pipeline maps to names later.

Detection signature (in the first 8 KB): a ``"callTranscripts":`` key, or
``"speakerId":`` together with ``"sentences":``, or Gong's paging envelope
``"requestId":`` with ``"records":`` (a leading ``calls`` list can push the
transcripts past 8 KB).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from ..model import CallMeta, Problem, Transcript
from .base import ReadOptions, Source, clean_text
from .records import (
    MS,
    CallParts,
    Gatherer,
    as_dict,
    as_list,
    assemble,
    id_text,
    key_pattern,
    load_json,
    looks_like_json,
    require_key,
)

_TRANSCRIPTS = key_pattern("callTranscripts")
_SPEAKER_ID = key_pattern("speakerId")
_SENTENCES = key_pattern("sentences")
_REQUEST_ID = key_pattern("requestId")
_RECORDS = key_pattern("records")


@dataclass(frozen=True)
class _CallInfo:
    """What a ``calls`` entry says about one call."""

    meta: dict[str, Any]
    parties: list[Any]


class GongReader:
    """Reads Gong ``callTranscripts`` JSON: one transcript per call in the file."""

    name: ClassVar[str] = "gong"
    suffixes: ClassVar[tuple[str, ...]] = (".json",)

    def detect(self, source: Source) -> bool:
        """Give True for JSON whose head has Gong's ``callTranscripts`` or monologue keys."""
        head = source.head
        if not looks_like_json(head):
            return False
        if _TRANSCRIPTS.search(head) or (_SPEAKER_ID.search(head) and _SENTENCES.search(head)):
            return True
        return bool(_REQUEST_ID.search(head) and _RECORDS.search(head))

    def parse(self, source: Source, options: ReadOptions) -> Iterator[Transcript]:
        """Yield one transcript per ``callTranscripts`` entry, with call data where the file has it."""
        root = as_dict(load_json(source, "Gong"))
        if root is None:
            raise source.error("not a Gong transcript: the top level is not a JSON object")
        entries = as_list(require_key(source, root, "callTranscripts", "", "a Gong transcript"))
        if entries is None:
            raise source.error("not a Gong transcript: 'callTranscripts' is not a list")
        file_problems: list[Problem] = []
        calls = _index_calls(source, root.get("calls"), file_problems)
        parts = [_read_call(source, entry, f"callTranscripts[{i}]", calls) for i, entry in enumerate(entries)]
        yield from assemble(source, self.name, parts, file_problems)


def _index_calls(source: Source, value: Any, problems: list[Problem]) -> dict[str, _CallInfo]:
    """Give call id -> call data from a ``calls`` list (extensive or flat shape)."""
    out: dict[str, _CallInfo] = {}
    if value is None:
        return out
    calls = as_list(value)
    if calls is None:
        problems.append(Problem(source.name, "'calls' is not a list; call titles and parties ignored", level="warning"))
        return out
    for i, call in enumerate(calls):
        obj = as_dict(call) or {}
        # /v2/calls/extensive nests the call under "metaData"; /v2/calls puts its fields at the top.
        meta = as_dict(obj.get("metaData")) or obj
        call_id = id_text(meta.get("id"))
        if call_id is None:
            problems.append(Problem(source.name, f"calls[{i}] has no call id; ignored", level="warning"))
            continue
        out[call_id] = _CallInfo(meta=meta, parties=as_list(obj.get("parties")) or [])
    return out


def _read_call(source: Source, entry: Any, where: str, calls: dict[str, _CallInfo]) -> CallParts:
    """Give the cues, metadata and warnings of one ``callTranscripts`` entry."""
    g = Gatherer(source)
    obj = as_dict(entry)
    if obj is None:
        g.warn(f"{where} is not an object; skipped")
        return g.part
    call_id = id_text(obj.get("callId"))
    if call_id is None:
        g.warn(f"{where} has no callId")
    info = calls.get(call_id) if call_id is not None else None
    meta = as_dict(obj.get("metaData")) or (info.meta if info else {})
    parties = as_list(obj.get("parties")) or (info.parties if info else [])
    names, external = _speakers(parties)
    g.part.meta = CallMeta(
        call_id=call_id,
        title=_title(meta.get("title")),
        date=_date(g, meta.get("started") or meta.get("scheduled"), where),
        speaker_names=names,
        external_speakers=external,
    )
    monologues = as_list(obj.get("transcript"))
    if monologues is None:
        g.warn(f"{where} has no 'transcript' list")
        return g.part
    record = 0
    for j, mono in enumerate(monologues):
        here = f"{where}.transcript[{j}]"
        mono_obj = as_dict(mono)
        sentences = as_list(mono_obj.get("sentences")) if mono_obj is not None else None
        if mono_obj is None or sentences is None:
            g.warn(f"{here} has no 'sentences' list; skipped")
            continue
        # A monologue is by definition one speaker; without an id it is nobody named, not the previous speaker.
        speaker = id_text(mono_obj.get("speakerId")) or ""
        for k, sentence in enumerate(sentences):
            record += 1
            spot = f"{here}.sentences[{k}]"
            s_obj = as_dict(sentence)
            if s_obj is None:
                g.warn(f"{spot} is not an object; skipped")
                continue
            text = g.text(s_obj.get("text"), spot)
            if text is not None:
                g.add(speaker, text, s_obj.get("start"), s_obj.get("end"), MS, spot, record)
    return g.part


def _speakers(parties: list[Any]) -> tuple[dict[str, str], frozenset[str]]:
    """Give speakerId -> name and the speakerIds whose affiliation is External."""
    names: dict[str, str] = {}
    external: set[str] = set()
    for party in parties:
        obj = as_dict(party)
        speaker = id_text(obj.get("speakerId")) if obj is not None else None
        if obj is None or speaker is None:
            continue  # parties who never spoke have no speakerId
        name = obj.get("name")
        if isinstance(name, str) and clean_text(name):
            names[speaker] = clean_text(name)
        affiliation = obj.get("affiliation")
        if isinstance(affiliation, str) and affiliation.strip().lower() == "external":
            external.add(speaker)
    return names, frozenset(external)


def _title(value: Any) -> str | None:
    """Give a cleaned call title, or None when there is none."""
    return (clean_text(value) or None) if isinstance(value, str) else None


def _date(g: Gatherer, value: Any, where: str) -> dt.date | None:
    """Give the calendar date of an ISO datetime as written (the call's local date), or None."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            # The date part as written keeps the call's own local date, whatever its UTC offset.
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    g.warn(f"{where}: call start {value!r} is not an ISO date; date left empty")
    return None
