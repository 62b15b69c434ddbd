"""The committed neural model loads without pickle, refuses tampered files, and predicts sensibly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

torch = pytest.importorskip("torch", reason="the neural model needs the [neural] extra")

from convolens.classifiers import find_model_dir, load_classifier  # noqa: E402
from convolens.classifiers.neural import NeuralClassifier  # noqa: E402
from convolens.errors import ModelError  # noqa: E402


@pytest.fixture(scope="module")
def model_dir() -> Path:
    return find_model_dir("neural")


def test_loads_without_any_pickle(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("torch.load (pickle) must never be used")

    monkeypatch.setattr(torch, "load", refuse)
    clf = NeuralClassifier(model_dir)
    preds = clf.predict(
        ["so when are they gonna sign the order form", "what keeps their charge nurses up at night", "thanks everyone"]
    )
    assert [p.focus.value for p in preds] == ["revenue", "customer_impact", "other"]
    assert all(abs(sum(p.probs) - 1) < 1e-6 for p in preds)
    assert preds[0].evidence.startswith("neural:revenue p=")


def test_same_files_same_version(model_dir: Path) -> None:
    assert NeuralClassifier(model_dir).version == load_classifier("neural").version


def test_tampered_files_are_refused(model_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "neural"
    shutil.copytree(model_dir, bad)
    data = (bad / "weights.safetensors").read_bytes()
    (bad / "weights.safetensors").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError, match="cannot read the neural model"):
        NeuralClassifier(bad)
    shutil.copy(model_dir / "weights.safetensors", bad / "weights.safetensors")
    meta = json.loads((bad / "model.json").read_text())
    meta["tokenizer_sha256"] = "0" * 16
    (bad / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="tokenizer differs"):
        NeuralClassifier(bad)
    meta["format"] = "torch-pickle"
    (bad / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="not a convolens.neural.v1 model"):
        NeuralClassifier(bad)


def test_cuda_asked_for_without_a_gpu_is_a_clear_error(model_dir: Path) -> None:
    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(ModelError, match="torch sees no CUDA GPU"):
        NeuralClassifier(model_dir, device="cuda").predict(["when do they sign"])


@pytest.mark.slow
def test_training_is_seeded_and_round_trips(tmp_path: Path) -> None:
    import pandas as pd

    frame = pd.read_csv(Path(__file__).parent / "fixtures" / "mini_corpus.csv")
    texts, labels = frame["text"].tolist(), frame["label"].tolist()

    def fit() -> NeuralClassifier:
        return NeuralClassifier(device="cpu").fit(
            texts[:40], labels[:40], dev_texts=texts[40:], dev_labels=labels[40:], epochs=1, seed=7
        )

    first, second = fit(), fit()
    probe = ["so when do they sign", "how are their nurses coping", "see you next week"]
    assert first.version == second.version
    assert (first.predict_proba(probe) == second.predict_proba(probe)).all()
    first.to_disk(tmp_path / "n")
    loaded = NeuralClassifier(tmp_path / "n", device="cpu")
    assert loaded.version == first.version
    # Weights are stored as float16, so probabilities agree to about three decimals.
    assert abs(loaded.predict_proba(probe) - first.predict_proba(probe)).max() < 5e-3


def test_missing_neural_extra_is_a_clear_error(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Regression: without torch, loading failed with a traceback from safetensors' torch import.
    import sys

    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ModelError, match=r"needs the \[neural\] extra"):
        NeuralClassifier(model_dir)
