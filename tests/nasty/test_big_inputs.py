"""Huge inputs parse, or fail cleanly, within a time bound and bounded memory.

The files are made here, not committed: 50 MB on a single line (plain text,
minified JSON, a JSON transcript whose text is one 50 MB string, CSV with only
CR line ends, CSV whose rows run together on one line) and 100,000-utterance
calls (WebVTT and CSV). Each is read in a child process so that its peak
memory can be measured on its own; the figures are printed (``pytest -s``)
and recorded in docs/reliability.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

MB = 50 * 1024 * 1024
WORDS = b"so what would fixing the downtime mean for your plant and when do you think they sign "
SPEAKERS = ("Dana Lee", "Sam Ortiz")

#: Runs in the child: read one file, print what happened, how long it took and the peak memory.
CHILD = """
import json, resource, sys, time
from convolens.errors import ConvolensError
from convolens.readers import read_any
path, fmt = sys.argv[1], sys.argv[2] or None
start = time.perf_counter()
try:
    transcripts = read_any(path, format=fmt)
    result = {"outcome": "ok", "turns": sum(len(t.turns) for t in transcripts)}
except ConvolensError as exc:
    result = {"outcome": "error", "code": exc.code, "message": str(exc)}
result["seconds"] = time.perf_counter() - start
try:
    # VmHWM starts afresh at exec; ru_maxrss would include the parent's size when it forked.
    with open("/proc/self/status") as status:
        peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except OSError:
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // (1024 if sys.platform == "darwin" else 1)
result["peak_mb"] = peak_kb / 1024
print(json.dumps(result))
"""


def _text_one_line(path: Path) -> None:
    path.write_bytes(b"Dana Lee: " + (WORDS * (MB // len(WORDS) + 1))[:MB])


def _json_minified(path: Path) -> int:
    parts, size, i = [], 0, 0
    while size < MB:
        seg = json.dumps({"start": i, "end": i + 0.9, "text": WORDS.decode().strip(), "speaker": f"SPEAKER_0{i % 2}"})
        parts.append(seg)
        size, i = size + len(seg) + 1, i + 1
    path.write_text('{"segments":[' + ",".join(parts) + "]}", encoding="utf-8")
    return i


def _json_one_string(path: Path) -> None:
    path.write_bytes(b'{"segments":[{"start":0,"end":1,"speaker":"A","text":"' + WORDS * (MB // len(WORDS)) + b'"}]}')


def _csv_cr_only(path: Path) -> int:
    rows, size, i = ["speaker,text,start_s,end_s"], 0, 0
    while size < MB:
        row = f"{SPEAKERS[i % 2]},{WORDS.decode().strip()},{i},{i + 0.9}"
        rows.append(row)
        size, i = size + len(row) + 1, i + 1
    path.write_bytes("\r".join(rows).encode())
    return i


def _csv_one_line(path: Path) -> None:
    row = b",Dana Lee,so what would fixing the downtime mean,0.5"
    path.write_bytes(b"speaker,text,start_s" + row * (MB // len(row)))


def _vtt_100k(path: Path) -> int:
    cues = []
    for i in range(100_000):
        clock = f"{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}"
        cues.append(
            f"{clock}.000 --> {clock}.900\n{SPEAKERS[i % 2]}: turn {i}, so what would fixing the downtime mean\n"
        )
    path.write_text("WEBVTT\n\n" + "\n".join(cues), encoding="utf-8")
    return 100_000


def _csv_100k(path: Path) -> int:
    rows = ["speaker,text,start_s,end_s"]
    rows += [f"{SPEAKERS[i % 2]},turn {i} so what would it mean for them,{i},{i + 0.9}" for i in range(100_000)]
    path.write_text("\n".join(rows), encoding="utf-8")
    return 100_000


# name, maker, forced format, expected outcome (turns, or error code and message piece), seconds, MB
BIG: list[tuple[str, Callable[[Path], object], str, object, float, float]] = [
    ("one_line_50mb.txt", _text_one_line, "", ("CL101", "format not recognised"), 30, 600),
    ("one_line_50mb_forced.txt", _text_one_line, "text", ("CL100", "characters, more than the 1,000,000"), 60, 1200),
    ("minified_50mb.json", _json_minified, "", "turns", 90, 1500),
    ("one_string_50mb.json", _json_one_string, "", ("CL100", "characters, more than the 1,000,000"), 60, 1200),
    ("cr_only_50mb.csv", _csv_cr_only, "", "turns", 90, 1500),
    ("one_line_50mb.csv", _csv_one_line, "", ("CL100", "columns, more than the 10,000"), 30, 600),
]
CALLS_100K: list[tuple[str, Callable[[Path], object], str, object, float, float]] = [
    ("call_100k.vtt", _vtt_100k, "", "turns", 30, 600),
    ("call_100k.csv", _csv_100k, "", "turns", 30, 600),
]


def _run(tmp_path: Path, name: str, make: Callable[[Path], object], fmt: str) -> tuple[dict[str, object], object]:
    path = tmp_path / name
    made = make(path)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), fmt], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    size = path.stat().st_size / 1024 / 1024
    print(f"\n{name}: {size:.1f} MB in {result['seconds']:.2f} s, peak {result['peak_mb']:.0f} MB, {result}")
    return result, made


def _check(result: dict[str, object], made: object, expected: object, seconds: float, megabytes: float) -> None:
    if expected == "turns":
        assert result["outcome"] == "ok", result
        assert result["turns"] == made, "every utterance is a turn of its own (speakers alternate)"
    else:
        code, piece = expected  # type: ignore[misc]
        assert result["outcome"] == "error" and result["code"] == code, result
        message = str(result["message"])
        assert piece in message and len(message.splitlines()) == 1 and len(message) < 500, message
    assert float(result["seconds"]) < seconds, result  # type: ignore[arg-type]
    assert float(result["peak_mb"]) < megabytes, result  # type: ignore[arg-type]


CASES = [pytest.param(*case, id=case[0], marks=pytest.mark.slow) for case in BIG] + [
    pytest.param(*case, id=case[0]) for case in CALLS_100K
]


@pytest.mark.parametrize(("name", "make", "fmt", "expected", "seconds", "megabytes"), CASES)
def test_big_input(
    tmp_path: Path,
    name: str,
    make: Callable[[Path], object],
    fmt: str,
    expected: object,
    seconds: float,
    megabytes: float,
) -> None:
    """A 50 MB single-line file (slow) or a call of 100,000 utterances: scored or refused in bounded time and memory."""
    result, made = _run(tmp_path, name, make, fmt)
    _check(result, made, expected, seconds, megabytes)
