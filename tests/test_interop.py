"""Scoring a pandas frame of utterances (from_frame), and the ConvoKit round trip (to_convokit, from_convokit)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import convolens
from convolens.errors import ConvolensError
from convolens.interop import COLUMN_ALIASES, from_frame
from convolens.pipeline import ScoreResult

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"

ROSTER = pd.DataFrame(
    {
        "name": ["Dana Lee", "Sam Ortiz"],
        "role": ["manager", "rep"],
        "manager": ["", "Dana Lee"],
        "team": ["Enterprise East", "Enterprise East"],
    }
)

# A one-on-one between a manager and her rep, then a customer call of the rep's.
ROWS = [
    ("1on1-1", "Dana Lee", "so when do you think they sign the contract", "one_on_one", "2026-03-02"),
    ("1on1-1", "Sam Ortiz", "End of the month, if legal is quick.", "one_on_one", "2026-03-02"),
    ("1on1-1", "Dana Lee", "What would fixing the downtime mean for their plant?", "one_on_one", "2026-03-02"),
    ("1on1-1", "Sam Ortiz", "", "one_on_one", "2026-03-02"),
    ("acme-1", "Sam Ortiz", "What happens on the line when a press goes down?", "customer_call", None),
    ("acme-1", "Pat Buyer", "We lose most of a shift and the night crew has to catch up.", "customer_call", None),
]


def _frame(rows: list[tuple[Any, ...]] = ROWS) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["call_id", "speaker", "text", "kind", "date"])


@pytest.fixture(scope="module")
def scored() -> ScoreResult:
    return from_frame(_frame(), roster=ROSTER)


def test_one_on_one_roles_questions_and_focus(scored: ScoreResult) -> None:
    utt = scored.utterances
    one = utt[utt["call_id"] == "1on1-1"]
    assert one["index"].tolist() == [0, 1, 2, 3]
    assert one["role"].tolist() == ["manager", "rep", "manager", "rep"]
    assert one["person_id"].tolist() == ["dana-lee", "sam-ortiz", "dana-lee", "sam-ortiz"]
    assert one.loc[one["speaker"] == "Sam Ortiz", "manager_id"].unique().tolist() == ["dana-lee"]
    assert one["is_question"].tolist() == [True, False, True, False]
    assert one["focus"].iloc[0] == "revenue"
    assert one["focus"].iloc[2] == "customer_impact"
    # An empty text is kept as a turn of its own, not dropped.
    assert one["text"].iloc[3] == "" and one["focus"].iloc[3] == "other"
    assert (one["kind"] == "one_on_one").all() and (one["date"] == pd.Timestamp("2026-03-02")).all()
    call = utt[utt["call_id"] == "acme-1"]
    assert call["role"].tolist() == ["rep", "customer"]  # an unmatched speaker in a customer call
    assert call["focus"].iloc[0] == "customer_impact" and call["is_question"].iloc[0]


def test_calls_table_and_summary_read_like_a_file_run(scored: ScoreResult) -> None:
    calls = scored.calls.set_index("call_id")
    assert calls.loc["1on1-1", "kind"] == "one_on_one"
    assert calls.loc["1on1-1", "date"] == pd.Timestamp("2026-03-02")
    assert pd.isna(calls.loc["acme-1", "date"])
    assert calls.loc["1on1-1", "n_utterances"] == 4 and calls.loc["1on1-1", "n_questions"] == 2
    assert calls.loc["1on1-1", "speakers"] == "Dana Lee|Sam Ortiz"
    assert calls.loc["1on1-1", "format"] == "frame" and calls.loc["1on1-1", "source_path"] == "<frame>"
    assert calls.loc["1on1-1", "metadata_source"] == "kind=file;date=file"
    s = scored.summary
    utt = scored.utterances
    assert (s.files_in, s.files_scored, s.calls, s.utterances) == (2, 2, 2, 6)
    assert s.questions == int(utt["is_question"].sum()) == 3
    assert s.focus == {f: int((utt["focus"] == f).sum()) for f in ("revenue", "customer_impact", "other")}
    assert s.calls_without_date == ["acme-1"] and s.calls_without_kind == []
    assert s.people == 2 and s.model.startswith("linear@") and s.errors == 0
    assert set(scored.people["person_id"]) == {"dana-lee", "sam-ortiz"}


def test_calls_frame_gives_call_fields_and_keeps_calls_without_turns() -> None:
    frame = _frame()[["call_id", "speaker", "text"]]
    calls = pd.DataFrame(
        {
            "call_id": ["acme-1", "1on1-1", "no-turns"],
            "kind": ["customer_call", "1:1", "customer_call"],
            "date": [dt.date(2026, 3, 4), pd.Timestamp("2026-03-02 15:30"), "2026-03-05"],
            "title": ["Acme discovery", None, None],
        }
    )
    result = from_frame(frame, calls=calls, roster=ROSTER, model="lexicon")
    got = result.calls.set_index("call_id")
    assert got.index.tolist() == ["1on1-1", "acme-1", "no-turns"]  # utterance order, then calls-only ones
    assert got["kind"].tolist() == ["one_on_one", "customer_call", "customer_call"]
    assert got["date"].tolist() == [pd.Timestamp(d) for d in ("2026-03-02", "2026-03-04", "2026-03-05")]
    assert got.loc["acme-1", "title"] == "Acme discovery"
    assert got.loc["no-turns", "n_utterances"] == 0
    assert result.utterances.loc[result.utterances["call_id"] == "acme-1", "role"].tolist() == ["rep", "customer"]


def test_rows_keep_their_order_unless_every_row_of_the_call_has_a_start() -> None:
    frame = pd.DataFrame(
        {
            "call_id": ["timed", "timed", "timed", "partly", "partly"],
            "speaker": ["A", "B", "A", "A", "B"],
            "text": ["third", "first", "second", "one", "two"],
            "start": [30.0, "0:00:01.5", pd.Timedelta(seconds=12), 50.0, None],
            "end_s": [35.0, 4.0, 20.0, None, None],
        }
    )
    utt = from_frame(frame, model="lexicon").utterances
    timed = utt[utt["call_id"] == "timed"]
    assert timed["text"].tolist() == ["first", "second", "third"]
    assert timed["start_s"].tolist() == [1.5, 12.0, 30.0]
    assert timed["index"].tolist() == [0, 1, 2]
    assert utt.loc[utt["call_id"] == "partly", "text"].tolist() == ["one", "two"]


def test_column_aliases_and_mapping() -> None:
    frame = pd.DataFrame(
        {
            "Conversation ID": [7, 7],
            "Speaker Name": ["Dana Lee", None],
            "body": ["how big is the deal", "about 40k"],
            "start_ms": [1500, 4000],
            "Meeting Type": ["one-on-one", "one-on-one"],
        }
    )
    result = from_frame(frame, columns={"text": "body", "kind": "meeting type"}, roster=ROSTER, model="lexicon")
    utt = result.utterances
    assert utt["call_id"].tolist() == ["7", "7"]  # ids are text, never 7.0
    assert utt["text"].tolist() == ["how big is the deal", "about 40k"]
    assert utt["speaker"].tolist() == ["Dana Lee", ""]  # a missing speaker stays empty: nothing is guessed
    assert utt["role"].tolist() == ["manager", "unknown"]
    assert utt["start_s"].tolist() == [1.5, 4.0]
    assert result.calls["kind"].tolist() == ["one_on_one"]


def test_the_frame_uses_the_tabular_readers_column_names() -> None:
    from convolens.readers.tabular import _ROLES

    for name, aliases in _ROLES.items():
        assert COLUMN_ALIASES[name] == aliases


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns="text"), r"utterance frame has no text column \(looked for text, utterance"),
        (lambda f: f.assign(call_id=["1on1-1", "", *["acme-1"] * 4]), r"row 1, column 'call_id': empty call id"),
        (lambda f: f.assign(call_id=[None, *["x"] * 5]), r"row 0, column 'call_id': empty call id"),
        (lambda f: f.assign(date="14/03/2026"), r"row 0, column 'date': not an ISO date .*'14/03/2026'"),
        (lambda f: f.assign(date=3.5), r"row 0, column 'date': 3.5 is not a date"),
        (
            lambda f: f.assign(kind=["one_on_one"] * 3 + ["customer_call"] * 3),
            r"call '1on1-1' has conflicting kind values 'one_on_one' \(utterance frame row 0\) "
            r"and 'customer_call' \(utterance frame row 3\)",
        ),
        (lambda f: f.assign(kind="standup"), r"row 0, column 'kind': unknown call kind 'standup'"),
        (lambda f: f.assign(start_s=["soon", *[1.0] * 5]), r"row 0, column 'start_s': 'soon' is not a time"),
        (lambda f: f.assign(end_s=[-1.0, *[1.0] * 5]), r"row 0, column 'end_s': -1.0 is not a time"),
    ],
)
def test_bad_frames_give_one_line_errors_naming_row_and_column(change: Any, message: str) -> None:
    with pytest.raises(ConvolensError, match=message) as info:
        from_frame(change(_frame()), model="lexicon")
    assert "\n" not in str(info.value)
    assert isinstance(info.value, ValueError)


def test_bad_columns_and_calls_frames() -> None:
    with pytest.raises(ConvolensError, match=r"unknown field\(s\) words"):
        from_frame(_frame(), columns={"words": "text"})
    with pytest.raises(ConvolensError, match=r"column 'body' given for text is in neither frame"):
        from_frame(_frame(), columns={"text": "body"})
    with pytest.raises(ConvolensError, match=r"calls frame row 1, column 'call_id': call id 'a' is also in row 0"):
        from_frame(_frame(), calls=pd.DataFrame({"call_id": ["a", "a"]}))
    with pytest.raises(ConvolensError, match=r"calls frame has no call_id column"):
        from_frame(_frame(), calls=pd.DataFrame({"id": ["a"]}))
    conflicting = pd.DataFrame({"call_id": ["1on1-1"], "date": ["2026-03-09"]})
    with pytest.raises(
        ConvolensError, match=r"conflicting date values '2026-03-02' .* '2026-03-09' \(calls frame row 0\)"
    ):
        from_frame(_frame(), calls=conflicting)
    with pytest.raises(ConvolensError, match="needs a pandas DataFrame, not list"):
        from_frame([{"text": "hi"}])


def test_the_functions_are_exported_lazily() -> None:
    from convolens import interop

    assert convolens.from_frame is from_frame
    assert (convolens.to_convokit, convolens.from_convokit) == (interop.to_convokit, interop.from_convokit)


def test_empty_frame_gives_an_empty_run() -> None:
    result = from_frame(_frame([]), model="lexicon")
    assert result.utterances.empty and result.calls.empty and result.summary.calls == 0


def test_out_writes_a_run_folder_that_report_and_load_run_read(tmp_path: Path) -> None:
    roster_csv = tmp_path / "roster.csv"
    ROSTER.to_csv(roster_csv, index=False)
    out = tmp_path / "run"
    result = from_frame(_frame(), roster=roster_csv, out=out, model="lexicon")
    summary, _ = convolens.report(out, by="manager")
    dana = summary.set_index("id").loc["dana-lee"]
    assert (dana["questions"], dana["revenue"], dana["customer_impact"]) == (2, 1, 1)
    back = convolens.load_run(out)
    pd.testing.assert_frame_equal(back.utterances, result.utterances)
    pd.testing.assert_frame_equal(back.calls, result.calls)
    assert back.summary.utterances == 6 and back.summary.roster == str(roster_csv)
    assert json.loads((out / "run.json").read_text())["calls"] == 2


def test_redact_masks_texts_and_counts_them() -> None:
    rows = [("c", "Dana Lee", "mail me at dana.lee@acme.com or call 415 555 0134", "one_on_one", None)]
    result = from_frame(_frame(rows), redact=True, model="lexicon")
    text = result.utterances["text"].iloc[0]
    assert "dana.lee@acme.com" not in text and "555" not in text
    assert result.summary.redacted is not None and result.summary.redacted["email"] == 1


def test_a_run_frame_scores_back_to_the_same_labels(sample_org_run: ScoreResult) -> None:
    run = sample_org_run
    again = from_frame(run.utterances[["call_id", "speaker", "text", "start_s", "end_s"]], calls=run.calls)
    for column in ("call_id", "index", "text", "is_question", "focus", "start_s", "kind", "date"):
        assert again.utterances[column].equals(run.utterances[column]), column


# ---------------------------------------------------------------- ConvoKit


@pytest.fixture(scope="module")
def sample_org_run(tmp_path_factory: pytest.TempPathFactory) -> ScoreResult:
    """The first 10 sample calls with their manifest rows and the roster, scored (as in test_engine)."""
    org = tmp_path_factory.mktemp("org")
    (org / "calls").mkdir()
    manifest = pd.read_csv(SAMPLES / "manifest.csv", dtype=str, keep_default_na=False).head(10)
    for path in manifest["path"]:
        shutil.copy(SAMPLES / path, org / path)
    manifest.to_csv(org / "manifest.csv", index=False)
    shutil.copy(SAMPLES / "roster.csv", org / "roster.csv")
    return convolens.score(org, out=tmp_path_factory.mktemp("run"))


def test_convokit_round_trip(sample_org_run: ScoreResult, tmp_path: Path) -> None:
    pytest.importorskip("convokit")
    from convokit import Corpus

    from convolens.interop import from_convokit, to_convokit

    run = sample_org_run
    corpus = to_convokit(run)
    utterances = list(corpus.iter_utterances())
    assert len(utterances) == len(run.utterances) > 100
    assert len(list(corpus.iter_conversations())) == len(run.calls) == 10
    assert {s.id for s in corpus.iter_speakers()} == set(run.utterances["speaker"])

    first = run.utterances.iloc[1]
    u = corpus.get_utterance(f"{first['call_id']}:1")
    assert u.conversation_id == first["call_id"] and u.reply_to == f"{first['call_id']}:0"
    assert u.text == first["text"] and u.speaker.id == first["speaker"]
    day = dt.datetime.combine(first["date"].date(), dt.time(), dt.timezone.utc).timestamp()
    assert u.timestamp == pytest.approx(day + first["start_s"])
    for key in ("is_question", "focus", "p_revenue", "p_customer_impact", "p_other", "evidence", "model", "role"):
        assert u.meta[key] == first[key], key
    assert corpus.get_utterance(f"{first['call_id']}:0").reply_to is None

    dana = corpus.get_speaker("Dana Lee").meta
    assert (dana["role"], dana["person_id"], dana["team"]) == ("manager", "dana-lee", "Enterprise East")
    rep = corpus.get_speaker("Sam Ortiz").meta
    assert (rep["role"], rep["manager_id"], rep["manager"]) == ("rep", "dana-lee", "Dana Lee")
    customer = run.utterances.loc[run.utterances["role"] == "customer", "speaker"].iloc[0]
    assert corpus.get_speaker(customer).meta["role"] == "customer"

    call = run.calls.iloc[0]
    meta = corpus.get_conversation(call["call_id"]).meta
    assert (meta["kind"], meta["date"], meta["title"]) == (call["kind"], str(call["date"].date()), call["title"])
    assert (meta["n_utterances"], meta["n_questions"]) == (call["n_utterances"], call["n_questions"])
    assert corpus.meta["model"] == run.summary.model and corpus.meta["convolens_version"] == convolens.__version__

    # Through ConvoKit's own files and back: the roster travels in the corpus meta.
    corpus.dump("corpus", base_path=str(tmp_path))
    back = from_convokit(Corpus(filename=str(tmp_path / "corpus")))
    for column in ("call_id", "index", "speaker", "text", "role", "person_id", "is_question", "focus", "theme"):
        assert back.utterances[column].equals(run.utterances[column]), column
    for column in ("call_id", "kind", "date", "title", "source_path", "n_questions"):
        assert back.calls[column].equals(run.calls[column]), column
    assert back.calls["format"].unique().tolist() == ["convokit"]


def test_from_convokit_orders_by_reply_chain_then_timestamp() -> None:
    convokit = pytest.importorskip("convokit")
    from convolens.interop import from_convokit

    a, b = convokit.Speaker(id="Dana Lee"), convokit.Speaker(id="Sam Ortiz")

    def utt(uid: str, conv: str, who: Any, text: str, reply: str | None, ts: float | None) -> Any:
        return convokit.Utterance(id=uid, speaker=who, conversation_id=conv, reply_to=reply, timestamp=ts, text=text)

    corpus = convokit.Corpus(
        utterances=[
            # chained, listed out of order, no timestamps
            utt("c2", "chain", a, "how big is the deal", "c1", None),
            utt("c1", "chain", b, "they asked for a quote", None, None),
            utt("c3", "chain", b, "about 40k", "c2", None),
            # timestamps decide, whatever the (tree-shaped) replies say
            utt("t1", "timed", a, "later", "t0", 20.0),
            utt("t0", "timed", b, "earlier", None, 10.0),
            utt("t2", "timed", b, "latest", "t0", 30.0),
        ]
    )
    corpus.get_conversation("chain").meta["date"] = "2026-03-02"
    result = from_convokit(corpus, kind="one_on_one", roster=ROSTER, model="lexicon")
    utt_table = result.utterances
    assert utt_table.loc[utt_table["call_id"] == "chain", "text"].tolist() == [
        "they asked for a quote",
        "how big is the deal",
        "about 40k",
    ]
    assert utt_table.loc[utt_table["call_id"] == "timed", "text"].tolist() == ["earlier", "later", "latest"]
    assert result.calls["kind"].tolist() == ["one_on_one", "one_on_one"]
    assert result.calls["date"].iloc[0] == pd.Timestamp("2026-03-02") and pd.isna(result.calls["date"].iloc[1])
    assert utt_table["role"].iloc[0] == "rep"
    with pytest.raises(ConvolensError, match="kind: unknown call kind 'weekly'"):
        from_convokit(corpus, kind="weekly")


def test_missing_convokit_says_how_to_install(monkeypatch: pytest.MonkeyPatch, scored: ScoreResult) -> None:
    from convolens.interop import from_convokit, to_convokit

    monkeypatch.setitem(sys.modules, "convokit", None)  # makes `import convokit` raise ImportError
    for call in (lambda: to_convokit(scored), lambda: from_convokit("corpus")):
        with pytest.raises(ConvolensError, match=r"pip install 'convolens\[convokit\]'"):
            call()


def test_a_run_without_utterances_cannot_become_a_corpus() -> None:
    pytest.importorskip("convokit")
    from convolens.interop import to_convokit

    with pytest.raises(ConvolensError, match="no utterances"):
        to_convokit(from_frame(_frame([]), model="lexicon"))
