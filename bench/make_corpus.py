"""Write a SYNTHETIC corpus of sales calls for benchmarking ``convolens score``.

Usage: python bench/make_corpus.py OUT --calls N [--seed 0]

An invented company ("Kestrel") with managers, reps and customer accounts holds weekly
one-on-ones and customer calls over up to twelve weeks. Every turn is drawn from the team's
labelled corpus (data/labeled/corpus.csv, itself synthetic) by call kind, speaker role and style,
and recombined: short back-channels, single utterances and monologues of several utterances, so
turn lengths are skewed like real calls (median about 15 words) and no two calls are alike. Each
call is written in one transcript format (Zoom and Teams WebVTT, SRT, plain text, Whisper JSON,
Gong JSON, CSV); OUT also gets roster.csv, manifest.csv and a README.md that says how it was made.

The output is deterministic for a seed (each call has its own generator, seeded from the seed and
its index) and streamed: one call at a time is held in memory.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import html
import io
import json
import math
import random
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LABELED = Path(__file__).resolve().parents[1] / "data" / "labeled" / "corpus.csv"
COMPANY, DOMAIN = "Kestrel", "kestrel.example"
FIRST_MONDAY = dt.date(2026, 1, 5)
WEEKS = 12
CALLS_PER_REP_WEEK = 4  # one one-on-one, three customer calls
REPS_PER_MANAGER = 6
# Format -> (file suffix, weight). Gong is a customer-call recorder, so one-on-ones never get it.
FORMATS = {
    "zoom_vtt": ("vtt", 18),
    "teams_vtt": ("vtt", 10),
    "srt": ("srt", 10),
    "txt": ("txt", 16),
    "whisper": ("json", 16),
    "gong": ("json", 14),
    "csv": ("csv", 16),
}
MANIFEST_COLUMNS = ["path", "call_id", "kind", "date", "title", "speakers"]
# fmt: off
STAFF_FIRST = [
    "Ava", "Ben", "Carla", "Dev", "Elena", "Farid", "Grace", "Hugo", "Imani", "Jonas", "Keiko", "Liam", "Maya",
    "Nikhil", "Olga", "Pedro", "Quinn", "Rosa", "Sanjay", "Tara", "Umar", "Vera", "Wes", "Xin", "Yara", "Zoë", "José",
    "Siobhán", "Amir", "Bea", "Cole", "Dana", "Emeka", "Fern", "Gil", "Hana",
]
STAFF_LAST = [
    "Abbott", "Baptiste", "Castillo", "Dalton", "Eriksen", "Fontaine", "Gupta", "Hale", "Ibarra", "Jensen",
    "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Quigley", "Rahman", "Schultz", "Takahashi",
    "Underwood", "Varga", "Whitlock", "Yilmaz", "Zeller", "Brennan", "Coelho", "Duarte",
]
CUSTOMER_FIRST = [
    "Alex", "Brooke", "Chris", "Diane", "Eric", "Fatima", "Greg", "Helen", "Ian", "Julia", "Kevin", "Laura", "Marcus",
    "Nadia", "Owen", "Priya", "Ray", "Sofia", "Tom", "Uma", "Victor", "Wendy",
]
CUSTOMER_LAST = [
    "Archer", "Bell", "Cruz", "Dunn", "Ellis", "Frost", "Grant", "Hayes", "Irwin", "Jordan", "Keane", "Lowe",
    "Mercer", "Nash", "Ortiz", "Price", "Reyes", "Stone", "Tate", "Vance", "Walsh", "Young",
]
ACCOUNT_A = [
    "Alder", "Bluestem", "Cedar", "Driftwood", "Ember", "Foxglove", "Granite", "Harbor", "Ironwood", "Juniper",
    "Keystone", "Lantern", "Meridian", "Northgate", "Oakhurst", "Pinecrest", "Quarry", "Redwood", "Summit",
    "Tidewater", "Upland", "Vantage", "Willow",
]
ACCOUNT_B = [
    "Health", "Logistics", "Foods", "Credit Union", "School District", "Fabrication", "Energy", "Hotels",
    "Senior Living", "Dental Group", "Builders", "Growers Co-op", "Marine Services", "Property Management", "Pharma",
]
TEAMS = [
    "Enterprise East", "Enterprise West", "Mid-Market Central", "Commercial North", "Commercial South", "Public Sector",
]
STAGES = ["discovery", "demo", "business case review", "pricing", "renewal check-in"]
# Short turns the labelled corpus has too few of; ASR style has no capitals or punctuation.
BACKCHANNELS = {
    "clean": [
        "Yeah.", "Mm-hmm.", "Right.", "Okay.", "Got it.", "Sure.", "Makes sense.", "Yep, yep.", "Oh, wow.", "Totally.",
        "Uh-huh.", "Fair enough.", "Okay, great.", "Sounds good.", "Right, right.", "I see.", "Exactly.", "Hmm.",
    ],
    "asr": [
        "yeah", "mm-hmm", "right", "okay", "got it", "sure", "makes sense", "yep yep", "oh wow", "totally", "uh-huh",
        "fair enough", "okay great", "sounds good", "right right", "i see", "exactly", "hmm", "yeah yeah",
    ],
}
# fmt: on


@dataclass(frozen=True)
class Person:
    """A roster person (manager or rep) of the invented company."""

    name: str
    role: str
    manager: str
    team: str

    @property
    def email(self) -> str:
        return slug(self.name).replace("-", ".") + "@" + DOMAIN


@dataclass(frozen=True)
class Turn:
    """One speaker turn as written: speaker name, text, start and end in seconds."""

    speaker: str
    text: str
    start: float
    end: float


@dataclass(frozen=True)
class CallPlan:
    """Who, when and in which format one call happens."""

    index: int
    call_id: str
    kind: str
    date: dt.date
    title: str
    fmt: str
    rep: Person
    manager: Person
    customers: tuple[str, ...]
    manager_joins: bool


def slug(text: str) -> str:
    """Give a file-name-safe lower-case ASCII form of a name."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


@lru_cache(maxsize=1)
def text_pools() -> dict[tuple[str, str, str], tuple[str, ...]]:
    """Give the labelled corpus's texts by (context, role, style), plus ("short", "", style) back-channels."""
    pools: dict[tuple[str, str, str], list[str]] = {}
    with open(LABELED, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            text = " ".join(row["text"].split())
            pools.setdefault((row["context"], row["role"], row["style"]), []).append(text)
            if len(text.split()) <= 4:
                pools.setdefault(("short", "", row["style"]), []).append(text)
    for style, extra in BACKCHANNELS.items():
        pools.setdefault(("short", "", style), []).extend(extra)
    return {key: tuple(texts) for key, texts in pools.items()}


def make_people(n_calls: int, seed: int) -> list[Person]:
    """Give managers then reps: enough reps that each does about four calls a week for twelve weeks."""
    n_reps = max(1, math.ceil(n_calls / (CALLS_PER_REP_WEEK * WEEKS)))
    n_managers = math.ceil(n_reps / REPS_PER_MANAGER)
    names = [f"{first} {last}" for first in STAFF_FIRST for last in STAFF_LAST]
    if n_reps + n_managers > len(names):
        raise ValueError(f"{n_calls} calls need more people than the name pools hold ({len(names)})")
    random.Random(f"{seed}:people").shuffle(names)
    managers = []
    for m in range(n_managers):
        team = TEAMS[m % len(TEAMS)] + (f" {m // len(TEAMS) + 1}" if m >= len(TEAMS) else "")
        managers.append(Person(names[m], "manager", "", team))
    reps = [
        Person(names[n_managers + r], "rep", managers[r // REPS_PER_MANAGER].name, managers[r // REPS_PER_MANAGER].team)
        for r in range(n_reps)
    ]
    return managers + reps


def accounts_for(rep_index: int, seed: int) -> list[tuple[str, tuple[str, str]]]:
    """Give a rep's five accounts, each with two customer contacts."""
    rng = random.Random(f"{seed}:accounts:{rep_index}")
    out = []
    for _ in range(5):
        name = f"{rng.choice(ACCOUNT_A)} {rng.choice(ACCOUNT_B)}"
        contacts = tuple(f"{rng.choice(CUSTOMER_FIRST)} {rng.choice(CUSTOMER_LAST)}" for _ in range(2))
        if contacts[0] == contacts[1]:
            contacts = (contacts[0], f"{rng.choice(CUSTOMER_FIRST)} {CUSTOMER_LAST[0]}-{rng.choice(CUSTOMER_LAST)}")
        out.append((name, (contacts[0], contacts[1])))
    return out


def plan_call(index: int, people: Sequence[Person], seed: int, rng: random.Random) -> CallPlan:
    """Give call ``index``: week by week, each rep has one one-on-one, then three customer calls."""
    managers = {p.name: p for p in people if p.role == "manager"}
    reps = [p for p in people if p.role == "rep"]
    per_week = len(reps) * CALLS_PER_REP_WEEK
    week, slot = divmod(index, per_week)
    rep_index, k = slot % len(reps), slot // len(reps)
    rep = reps[rep_index]
    manager = managers[rep.manager]
    kind = "one_on_one" if k == 0 else "customer_call"
    weekday = sorted(managers).index(manager.name) % 5 if kind == "one_on_one" else rng.randrange(5)
    date = FIRST_MONDAY + dt.timedelta(weeks=week, days=weekday)
    formats = [f for f in FORMATS if kind == "customer_call" or f != "gong"]
    fmt = rng.choices(formats, weights=[FORMATS[f][1] for f in formats])[0]
    if kind == "one_on_one":
        customers: tuple[str, ...] = ()
        title, who = f"{manager.name} / {rep.name} weekly one-on-one", f"{slug(manager.name)}_{slug(rep.name)}"
        joins = False
    else:
        account, contacts = rng.choice(accounts_for(rep_index, seed))
        customers = contacts[: rng.choice((1, 1, 2))]
        title, who = f"{COMPANY} / {account} - {rng.choice(STAGES)}", f"{slug(account)}_{slug(rep.name)}"
        joins = rng.random() < 1 / 7
    call_id = f"{date.isoformat()}_{kind}_{who}_{index:06d}"
    return CallPlan(index, call_id, kind, date, title, fmt, rep, manager, customers, joins)


def _turn_weight(plan: CallPlan, previous: str, candidate: str) -> float:
    """Give how likely ``candidate`` speaks after ``previous``: calls go rep <-> other; a joining manager seldom talks."""
    if plan.kind == "customer_call" and candidate == plan.manager.name:
        return 0.3
    return 3.0 if plan.rep.name in (previous, candidate) else 1.0


def make_turns(plan: CallPlan, rng: random.Random) -> list[Turn]:
    """Give the call's turns: alternating speakers, skewed lengths, times at a speaking pace."""
    pools = text_pools()
    style = "asr" if plan.fmt == "whisper" else "clean"
    if plan.kind == "one_on_one":
        n, cast = rng.randint(15, 45), [plan.manager.name, plan.rep.name]
        bucket = {plan.manager.name: ("one_on_one", "manager"), plan.rep.name: ("one_on_one", "rep")}
    else:
        n, cast = rng.randint(20, 70), [plan.rep.name, *plan.customers]
        bucket = {plan.rep.name: ("customer_call", "rep"), plan.manager.name: ("customer_call", "rep")}
        bucket.update({c: ("customer_call", "customer") for c in plan.customers})
        if plan.manager_joins:
            cast.append(plan.manager.name)
    turns: list[Turn] = []
    speaker, t = cast[0], rng.uniform(0.5, 4.0)
    for i in range(n):
        if i:
            # Never the same speaker twice running: readers merge such cues into one turn.
            others = [s for s in cast if s != speaker]
            weights = [_turn_weight(plan, speaker, s) for s in others]
            speaker = rng.choices(others, weights=weights)[0]
        draw = rng.random()
        if draw < 0.2:
            text = rng.choice(pools[("short", "", style)])
        else:
            pool = pools[bucket[speaker] + (style,)]
            k = 1 if draw < 0.72 else 2 + min(int(rng.expovariate(1 / 2.5)), 10)
            text = " ".join(rng.choice(pool) for _ in range(k))
        duration = len(text.split()) / rng.uniform(2.3, 3.0) + rng.uniform(0.2, 0.6)
        turns.append(Turn(speaker, text, round(t, 3), round(t + duration, 3)))
        t += duration + (rng.uniform(0.2, 1.2) if rng.random() > 0.08 else rng.uniform(2.0, 5.0))
    return turns


# -- writers: each gives the file's text (and the manifest's speakers field) --------------------


def _chunks(turn: Turn, max_words: int) -> list[tuple[float, float, str]]:
    """Give a turn split into cues of at most ``max_words`` words, with times shared out by words."""
    words = turn.text.split()
    pieces = [" ".join(words[i : i + max_words]) for i in range(0, len(words), max_words)] or [turn.text]
    span, t, out = turn.end - turn.start, turn.start, []
    for k, piece in enumerate(pieces):
        end = turn.end if k == len(pieces) - 1 else t + span * len(piece.split()) / len(words)
        out.append((round(t, 3), round(end, 3), piece))
        t = end
    return out


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", text) if s] or [text]


def _clock(seconds: float, sep: str = ".") -> str:
    ms = int(round(seconds * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"


def write_zoom(plan: CallPlan, turns: list[Turn], rng: random.Random) -> str:
    lines, n = ["WEBVTT", ""], 0
    for turn in turns:
        for k, (a, b, text) in enumerate(_chunks(turn, 16)):
            n += 1
            # Zoom leaves the name off some continuation cues; a colon in the text would then read as a name.
            prefix = "" if k and ":" not in text and rng.random() < 0.5 else f"{turn.speaker}: "
            lines += [str(n), f"{_clock(a)} --> {_clock(b)}", prefix + text, ""]
    return "\n".join(lines)


def write_teams(plan: CallPlan, turns: list[Turn], rng: random.Random) -> str:
    guid = f"{rng.getrandbits(128):032x}"
    guid = f"{guid[:8]}-{guid[8:12]}-{guid[12:16]}-{guid[16:20]}-{guid[20:]}"
    lines = ["WEBVTT", ""]
    for i, turn in enumerate(turns):
        name = "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in turn.speaker)
        for k, (a, b, text) in enumerate(_chunks(turn, 18)):
            lines += [
                f"{guid}/{i}-{k}",
                f"{_clock(a)} --> {_clock(b)}",
                f"<v {name}>{html.escape(text, False)}</v>",
                "",
            ]
    return "\n".join(lines)


def write_srt(plan: CallPlan, turns: list[Turn], rng: random.Random) -> str:
    lines, n = [], 0
    for turn in turns:
        for a, b, text in _chunks(turn, 20):
            n += 1
            lines += [str(n), f"{_clock(a, ',')} --> {_clock(b, ',')}", f"{turn.speaker}: {text}", ""]
    return "\n".join(lines)


def write_txt(plan: CallPlan, turns: list[Turn], rng: random.Random) -> str:
    if rng.random() < 0.5:
        return "".join(f"{t.speaker}: {t.text}\n" for t in turns)
    return "".join(f"[{_clock(t.start)[:8]}] {t.speaker}: {t.text}\n" for t in turns)


def _order(turns: list[Turn]) -> list[str]:
    return list(dict.fromkeys(t.speaker for t in turns))


def write_whisper(plan: CallPlan, turns: list[Turn], rng: random.Random) -> tuple[str, str]:
    labels = {name: f"SPEAKER_{i:02d}" for i, name in enumerate(_order(turns))}
    segments = [
        {"start": a, "end": b, "text": " " + text, "speaker": labels[turn.speaker]}
        for turn in turns
        for a, b, text in _chunks(turn, rng.choice((24, 40, 1000)))
    ]
    doc = json.dumps({"segments": segments, "language": "en"}, ensure_ascii=False)
    return doc + "\n", "|".join(f"{label}={name}" for name, label in labels.items())


def write_gong(plan: CallPlan, turns: list[Turn], rng: random.Random) -> tuple[str, str]:
    ids = {name: str(rng.randrange(10**18, 10**19)) for name in _order(turns)}
    offset = rng.randint(5, 40) * 1000  # recordings start before the first word
    monologues = []
    for turn in turns:
        pieces = _sentences(turn.text)
        step = (turn.end - turn.start) / len(pieces)
        sentences = []
        for j, sentence in enumerate(pieces):
            start, end = (offset + int((turn.start + x * step) * 1000) for x in (j, j + 1))
            sentences.append({"start": start, "end": end, "text": sentence})
        monologues.append({"speakerId": ids[turn.speaker], "topic": None, "sentences": sentences})
    call_gong_id = str(rng.randrange(10**18, 10**19))
    doc: dict[str, object] = {"callTranscripts": [{"callId": call_gong_id, "transcript": monologues}]}
    if rng.random() < 0.3:  # a bare transcript export: the manifest maps the speaker ids
        return json.dumps(doc) + "\n", "|".join(f"{sid}={name}" for name, sid in ids.items())
    internal = {plan.rep.name, plan.manager.name}
    parties = [
        {
            "name": name,
            "emailAddress": slug(name).replace("-", ".") + "@" + (DOMAIN if name in internal else "customer.example"),
            "speakerId": sid,
            "affiliation": "Internal" if name in internal else "External",
        }
        for name, sid in ids.items()
    ]
    started = f"{plan.date.isoformat()}T{rng.randint(9, 16):02d}:{rng.choice((0, 30)):02d}:00-05:00"
    doc["calls"] = [{"metaData": {"id": call_gong_id, "title": plan.title, "started": started}, "parties": parties}]
    return json.dumps(doc) + "\n", ""


def write_csv(plan: CallPlan, turns: list[Turn], rng: random.Random) -> str:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["call_id", "speaker", "start_s", "end_s", "text"])
    for turn in turns:
        # Some exports give a row per sentence; readers join a speaker's consecutive rows into one turn.
        if rng.random() < 0.3:
            for a, b, text in _chunks(turn, 12):
                out.writerow([plan.call_id, turn.speaker, round(a, 2), round(b, 2), text])
        else:
            out.writerow([plan.call_id, turn.speaker, round(turn.start, 2), round(turn.end, 2), turn.text])
    return buf.getvalue()


def write_call(out: Path, plan: CallPlan, rng: random.Random) -> tuple[dict[str, str], list[Turn]]:
    """Write one call's file under ``out/calls``; give its manifest row and its turns."""
    turns = make_turns(plan, rng)
    speakers = ""
    if plan.fmt == "whisper":
        text, speakers = write_whisper(plan, turns, rng)
    elif plan.fmt == "gong":
        text, speakers = write_gong(plan, turns, rng)
    else:
        writer = {"zoom_vtt": write_zoom, "teams_vtt": write_teams, "srt": write_srt, "txt": write_txt}
        text = writer.get(plan.fmt, write_csv)(plan, turns, rng)
    rel = f"calls/{plan.call_id}.{FORMATS[plan.fmt][0]}"
    (out / rel).write_text(text, encoding="utf-8", newline="")
    row = {"path": rel, "call_id": plan.call_id, "kind": plan.kind, "date": plan.date.isoformat()}
    return {**row, "title": plan.title, "speakers": speakers}, turns


def _tally(counts: Counter[str], plan: CallPlan, turns: list[Turn]) -> None:
    counts["files"] += 1
    counts["utterances"] += len(turns)
    counts["words"] += sum(len(t.text.split()) for t in turns)
    counts[plan.kind] += 1
    counts[f"format:{plan.fmt}"] += 1


def make_corpus(out: str | Path, calls: int, seed: int = 0) -> dict[str, int]:
    """Write a synthetic corpus of ``calls`` calls into the empty folder ``out``; give its counts.

    The counts are ``files``, ``utterances``, ``words``, ``one_on_one``, ``customer_call``,
    ``people`` and ``format:<name>`` per format. Raises ``FileExistsError`` when ``out`` is not empty.

    >>> make_corpus("/tmp/corpus", calls=300)["files"]  # doctest: +SKIP
    300
    """
    out = Path(out)
    if calls < 1:
        raise ValueError("calls must be at least 1")
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; give a new or empty folder")
    (out / "calls").mkdir(parents=True, exist_ok=True)
    people = make_people(calls, seed)
    with open(out / "roster.csv", "w", encoding="utf-8", newline="") as fh:
        roster = csv.writer(fh, lineterminator="\n")
        roster.writerow(["name", "role", "manager", "team", "email"])
        roster.writerows([p.name, p.role, p.manager, p.team, p.email] for p in people)
    counts: Counter[str] = Counter(people=len(people))
    with open(out / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        manifest = csv.DictWriter(fh, MANIFEST_COLUMNS, lineterminator="\n")
        manifest.writeheader()
        for index in range(calls):
            rng = random.Random(f"{seed}:call:{index}")
            plan = plan_call(index, people, seed, rng)
            row, turns = write_call(out, plan, rng)
            manifest.writerow(row)
            _tally(counts, plan, turns)
    _write_readme(out, calls, seed, counts)
    return dict(counts)


def add_call(out: str | Path, seed: int = 0) -> dict[str, int]:
    """Write one more call into a corpus made by :func:`make_corpus` and list it in the manifest; give its counts.

    The call is the next one in the corpus's schedule (index = rows already in the manifest).
    """
    out = Path(out)
    with open(out / "roster.csv", encoding="utf-8", newline="") as fh:
        people = [Person(r["name"], r["role"], r["manager"], r["team"]) for r in csv.DictReader(fh)]
    with open(out / "manifest.csv", encoding="utf-8", newline="") as fh:
        index = sum(1 for _ in csv.DictReader(fh))
    rng = random.Random(f"{seed}:added:{index}")
    plan = plan_call(index, people, seed, rng)
    row, turns = write_call(out, plan, rng)
    with open(out / "manifest.csv", "a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, MANIFEST_COLUMNS, lineterminator="\n").writerow(row)
    counts: Counter[str] = Counter()
    _tally(counts, plan, turns)
    return dict(counts)


def _write_readme(out: Path, calls: int, seed: int, counts: Counter[str]) -> None:
    # README.md, not .txt: `convolens score` walks .txt files as transcripts and would warn about it.
    formats = ", ".join(f"{k.split(':', 1)[1]} {v}" for k, v in sorted(counts.items()) if k.startswith("format:"))
    (out / "README.md").write_text(
        f"""# SYNTHETIC benchmark corpus

Everything in this folder is synthetic: written by `bench/make_corpus.py` in the convolens
repository (`python bench/make_corpus.py OUT --calls {calls} --seed {seed}`). The company
({COMPANY}), its people, its customers and the calls are invented; every turn is drawn from
and recombined out of the team's labelled corpus (`data/labeled/corpus.csv`, also synthetic).
No real recording or transcript was used. It exists to benchmark `convolens score`; the
labels of the source texts are not carried over, so it cannot be used to measure accuracy.

- calls: {calls} ({counts["one_on_one"]} one-on-ones, {counts["customer_call"]} customer calls)
- utterances: {counts["utterances"]}, words: {counts["words"]}
- people on the roster: {counts["people"]}
- formats: {formats}
- files: `calls/` (one file per call), `manifest.csv`, `roster.csv`
""",
        encoding="utf-8",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="new or empty folder to write the corpus into")
    parser.add_argument("--calls", type=int, required=True, help="number of calls (one file each)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        counts = make_corpus(args.out, args.calls, args.seed)
    except (OSError, ValueError) as exc:
        print(f"make_corpus: error: {exc}", file=sys.stderr)
        return 2
    print(
        f"wrote {counts['files']} calls, {counts['utterances']} utterances, {counts['words']} words "
        f"to {args.out} in {time.perf_counter() - started:.1f} s (synthetic; see {args.out / 'README.md'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
