"""Private data: --redact, no network at run time, owner-only outputs, manifest paths kept inside the run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import convolens
from convolens.redact import Redactor

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"

MASKED = [
    ("send it to dana.lee@halyard-health.com please", "send it to [EMAIL] please"),
    ("my email is priya underscore raman at brightwater dot org", "my email is [EMAIL]"),
    ("it's j dot smith at acme dot co dot uk", "it's [EMAIL]"),
    ("call me on 415-555-0134 after lunch", "call me on [PHONE] after lunch"),
    ("the desk line is (415) 555 0134", "the desk line is [PHONE]"),
    ("from the UK office, +44 20 7946 0958", "from the UK office, [PHONE]"),
    ("text my mobile 07700 900123", "text my mobile [PHONE]"),
    ("reach me at +14155550134", "reach me at [PHONE]"),
    ("my cell is five five five zero one three four", "my cell is [PHONE]"),
    ("the card is 4111 1111 1111 1111 and it expires 04/27", "the card is [CARD] and it expires 04/27"),
    ("amex 3782-822463-10005", "amex [CARD]"),
    ("social is 123-45-6789", "social is [SSN]"),
    ("wire it to GB82 WEST 1234 5698 7654 32 today", "wire it to [IBAN] today"),
    ("the VPN box is 10.20.30.40", "the VPN box is [IP]"),
]

KEPT = [
    "we signed on 2026-10-05 for $40,000 and a 12.5% discount",
    "three to five weeks, maybe 1,200 seats by Q3 2026",
    "the 2025 2026 budgets are set",
    "the deal was 250000 dollars, order 12345678",
    "version 3.2.1 ships at 10 30 on 11/23/2026",
    "a 16 digit number that fails the checksum: 4111 1111 1111 1112",
    "so we're at about ninety five percent of plan",
    "what would it mean for the nurses at Brightwater if charting took half the time?",
]


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_identifiers_are_masked(text: str, expected: str) -> None:
    assert Redactor()(text) == expected


@pytest.mark.parametrize("text", KEPT)
def test_figures_that_are_not_identifiers_are_kept(text: str) -> None:
    assert Redactor()(text) == text


def test_counts_by_kind() -> None:
    r = Redactor()
    for text, _ in MASKED:
        r(text)
    assert r.counts == {"email": 3, "phone": 6, "card": 2, "ssn": 1, "iban": 1, "ip": 1}


@pytest.mark.parametrize(
    "hostile",
    [
        "a" * 200_000,
        "a." * 100_000 + "@",
        "1-" * 100_000,
        "1 " * 100_000,
        "x@" + "y." * 100_000,
        "five " * 50_000,
        "dot at " * 50_000,
        "GB82 " + "ABCD " * 50_000,
    ],
)
def test_masking_is_linear_on_hostile_text(hostile: str) -> None:
    started = time.perf_counter()
    Redactor()(hostile)
    assert time.perf_counter() - started < 2.0


def _org_with_pii(tmp_path: Path) -> Path:
    org = tmp_path / "org"
    org.mkdir()
    (org / "2026-09-01_one_on_one_dana-lee_sam-ortiz.vtt").write_text(
        "WEBVTT\n\n"
        "00:00:01.000 --> 00:00:05.000\n<v Dana Lee>Did their CFO send the PO? Her email is kim.wu@acme-health.com\n\n"
        "00:00:05.500 --> 00:00:09.000\n<v Sam Ortiz>Not yet, I left a message on 415-555-0134.\n",
        encoding="utf-8",
    )
    (org / "2026-09-02_one_on_one_dana-lee_sam-ortiz.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> call sam on 415-555-0199\n<v Dana Lee>Hello?\n", encoding="utf-8"
    )
    pd.DataFrame(
        [
            {
                "path": "2026-09-01_one_on_one_dana-lee_sam-ortiz.vtt",
                "call_id": "c1",
                "kind": "one_on_one",
                "date": "2026-09-01",
                "title": "Dana / Sam, notes to sam.ortiz@halyard.com",
            },
            {
                "path": "2026-09-02_one_on_one_dana-lee_sam-ortiz.vtt",
                "call_id": "c2",
                "kind": "one_on_one",
                "date": "2026-09-02",
                "title": "",
            },
        ]
    ).to_csv(org / "manifest.csv", index=False)
    (org / "roster.csv").write_text("name,role,manager,team\nDana Lee,manager,,East\nSam Ortiz,rep,Dana Lee,East\n")
    return org


def test_redact_masks_every_output_and_says_how_many(tmp_path: Path) -> None:
    org = _org_with_pii(tmp_path)
    out = tmp_path / "run"
    proc = subprocess.run(
        [sys.executable, "-m", "convolens", "score", str(org), "--out", str(out), "--redact"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1, proc.stderr  # the broken second file
    assert "redacted: 4 personal identifiers masked (2 email, 2 phone)" in proc.stdout
    html = out / "report.html"
    report = subprocess.run(
        [sys.executable, "-m", "convolens", "report", str(out), "--html", str(html)], capture_output=True, text=True
    )
    assert report.returncode == 0, report.stderr
    assert "Redacted run</b>: 4 personal identifiers were masked" in html.read_text(encoding="utf-8")
    everything = [p for p in out.rglob("*") if p.is_file()]
    for path in everything:
        data = path.read_bytes()
        for secret in (b"kim.wu@acme-health.com", b"415-555-0134", b"sam.ortiz@halyard.com", b"415-555-0199"):
            assert secret not in data, f"{secret!r} leaked into {path.name}"
    summary = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert summary["redacted"]["email"] == 2 and summary["redacted"]["phone"] == 2
    tables = convolens.score(org, redact=True)
    assert "[EMAIL]" in " ".join(tables.utterances["text"]) and "[PHONE]" in " ".join(tables.utterances["text"])
    assert tables.calls.set_index("call_id").loc["c1", "title"] == "Dana / Sam, notes to [EMAIL]"
    assert "[PHONE]" in " ".join(tables.errors["message"])
    # Without --redact nothing is touched and the summary has no count.
    plain = convolens.score(org)
    assert "kim.wu@acme-health.com" in " ".join(plain.utterances["text"]) and plain.summary.redacted is None


BLOCK_NETWORK = """
import socket, sys
def refuse(*args, **kwargs):
    raise RuntimeError("network access attempted: " + repr(args[:2]))
real_connect = socket.socket.connect
def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        refuse(address)
    return real_connect(self, address)
socket.socket.connect = connect
socket.socket.connect_ex = connect
socket.create_connection = refuse
socket.getaddrinfo = refuse
from convolens.cli import main
sys.argv = ["convolens", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("model", ["linear", "neural"])
def test_scoring_and_reporting_work_with_the_network_blocked(tmp_path: Path, model: str) -> None:
    org = tmp_path / "org"
    (org / "calls").mkdir(parents=True)
    manifest = pd.read_csv(SAMPLES / "manifest.csv", dtype=str, keep_default_na=False).head(12)
    for path in manifest["path"]:
        (org / path).write_bytes((SAMPLES / path).read_bytes())
    manifest.to_csv(org / "manifest.csv", index=False)
    (org / "roster.csv").write_bytes((SAMPLES / "roster.csv").read_bytes())
    out = tmp_path / "run"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    for args in (
        ["score", str(org), "--out", str(out), "--model", model, "--jobs", "2" if model == "linear" else "1"],
        ["report", str(out), "--html", str(out / "report.html"), "--per-manager", str(out / "managers")],
        ["stats", str(out)],
    ):
        proc = subprocess.run([sys.executable, "-c", BLOCK_NETWORK, *args], capture_output=True, text=True, env=env)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert "network access attempted" not in proc.stderr
    assert (out / "report.html").stat().st_size > 10_000


def test_manifest_paths_cannot_leave_the_run(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Dana Lee: what is the admin password?\nSam Ortiz: hunter2.\n", encoding="utf-8")
    org = tmp_path / "org"
    org.mkdir()
    (org / "inside.txt").write_text("Dana Lee: how are the nurses coping?\nSam Ortiz: Better.\n", encoding="utf-8")
    (org / "link.txt").symlink_to(secret)
    pd.DataFrame(
        [
            {"path": "inside.txt", "call_id": "in", "kind": "one_on_one", "date": "2026-09-01"},
            {"path": "../secret.txt", "call_id": "up", "kind": "one_on_one", "date": "2026-09-01"},
            {"path": str(secret), "call_id": "abs", "kind": "one_on_one", "date": "2026-09-01"},
            {"path": "link.txt", "call_id": "link", "kind": "one_on_one", "date": "2026-09-01"},
        ]
    ).to_csv(org / "manifest.csv", index=False)
    result = convolens.score(org)
    assert list(result.calls["call_id"]) == ["in"]
    refused = result.errors[result.errors["message"].str.contains("leads outside the run's folders")]
    assert sorted(refused["line"].tolist()) == [3, 4, 5]
    assert "admin password" not in " ".join(result.utterances["text"])
    assert not result.ok
    allowed = convolens.score(org, allow_outside_paths=True)
    # Allowed, the three rows name one file (read once, as the first row that names it says).
    assert sorted(allowed.calls["call_id"]) == ["in", "up"] and allowed.ok
