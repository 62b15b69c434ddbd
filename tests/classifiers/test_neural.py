"""The committed neural model loads without pickle, refuses tampered files, and predicts sensibly.

Also its inference settings: length-sorted batches give the same numbers as input order, the int8
CPU default agrees with float32, and the float16 path (the GPU's) runs here on the CPU.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the neural model needs the [neural] extra")

from convolens.classifiers import find_model_dir, load_classifier, neural  # noqa: E402
from convolens.classifiers.neural import CPU_PRECISION_ENV, NeuralClassifier, length_batches  # noqa: E402
from convolens.corpus import load_corpus  # noqa: E402
from convolens.errors import ModelError  # noqa: E402
from convolens.training import with_splits  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "data" / "labeled" / "corpus.csv"

# Lengths from 0 to ~40 tokens, out of length order, with repeats, so batches pad and ties occur.
VARIED = [
    "so when are they gonna sign the order form and who else has to approve it before the end of the quarter",
    "thanks everyone",
    "",
    "what keeps their charge nurses up at night",
    "ok",
    "how big is the deal if they take all three sites",
    "thanks everyone",
    "um so like what would it mean for their drivers if the routing actually worked you know on the bad days "
    "when the weather turns and half the fleet is late and dispatch is on the phone all morning",
    "who signs",
    "what happens to their patients when the system goes down on a weekend",
    "see you next week",
]


@pytest.fixture(scope="module")
def model_dir() -> Path:
    return find_model_dir("neural")


@pytest.fixture(scope="module")
def fp32(model_dir: Path) -> NeuralClassifier:
    return NeuralClassifier(model_dir, device="cpu", cpu_precision="fp32", batch_size=4)


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
        return NeuralClassifier(device="cpu", cpu_precision="fp32").fit(
            texts[:40], labels[:40], dev_texts=texts[40:], dev_labels=labels[40:], epochs=1, seed=7
        )

    first, second = fit(), fit()
    probe = ["so when do they sign", "how are their nurses coping", "see you next week"]
    assert first.version == second.version
    assert (first.predict_proba(probe) == second.predict_proba(probe)).all()
    first.to_disk(tmp_path / "n")
    loaded = NeuralClassifier(tmp_path / "n", device="cpu", cpu_precision="fp32")
    assert loaded.version == first.version
    # Weights are stored as float16, so probabilities agree to about three decimals.
    assert abs(loaded.predict_proba(probe) - first.predict_proba(probe)).max() < 5e-3
    # Loaded with the CPU default, the same weights run in int8, and the version says so.
    assert NeuralClassifier(tmp_path / "n", device="cpu", cpu_precision="int8").version == first.version + "+int8"


def test_missing_neural_extra_is_a_clear_error(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Regression: without torch, loading failed with a traceback from safetensors' torch import.
    import sys

    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ModelError, match=r"needs the \[neural\] extra"):
        NeuralClassifier(model_dir)


def test_length_batches_hold_every_position_once_shortest_first() -> None:
    lengths = [7, 3, 3, 12, 1, 7, 3]
    batches = length_batches(lengths, 3)
    assert batches == [[4, 1, 2], [6, 0, 5], [3]]  # ties keep input order
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert length_batches([], 8) == []
    with pytest.raises(ValueError, match="batch_size"):
        length_batches([1], 0)


def test_length_sorted_batches_give_input_order_results(
    fp32: NeuralClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batches of 4 in length order mix texts from all over VARIED; the rows must still come back in place.
    sorted_probs = fp32.predict_proba(VARIED)
    one_by_one = np.vstack([fp32.predict_proba([t]) for t in VARIED])  # no padding at all
    assert np.allclose(sorted_probs, one_by_one, atol=1e-5)
    monkeypatch.setattr(
        neural,
        "length_batches",
        lambda lengths, size: [list(range(len(lengths)))[i : i + size] for i in range(0, len(lengths), size)],
    )
    input_order = fp32.predict_proba(VARIED)  # the naive loop: batches in input order
    assert np.allclose(sorted_probs, input_order, atol=1e-5)
    assert sorted_probs[1].tolist() == sorted_probs[6].tolist()  # the same text twice, the same numbers
    assert fp32.predict_proba([]).shape == (0, 3)


def test_int8_agrees_with_float32_on_the_test_split(model_dir: Path, fp32: NeuralClassifier) -> None:
    frame = with_splits(load_corpus(CORPUS))
    texts = frame.loc[frame["split"] == "test", "text"].tolist()
    int8 = NeuralClassifier(model_dir, device="cpu", cpu_precision="int8")
    assert int8.version == fp32.version + "+int8"
    exact, quantised = fp32.predict_proba(texts), int8.predict_proba(texts)
    agree = float(np.mean(exact.argmax(axis=1) == quantised.argmax(axis=1)))
    assert agree >= 0.98  # measured 0.987 with batches of 64
    assert np.allclose(quantised.sum(axis=1), 1.0)


def test_int8_is_the_cpu_default_and_can_be_turned_off(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clf = NeuralClassifier(model_dir, device="cpu")
    monkeypatch.delenv(CPU_PRECISION_ENV, raising=False)
    assert clf.precision("cpu") == "int8" and clf.version.endswith("+int8")
    monkeypatch.setenv(CPU_PRECISION_ENV, "fp32")
    assert clf.precision("cpu") == "fp32" and "+" not in clf.version
    monkeypatch.setenv(CPU_PRECISION_ENV, "BF16")
    assert clf.precision("cpu") == "bf16" and clf.version.endswith("+bf16")
    assert NeuralClassifier(model_dir, device="cpu", cpu_precision="int8").precision("cpu") == "int8"  # argument wins
    monkeypatch.setenv(CPU_PRECISION_ENV, "int4")
    with pytest.raises(ModelError, match=f"{CPU_PRECISION_ENV} must be one of int8, bf16, fp32, not 'int4'"):
        clf.predict(["when do they sign"])
    with pytest.raises(ModelError, match="cpu_precision must be one of"):
        NeuralClassifier(model_dir, device="cpu", cpu_precision="fast").predict(["when do they sign"])
    assert clf.precision("cuda") == "fp16" and clf.precision("cuda:1") == "fp16"


def test_bfloat16_matches_float32_closely(model_dir: Path, fp32: NeuralClassifier) -> None:
    bf16 = NeuralClassifier(model_dir, device="cpu", cpu_precision="bf16", batch_size=4)
    probs = bf16.predict_proba(VARIED)
    assert np.abs(probs - fp32.predict_proba(VARIED)).max() < 0.02
    assert (probs.argmax(axis=1) == fp32.predict_proba(VARIED).argmax(axis=1)).all()


def test_float16_path_runs_and_keeps_order(
    model_dir: Path, fp32: NeuralClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The GPU path (float16 copy, large length-sorted batches, float32 pooling), run on the CPU.
    half = NeuralClassifier(model_dir, device="cpu", batch_size=neural.GPU_BATCH)
    monkeypatch.setattr(NeuralClassifier, "precision", lambda self, device: "fp16")
    probs = half.predict_proba(VARIED)
    assert half.version.endswith("+fp16")
    assert np.abs(probs - fp32.predict_proba(VARIED)).max() < 0.02
    assert (probs.argmax(axis=1) == fp32.predict_proba(VARIED).argmax(axis=1)).all()
    assert next(half._runtime[1].parameters()).dtype == torch.float16  # type: ignore[index]
