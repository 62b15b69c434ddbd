"""The bundled sample organisation scores end to end and tells each manager's story.

The samples are synthetic (data/samples/README.md): their intended labels come
from the generator, so agreement here shows the pipeline is wired right and the
lexicon is sane, not how accurate it is on real calls.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import convolens

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


@pytest.fixture(scope="module")
def run(sample_run: Path) -> Path:
    return sample_run


def test_every_sample_file_scores_cleanly(run: Path) -> None:
    calls = pd.read_parquet(run / "calls")
    errors = pd.read_csv(run / "errors.csv")
    manifest = pd.read_csv(SAMPLES / "manifest.csv")
    assert len(calls) == len(manifest) == 192
    assert errors.empty
    assert set(calls["metadata_source"]) == {"kind=manifest;date=manifest"}
    formats = set(calls["format"])
    assert formats == {
        "vtt",
        "srt",
        "text",
        "otter",
        "meet",
        "whisper",
        "assemblyai",
        "aws",
        "deepgram",
        "gong",
        "csv",
        "parquet",
    }


def test_every_roster_speaker_is_matched(run: Path) -> None:
    u = pd.read_parquet(run / "utterances")
    assert u.loc[u["kind"] == "one_on_one", "role"].isin(["manager", "rep"]).all()
    # Aliases and display-name variants resolve to the roster person.
    assert set(u.loc[u["speaker"].isin(["Bob Chen", "bob.chen@halyard.example"]), "person_id"]) == {"robert-chen"}
    assert not (u["role"] == "unknown").any()


def test_intended_labels_agree(run: Path) -> None:
    from sklearn.metrics import f1_score

    u = pd.read_parquet(run / "utterances")
    gold = pd.read_json(SAMPLES / "labels.jsonl", lines=True, dtype={"call_id": str})
    both = gold.merge(u, on=["call_id", "index"], suffixes=("_gold", ""), validate="one_to_one")
    assert len(both) == len(gold)
    assert (both["speaker_gold"] == both["person_id"].map(_names(run))).all()
    assert f1_score(both["is_question_gold"], both["is_question"]) >= QUESTION_F1_FLOOR
    assert f1_score(both["label"], both["focus"], average="macro") >= FOCUS_MACRO_F1_FLOOR


# Measured on 2026-11-23 with the default (linear) model: question F1 0.991, macro-F1 0.940 (the lexicon
# gives about 0.91); see the issue notes. The floors sit a little below so noise in
# unrelated changes does not fail CI, while a real regression does.
QUESTION_F1_FLOOR = 0.95
FOCUS_MACRO_F1_FLOOR = 0.88


def _names(run: Path) -> dict[str, str]:
    people = pd.read_parquet(run / "people.parquet")
    return dict(zip(people["person_id"], people["name"], strict=True))


def test_report_tells_each_managers_story(run: Path) -> None:
    summary, periods = convolens.report(run, by="manager")
    by_name = summary.set_index("name")
    assert set(by_name.index) == {"Dana Lee", "María Farías", "Marcus Webb"}
    assert by_name.loc["Dana Lee", "trend"] == "rising"  # coached from revenue to impact
    assert by_name.loc["Marcus Webb", "trend"] == "falling"  # quarter-end pressure
    assert by_name.loc["María Farías", "trend"] == "flat"
    assert by_name.loc["María Farías", "impact_share_low"] > 0.6
    assert periods["period"].nunique() == 12
    reps, _ = convolens.report(run, by="rep")
    assert len(reps) == 8 and (reps["questions"] > 0).all()
