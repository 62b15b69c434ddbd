"""Speech-to-text vendor JSON: AssemblyAI, Deepgram and OpenAI Whisper / WhisperX.

AssemblyAI (``GET /v2/transcript/{id}`` with ``speaker_labels=true``)::

    {"id": "...", "status": "completed", "audio_url": "...", "text": "...", "words": [...],
     "utterances": [{"speaker": "A", "text": "...", "start": 250, "end": 2890, "confidence": 0.97, "words": [...]}]}

Utterance times are milliseconds. ``utterances`` is null without speaker labels.
Signature: a ``"audio_url"``, ``"acoustic_model"`` or ``"speech_model"`` key, or
``"speaker_labels": true|false``; or, for a trimmed file, ``"utterances"`` with a
string ``"speaker"`` and no ``"results"`` key in the head.

Deepgram pre-recorded (``/v1/listen?utterances=true&diarize=true``)::

    {"metadata": {"request_id": "...", "created": "...", "duration": 61.2, "channels": 1, ...},
     "results": {"channels": [{"alternatives": [{"transcript": "...", "words": [...],
                                                 "paragraphs": {"paragraphs": [...]}}]}],
                 "utterances": [{"start": 0.42, "end": 5.43, "transcript": "...", "speaker": 0, "channel": 0}]}}

Times are seconds; ``speaker`` is an int, kept as its digits (``"0"``). Without
``utterances``, channel paragraphs that carry a ``speaker`` are used.
Signature: ``"metadata": {`` with a ``"request_id"``, ``"sha256"`` or
``"model_info"`` key (``utterances`` comes after the long ``channels`` array), or
``"results": {"channels"|"utterances"``.

Whisper (``whisper --output_format json``, the API's ``verbose_json``) and WhisperX::

    {"text": "...", "segments": [{"start": 0.0, "end": 4.2, "text": "...", "speaker": "SPEAKER_00",
                                   "words": [...]}], "language": "en"}

Times are seconds. A bare top-level list of segments is accepted. Without any
speaker the whole file is one unnamed speaker (``""``); in a diarised file a
segment without ``speaker`` takes the most common speaker of its words, else
continues the previous speaker. Signature: a ``"segments"`` key, a first key
``"text"`` (the CLI writes the full text first, which can be long), ``"task":
"transcribe"``, or a list whose first object has ``"start"`` and ``"text"``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any, ClassVar

from ..model import Transcript
from .base import ReadOptions, Source
from .records import MS, Gatherer, as_dict, as_list, assemble, id_text, key_pattern, load_json, looks_like_json

_AAI = key_pattern("audio_url", "acoustic_model", "speech_model")
_AAI_FLAG = re.compile(r'"speaker_labels"\s*:\s*(?:true|false)')
_UTTERANCES = key_pattern("utterances")
_STR_SPEAKER = re.compile(r'"speaker"\s*:\s*"')
_RESULTS_KEY = key_pattern("results")

_DG_META = re.compile(r'"metadata"\s*:\s*\{')
_DG_KEYS = key_pattern("request_id", "sha256", "model_info")
_DG_RESULTS = re.compile(r'"results"\s*:\s*\{\s*"(?:channels|utterances)"\s*:')

_SEGMENTS = key_pattern("segments")
_FIRST_TEXT = re.compile(r'^\s*\{\s*"text"\s*:')
_TASK = re.compile(r'"task"\s*:\s*"(?:transcribe|translate)"')
# The flat start of a leading list's first object; its keys are then looked for separately,
# since one regex asking for both keys in either order backtracks quadratically on a hostile head.
_LIST_FIRST = re.compile(r"^\s*\[\s*\{([^{}]*)")
_START_KEY = key_pattern("start")
_TEXT_KEY = key_pattern("text")


def _root(source: Source, vendor: str) -> dict[str, Any]:
    """Give the top-level JSON object; raise when the file is not JSON or not an object."""
    root = as_dict(load_json(source, vendor))
    if root is None:
        raise source.error(f"not a {vendor} transcript: the top level is not a JSON object")
    return root


class AssemblyAIReader:
    """Reads AssemblyAI transcript JSON with speaker labels (``utterances``)."""

    name: ClassVar[str] = "assemblyai"
    suffixes: ClassVar[tuple[str, ...]] = (".json",)

    def detect(self, source: Source) -> bool:
        """Give True for JSON whose head has AssemblyAI's request keys (or bare lettered utterances)."""
        head = source.head
        if not looks_like_json(head):
            return False
        if _AAI.search(head) or _AAI_FLAG.search(head):
            return True
        return bool(_UTTERANCES.search(head) and _STR_SPEAKER.search(head) and not _RESULTS_KEY.search(head))

    def parse(self, source: Source, options: ReadOptions) -> Iterator[Transcript]:
        """Yield the one transcript; ``utterances`` milliseconds become seconds."""
        root = _root(source, "AssemblyAI")
        utterances = root.get("utterances")
        if utterances is None:
            status = root.get("status")
            if isinstance(status, str) and status != "completed":
                raise source.error(f"AssemblyAI transcript status is {status!r}, not 'completed': no speech to read")
            raise source.error(
                "no speaker labels: key 'utterances' is missing or null (transcribe with speaker_labels=true)"
            )
        items = as_list(utterances)
        if items is None:
            raise source.error("not an AssemblyAI transcript: 'utterances' is not a list")
        g = Gatherer(source)
        for i, utt in enumerate(items):
            where = f"utterances[{i}]"
            obj = as_dict(utt)
            if obj is None:
                g.warn(f"{where} is not an object; skipped")
                continue
            text = g.text(obj.get("text"), where)
            if text is not None:
                g.add(id_text(obj.get("speaker")), text, obj.get("start"), obj.get("end"), MS, where, i + 1)
        yield from assemble(source, self.name, [g.part])


class DeepgramReader:
    """Reads Deepgram pre-recorded JSON with diarised ``utterances`` (or speaker paragraphs)."""

    name: ClassVar[str] = "deepgram"
    suffixes: ClassVar[tuple[str, ...]] = (".json",)

    def detect(self, source: Source) -> bool:
        """Give True for JSON whose head has Deepgram's ``metadata`` block or ``results.channels``."""
        head = source.head
        if not looks_like_json(head):
            return False
        return bool((_DG_META.search(head) and _DG_KEYS.search(head)) or _DG_RESULTS.search(head))

    def parse(self, source: Source, options: ReadOptions) -> Iterator[Transcript]:
        """Yield the one transcript, from ``results.utterances`` or else from speaker paragraphs."""
        root = _root(source, "Deepgram")
        results = as_dict(root.get("results"))
        if results is None:
            raise source.error("not a Deepgram response: key 'results' is missing")
        g = Gatherer(source)
        if results.get("utterances") is not None:
            _deepgram_utterances(source, g, results["utterances"])
        else:
            _deepgram_paragraphs(source, g, results.get("channels"))
        yield from assemble(source, self.name, [g.part])


def _deepgram_utterances(source: Source, g: Gatherer, value: Any) -> None:
    """Add one cue per Deepgram utterance."""
    items = as_list(value)
    if items is None:
        raise source.error("not a Deepgram response: 'results.utterances' is not a list")
    objs = [as_dict(u) for u in items]
    diarised = any(o is not None and o.get("speaker") is not None for o in objs)
    # id_text, not the raw value: a list or object as "channel" is unhashable.
    channels = {id_text(o.get("channel")) for o in objs if o is not None}
    if not diarised and len(channels) < 2:
        raise source.error("no speaker labels: utterances have no 'speaker' (request with diarize=true)")
    for i, obj in enumerate(objs):
        where = f"results.utterances[{i}]"
        if obj is None:
            g.warn(f"{where} is not an object; skipped")
            continue
        text = g.text(obj.get("transcript"), where)
        if text is None:
            continue
        # Multichannel audio without diarisation: each channel is one speaker.
        speaker = id_text(obj.get("speaker")) if diarised else f"channel_{id_text(obj.get('channel'))}"
        g.add(speaker, text, obj.get("start"), obj.get("end"), 1.0, where, i + 1)


def _deepgram_paragraphs(source: Source, g: Gatherer, value: Any) -> None:
    """Add one cue per paragraph that names a speaker, channels interleaved by start time."""
    found: list[tuple[float, int, str, dict[str, Any]]] = []
    for c, channel in enumerate(as_list(value) or []):
        alternatives = as_list((as_dict(channel) or {}).get("alternatives"))
        best = (as_dict(alternatives[0]) if alternatives else None) or {}
        paragraphs = as_list((as_dict(best.get("paragraphs")) or {}).get("paragraphs")) or []
        for p, para in enumerate(paragraphs):
            obj = as_dict(para)
            if obj is not None and obj.get("speaker") is not None:
                found.append((_sort_key(obj.get("start")), len(found), f"results.channels[{c}]...paragraphs[{p}]", obj))
    if not found:
        raise source.error(
            "no speaker labels: key 'results.utterances' is missing (request with utterances=true&diarize=true) "
            "and no channel paragraphs carry a speaker"
        )
    found.sort(key=lambda f: (f[0], f[1]))
    for record, (_, _, where, obj) in enumerate(found, start=1):
        sentences = as_list(obj.get("sentences")) or []
        texts = [s["text"] for s in sentences if isinstance(s, dict) and isinstance(s.get("text"), str)]
        if len(texts) < len(sentences):
            g.warn(f"{where}: {len(sentences) - len(texts)} sentence(s) without text skipped")
        g.add(id_text(obj.get("speaker")), " ".join(texts), obj.get("start"), obj.get("end"), 1.0, where, record)


def _sort_key(start: Any) -> float:
    """Give a paragraph's start for sorting (0 when it has none); an int beyond float range sorts last."""
    if not isinstance(start, (int, float)):
        return 0.0
    try:
        return float(start)
    except OverflowError:
        return math.inf


class WhisperReader:
    """Reads OpenAI Whisper / WhisperX JSON ``segments`` (with or without speakers)."""

    name: ClassVar[str] = "whisper"
    suffixes: ClassVar[tuple[str, ...]] = (".json",)

    def detect(self, source: Source) -> bool:
        """Give True for JSON with a ``segments`` key, Whisper's leading ``text`` key, or a list of segments."""
        head = source.head
        if not looks_like_json(head):
            return False
        return bool(_SEGMENTS.search(head) or _FIRST_TEXT.match(head) or _TASK.search(head) or _segment_list(head))

    def parse(self, source: Source, options: ReadOptions) -> Iterator[Transcript]:
        """Yield the one transcript; segments without a speaker continue the previous speaker."""
        data = load_json(source, "Whisper")
        segments = as_list(data)
        if segments is None:
            root = as_dict(data)
            if root is None:
                raise source.error("not a Whisper transcript: the top level is neither an object nor a list")
            segments = as_list(root.get("segments"))
            if segments is None:
                raise source.error("not a Whisper transcript: key 'segments' is missing or not a list")
        objs = [as_dict(s) for s in segments]
        diarised = any(o is not None and (o.get("speaker") is not None or _word_speaker(o)) for o in objs)
        g = Gatherer(source)
        for i, obj in enumerate(objs):
            where = f"segments[{i}]"
            if obj is None:
                g.warn(f"{where} is not an object; skipped")
                continue
            text = g.text(obj.get("text"), where)
            if text is None:
                continue
            speaker = (id_text(obj.get("speaker")) or _word_speaker(obj)) if diarised else ""
            g.add(speaker, text, obj.get("start"), obj.get("end"), 1.0, where, i + 1)
        yield from assemble(source, self.name, [g.part])


def _segment_list(head: str) -> bool:
    """Give True when ``head`` opens a list whose first object has ``"start":`` and ``"text":`` keys."""
    m = _LIST_FIRST.match(head)
    return bool(m and _START_KEY.search(m.group(1)) and _TEXT_KEY.search(m.group(1)))


def _word_speaker(segment: dict[str, Any]) -> str | None:
    """Give the most common ``speaker`` among a WhisperX segment's words, or None."""
    words = as_list(segment.get("words"))
    if not words:
        return None
    counts = Counter(id_text(w.get("speaker")) for w in words if isinstance(w, dict) and w.get("speaker") is not None)
    return counts.most_common(1)[0][0] if counts else None
