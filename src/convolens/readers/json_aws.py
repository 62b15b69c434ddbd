"""Amazon Transcribe batch output with speaker partitioning (diarisation).

Shape (``ShowSpeakerLabels=true``)::

    {"jobName": "...", "accountId": "...", "status": "COMPLETED",
     "results": {"transcripts": [{"transcript": "..."}],
                 "speaker_labels": {"speakers": 2, "segments": [
                     {"speaker_label": "spk_0", "start_time": "4.87", "end_time": "6.88", "items": [...]}]},
                 "items": [{"start_time": "4.87", "end_time": "5.02", "type": "pronunciation",
                            "alternatives": [{"content": "I've", "confidence": "1.0"}]},
                           {"type": "punctuation", "alternatives": [{"content": "."}]}],
                 "audio_segments": [{"id": 0, "speaker_label": "spk_0", "transcript": "...",
                                     "start_time": "4.87", "end_time": "6.88", "items": [0, 1]}]}}

Times are strings of seconds. Newer outputs add ``audio_segments`` with the
text of each speaker segment; when every one of them has a ``speaker_label``
they are used as they are. Otherwise each ``speaker_labels`` segment gets the
words of ``items`` that fall in its time span, punctuation glued to the word
before it. Items and segments are both in time order, so one pointer walks the
items once (linear, whatever the file size).

Detection signature (in the first 8 KB): a ``"jobName":`` key, or
``"results": {"transcripts":`` (the transcript text comes first and can be
long, so ``speaker_labels`` is often past the head).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar

from ..model import Transcript
from .base import ReadOptions, Source
from .records import Gatherer, as_dict, as_list, assemble, id_text, key_pattern, load_json, looks_like_json, require_key

_JOB = key_pattern("jobName")
_RESULTS = re.compile(r'"results"\s*:\s*\{\s*"transcripts"\s*:')
_WHAT = "an Amazon Transcribe output"
# Half a millisecond: AWS writes times with at most 3 decimals, so this only absorbs float noise.
_EPS = 0.0005

#: A spoken word (punctuation already glued on): start, end, text.
_Word = tuple[float | None, float | None, str]


class AwsTranscribeReader:
    """Reads Amazon Transcribe JSON with speaker labels."""

    name: ClassVar[str] = "aws"
    suffixes: ClassVar[tuple[str, ...]] = (".json",)

    def detect(self, source: Source) -> bool:
        """Give True for JSON whose head has ``jobName`` or ``results.transcripts`` first."""
        head = source.head
        return looks_like_json(head) and bool(_JOB.search(head) or _RESULTS.search(head))

    def parse(self, source: Source, options: ReadOptions) -> Iterator[Transcript]:
        """Yield the one transcript of an Amazon Transcribe job."""
        root = as_dict(load_json(source, "Amazon Transcribe"))
        if root is None:
            raise source.error(f"not {_WHAT}: the top level is not a JSON object")
        results = as_dict(require_key(source, root, "results", "", _WHAT))
        if results is None:
            raise source.error(f"not {_WHAT}: 'results' is not an object")
        g = Gatherer(source)
        segments = as_list(results.get("audio_segments"))
        if segments and all(as_dict(s) is not None and s.get("speaker_label") is not None for s in segments):
            _from_audio_segments(g, segments)
        else:
            labels = as_dict(results.get("speaker_labels"))
            if labels is None:
                raise source.error(
                    "no speaker labels: key 'results.speaker_labels' is missing "
                    "(run the job with ShowSpeakerLabels=true)"
                )
            spans = as_list(require_key(source, labels, "segments", "results.speaker_labels", _WHAT))
            items = as_list(require_key(source, results, "items", "results", _WHAT))
            if spans is None or items is None:
                raise source.error(f"not {_WHAT}: 'speaker_labels.segments' and 'items' must be lists")
            _from_items(g, spans, _words(g, items))
        yield from assemble(source, self.name, [g.part])


def _from_audio_segments(g: Gatherer, segments: list[Any]) -> None:
    """Add one cue per ``audio_segments`` entry, using its own transcript text."""
    for i, seg in enumerate(segments):
        where = f"results.audio_segments[{i}]"
        text = g.text(seg.get("transcript"), where)
        if text is not None:
            speaker = id_text(seg.get("speaker_label")) or ""
            g.add(speaker, text, seg.get("start_time"), seg.get("end_time"), 1.0, where, i + 1)


def _words(g: Gatherer, items: list[Any]) -> list[_Word]:
    """Give the spoken words of ``items`` in order, each punctuation mark glued to the word before it."""
    words: list[_Word] = []
    for i, item in enumerate(items):
        where = f"results.items[{i}]"
        obj = as_dict(item)
        alternatives = as_list(obj.get("alternatives")) if obj is not None else None
        best = as_dict(alternatives[0]) if alternatives else None
        content = best.get("content") if best is not None else None
        if obj is None or not isinstance(content, str):
            g.warn(f"{where} has no alternatives[0].content; skipped")
            continue
        if obj.get("type") == "punctuation":
            if words:
                start, end, text = words[-1]
                words[-1] = (start, end, text + content)
            else:
                words.append((None, None, content))
            continue
        words.append((g.time(obj.get("start_time"), 1.0, where), g.time(obj.get("end_time"), 1.0, where), content))
    return words


def _inside(start: float | None, end: float | None, seg_end: float) -> bool:
    """Say whether a word belongs to a segment ending at ``seg_end`` (it ends by then, or starts before)."""
    if start is None and end is None:
        return True  # an untimed word stays with the words around it
    if end is not None and end <= seg_end + _EPS:
        return True
    return start is not None and start < seg_end - _EPS


def _from_items(g: Gatherer, spans: list[Any], words: list[_Word]) -> None:
    """Add one cue per speaker segment, taking the words that fall in it with one moving pointer."""
    ptr = 0
    for i, span in enumerate(spans):
        where = f"results.speaker_labels.segments[{i}]"
        obj = as_dict(span)
        if obj is None:
            g.warn(f"{where} is not an object; its words go to the next segment")
            continue
        seg_end = g.time(obj.get("end_time"), 1.0, where)
        if seg_end is None:
            g.warn(f"{where} has no end time; its words go to the next segment")
            continue
        taken: list[str] = []
        # Words before this segment's start that no earlier segment took (gaps) are kept here, not lost.
        while ptr < len(words) and _inside(words[ptr][0], words[ptr][1], seg_end):
            taken.append(words[ptr][2])
            ptr += 1
        if taken:
            speaker = id_text(obj.get("speaker_label")) or ""
            g.add_cue(speaker, " ".join(taken), g.time(obj.get("start_time"), 1.0, where), seg_end, i + 1)
    if ptr < len(words):
        rest = words[ptr:]
        g.warn(f"{len(rest)} word(s) after the last speaker segment were given to the last speaker")
        g.add_cue(None, " ".join(w[2] for w in rest), rest[0][0], rest[-1][1], len(spans) + 1)
