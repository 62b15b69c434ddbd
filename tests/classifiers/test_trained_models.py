"""The linear model's estimator contract, its safe save/load, and train/evaluate/check through the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import convolens.corpus as corpus_module
from convolens.classifiers import get_classifier
from convolens.classifiers.calibration import expected_calibration_error, fit_temperature, softmax
from convolens.classifiers.linear import LinearClassifier
from convolens.cli import app
from convolens.corpus import check_corpus, load_corpus, split_of
from convolens.errors import ConvolensError, ModelError

MINI = Path(__file__).parent / "fixtures" / "mini_corpus.csv"


@pytest.fixture(scope="module")
def fitted() -> LinearClassifier:
    frame = load_corpus(MINI)
    return LinearClassifier(C=4.0, min_df=1).fit(frame["text"].tolist(), frame["label"].tolist())


def test_fit_gives_fixed_class_order_and_learns_the_training_set(fitted: LinearClassifier) -> None:
    frame = load_corpus(MINI)
    preds = fitted.predict(frame["text"].tolist())
    assert np.mean([p.focus.value == lab for p, lab in zip(preds, frame["label"], strict=True)]) > 0.95
    probs = fitted.predict_proba(["who signs the contract", "what keeps their nurses up at night"])
    assert probs.shape == (2, 3) and np.allclose(probs.sum(axis=1), 1.0)
    assert probs[0].argmax() == 0 and probs[1].argmax() == 1  # revenue, customer_impact


def test_golden_prediction_is_fixed(fitted: LinearClassifier) -> None:
    # Same data, same settings: the same numbers every run (lbfgs is deterministic).
    again = LinearClassifier(C=4.0, min_df=1).fit(*_xy())
    text = ["are they gonna sign before the quarter ends"]
    assert np.array_equal(fitted.predict_proba(text), again.predict_proba(text))
    assert fitted.version == again.version


def _xy() -> tuple[list[str], list[str]]:
    frame = load_corpus(MINI)
    return frame["text"].tolist(), frame["label"].tolist()


def test_round_trip_is_exact_and_uses_no_pickle(fitted: LinearClassifier, tmp_path: Path) -> None:
    fitted.to_disk(tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["model.json", "weights.safetensors"]
    loaded = get_classifier("linear", path=tmp_path / "m")
    texts = ["so when do they sign", "how do their drivers feel about it", "thanks everyone"]
    assert np.allclose(loaded.predict_proba(texts), fitted.predict_proba(texts), atol=1e-6)  # type: ignore[attr-defined]
    assert loaded.version == fitted.version
    assert "linear:" in loaded.predict(texts)[0].evidence


def test_tampered_or_foreign_artifacts_are_refused(fitted: LinearClassifier, tmp_path: Path) -> None:
    good = tmp_path / "good"
    fitted.to_disk(good)
    bad = tmp_path / "bad"
    shutil.copytree(good, bad)
    meta = json.loads((bad / "model.json").read_text())
    meta["word_vocabulary"] = meta["word_vocabulary"][:-1]
    (bad / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="vocabulary and IDF weights disagree"):
        LinearClassifier(bad)
    (bad / "weights.safetensors").write_bytes(b"\x80\x04not a safetensors file")
    with pytest.raises(ModelError, match="cannot read the linear model"):
        LinearClassifier(bad)
    meta["format"] = "pickle"
    (good / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="not a convolens.linear.v1 model"):
        LinearClassifier(good)
    with pytest.raises(ModelError, match="no linear model here"):
        LinearClassifier(tmp_path / "nowhere")


def test_temperature_scaling_recovers_a_known_temperature() -> None:
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(4000, 3)) * 3
    labels = np.array([rng.choice(3, p=p) for p in softmax(logits / 2.0)])
    assert fit_temperature(logits, labels) == pytest.approx(2.0, rel=0.1)
    calibrated = softmax(logits / 2.0)
    assert expected_calibration_error(calibrated, labels) < 0.03
    assert expected_calibration_error(softmax(logits * 3), labels) > 0.1


def test_splits_are_stable_and_grouped() -> None:
    assert split_of("g01") == split_of("g01")
    shares = pd.Series([split_of(f"group-{i}") for i in range(5000)]).value_counts(normalize=True)
    assert shares["train"] == pytest.approx(0.7, abs=0.03) and shares["test"] == pytest.approx(0.15, abs=0.03)


def test_check_flags_contradictions_and_leaks() -> None:
    frame = pd.DataFrame(
        {
            "text": [
                "When do they sign?",
                "when do they sign",
                "What keeps their nurses up at night?",
                "what keeps their nurses up at night",
            ],
            "label": ["revenue", "other", "customer_impact", "customer_impact"],
            "group": ["a", "b", "c", "d"],
            "split": ["train", "train", "train", "test"],
        }
    )
    found = check_corpus(frame)
    assert set(zip(found["i"], found["j"], found["problem"], strict=True)) == {
        (0, 1, "contradiction"),
        (2, 3, "split_leak"),
    }


def test_corpus_errors_name_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "c.csv"
    bad.write_text("text,label\nhello,other\nwhen do they sign,revnue\n", encoding="utf-8")
    with pytest.raises(ConvolensError, match=r"c.csv:3: .*unknown label 'revnue'"):
        load_corpus(bad)


def test_train_and_evaluate_through_the_cli(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.csv"
    frame = load_corpus(MINI)
    # Make every split non-empty on this tiny set by giving rows explicit splits.
    frame["split"] = ["test" if i % 5 == 0 else "dev" if i % 5 == 1 else "train" for i in range(len(frame))]
    frame.to_csv(corpus, index=False)
    runner = CliRunner()
    res = runner.invoke(app, ["train", "--model", "linear", "--data", str(corpus), "--out", str(tmp_path / "lin")])
    assert res.exit_code == 0, res.output
    metrics = json.loads((tmp_path / "lin" / "metrics.json").read_text())
    assert metrics["data"]["train"] == 36 and metrics["overall"]["n"] == 12
    res = runner.invoke(app, ["evaluate", "--model", "lexicon", "--data", str(MINI), "--format", "json"])
    figures = json.loads(res.stdout)
    assert set(figures) >= {"overall", "asr", "question_f1", "utterances_per_second"}
    assert figures["overall"]["n"] == 60 and figures["asr"]["n"] == 25
    assert len(figures["overall"]["confusion"]["matrix"]) == 3
    res = runner.invoke(app, ["check-corpus", str(MINI)])
    assert res.exit_code == 0 and "60 rows; 0 flagged pairs" in res.stdout


def test_evaluate_finds_the_checkouts_corpus_from_any_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # not the checkout: data/labeled/corpus.csv is not here
    runner = CliRunner()
    res = runner.invoke(app, ["evaluate", "--model", "lexicon", "--split", "test", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["overall"]["n"] == 704  # the corpus's fixed test split
    # Installed without the corpus (a wheel): one line saying what to pass instead.
    monkeypatch.setattr(corpus_module, "BUNDLED_CORPUS", tmp_path / "data" / "labeled" / "corpus.csv")
    for command in (["evaluate", "--model", "lexicon"], ["train", "--model", "linear", "--out", str(tmp_path / "m")]):
        res = runner.invoke(app, command)
        assert res.exit_code != 0 and "pass --data FILE.csv" in res.output, res.output
    assert not (tmp_path / "m").exists()


def test_a_model_trained_beside_another_lexicon_is_refused(fitted: LinearClassifier, tmp_path: Path) -> None:
    fitted.to_disk(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "model.json").read_text())
    meta["lexicon_version"] = "convolens.lexicon.v1:lexicon-1:0000000000000000"
    (tmp_path / "m" / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="retrain it with `convolens train --model linear`"):
        LinearClassifier(tmp_path / "m")
