"""Model cards are written whole by code: the neural card's int8/bf16 figures and *Running it*, float32 at the top.

Regression tests for a neural card that was hand-edited after generation (regenerating it lost the
int8 figures and the inference settings) and for ``write_card`` measuring whatever number format the
machine defaulted to (int8 on a CPU) instead of float32.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest

from convolens.classifiers import get_classifier
from convolens.classifiers.base import Prediction
from convolens.corpus import load_corpus
from convolens.model import FOCUS_ORDER
from convolens.model_cards import BENCH_LINK, model_card
from convolens.training import write_card

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "classifiers" / "fixtures" / "mini_corpus.csv"


def _scores(n: int, macro_f1: float, ece: float) -> dict[str, Any]:
    per_class = {lab: {"precision": 0.9, "recall": 0.9, "f1": macro_f1, "support": n // 3} for lab in FOCUS_ORDER}
    return {
        "n": n,
        "accuracy": macro_f1,
        "macro_f1": macro_f1,
        "per_class": {f.value: v for f, v in per_class.items()},
        "confusion": {"labels": [f.value for f in FOCUS_ORDER], "matrix": [[0] * 3] * 3},
        "calibration_error": ece,
    }


FIGURES: dict[str, Any] = {
    "model": "neural@convolens.neural.v1:0123456789abcdef",
    "overall": _scores(704, 0.930, 0.013),
    "asr": _scores(255, 0.920, 0.019),
    "question_f1": 0.982,
    "utterances_per_second": 154.4,
    "dev": _scores(648, 0.914, 0.016),
    "cpu_threads": 1,
    "int8": {
        "model": "neural@convolens.neural.v1:0123456789abcdef+int8",
        "overall": _scores(704, 0.928, 0.008),
        "asr": _scores(255, 0.916, 0.030),
        "dev": _scores(648, 0.912, 0.016),
        "utterances_per_second": 301.2,
        "agreement_with_fp32": 0.987,
        "mean_abs_probability_difference": 0.0123,
    },
    "bf16": {
        "model": "neural@convolens.neural.v1:0123456789abcdef+bf16",
        "overall": _scores(704, 0.930, 0.013),
        "asr": _scores(255, 0.920, 0.019),
        "utterances_per_second": 250.0,
        "agreement_with_fp32": 1.0,
        "mean_abs_probability_difference": 0.0004,
    },
    "data": {"corpus": "data/labeled/corpus.csv", "train": 3147, "dev": 648, "test": 704, "seed": 0},
}


def _flat(card: str) -> str:
    # The card wraps its paragraphs at 100 characters; compare text, not line breaks.
    return " ".join(card.split())


def test_neural_card_holds_the_int8_and_bf16_figures_and_how_to_run_it() -> None:
    card = model_card("neural", FIGURES)
    text = _flat(card)
    assert "In float32 on the CPU (the weights as trained" in text
    assert "| test | 704 | 0.930 | 0.930 |" in card
    assert (
        "Run in int8 on a CPU (the default there, see *Running it*): test macro-F1 0.928 (accuracy 0.928, "
        "calibration error 0.008), asr subset 0.916 (0.030), dev 0.912 (0.016); it gives the float32 label to "
        "98.7% of the test split's utterances (`metrics.json`: `int8`)."
    ) in text
    assert (
        "In bfloat16: test macro-F1 0.930 (calibration error 0.013), asr subset 0.920; it gives the float32 "
        "label to every one of the test split's utterances, its probabilities 0.0004 from float32's on average"
    ) in text
    running = _flat(card[card.index("## Running it") : card.index("## Limits")])
    for fact in (
        "`CONVOLENS_NEURAL_CPU_PRECISION` sets the CPU's number format",
        "batches of 64 on a CPU (256 on a GPU)",
        "**CPU, int8 (default).**",
        "labels differ from float32 on 1.3% of the test split's utterances",
        "`torch.ao.quantization.quantize_dynamic`, one scale per output channel",
        "no quantised kernels for the CPU, the model runs in float32",
        '`cpu_precision="fp32"` (or `CONVOLENS_NEURAL_CPU_PRECISION=fp32`)',
        "AVX512-BF16 or AMX",
        '`device="cuda"`',
        "`OMP_NUM_THREADS` is respected",
        "`+int8`, `+bf16` or `+fp16`",
        BENCH_LINK,
    ):
        assert fact in running, fact
    # The throughput line says which number formats (and how many threads) it measured.
    assert "(1 torch thread, default batch size): float32 154, int8 301, bfloat16 250 utterances/s" in text
    assert "before the inference settings below" not in text


def test_neural_card_says_when_int8_could_not_be_measured() -> None:
    figures = copy.deepcopy(FIGURES)
    figures["int8"] = {"available": False}
    text = _flat(model_card("neural", figures))
    assert "int8 on a CPU (the default there, see *Running it*): not measured" in text
    assert "float32 154, bfloat16 250 utterances/s" in text


@pytest.mark.parametrize("model", ["linear", "neural"])
def test_committed_card_is_the_one_its_metrics_give(model: str) -> None:
    # Nothing hand-edited: `convolens train --card-only` would rewrite the card byte for byte.
    folder = ROOT / "models" / model
    figures = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    assert model_card(model, figures) == (folder / "README.md").read_text(encoding="utf-8")


def test_linear_card_has_no_neural_sections() -> None:
    figures = {k: v for k, v in FIGURES.items() if k not in ("int8", "bf16", "cpu_threads")}
    card = model_card("linear", {**figures, "model": "linear@x"})
    assert "## Running it" not in card and "int8" not in card
    assert "Throughput during evaluation on the training machine: 154 utterances/s." in card


class FakeNeural:
    """Stands in for NeuralClassifier: records how it was made; in "int8" it mislabels one kind of text."""

    name: ClassVar[str] = "neural"
    made: ClassVar[list[dict[str, Any]]] = []
    int8_kernels: ClassVar[bool] = True

    def __init__(self, path: str | Path, *, device: str = "auto", cpu_precision: str | None = None) -> None:
        self.made.append({"path": Path(path), "device": device, "cpu_precision": cpu_precision})
        self.cpu_precision = cpu_precision
        self._lexicon = get_classifier("lexicon")

    @property
    def version(self) -> str:
        return f"fake:{self.precision('cpu')}"

    def precision(self, device: str) -> str:
        if self.cpu_precision is None:
            return "int8"  # what a bare NeuralClassifier runs on a CPU
        return "fp32" if self.cpu_precision == "int8" and not self.int8_kernels else self.cpu_precision

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        preds = self._lexicon.predict(texts)
        if self.precision("cpu") != "int8":
            return preds
        other = Prediction(focus=FOCUS_ORDER[2], score=1.0, probs=(0.0, 0.0, 1.0))
        return [other if "sign" in t.lower() else p for t, p in zip(texts, preds, strict=True)]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    frame = load_corpus(MINI)
    frame["split"] = ["test" if i % 5 == 0 else "dev" if i % 5 == 1 else "train" for i in range(len(frame))]
    path = tmp_path / "corpus.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def fake_neural(monkeypatch: pytest.MonkeyPatch) -> type[FakeNeural]:
    pytest.importorskip("torch", reason="write_card reads torch's thread count for the neural model")
    from convolens.classifiers import neural

    monkeypatch.setattr(FakeNeural, "made", [])
    monkeypatch.setattr(neural, "NeuralClassifier", FakeNeural)
    monkeypatch.setenv("CONVOLENS_NEURAL_CPU_PRECISION", "int8")
    return FakeNeural


def test_write_card_measures_neural_in_float32_on_the_cpu(
    fake_neural: type[FakeNeural], corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "neural"
    out.mkdir()
    handed = FakeNeural(out)  # the fitted model train() has: it would run in int8
    fake_neural.made.clear()
    figures = write_card("neural", out, corpus, classifier=handed)  # type: ignore[arg-type]
    made = {m["cpu_precision"]: m for m in fake_neural.made}
    assert set(made) == {"fp32", "int8", "bf16"}
    assert all(m["device"] == "cpu" and m["path"] == out for m in made.values())
    assert figures["model"] == "neural@fake:fp32"  # the top level is float32's
    assert figures["int8"]["model"] == "neural@fake:int8" and figures["bf16"]["model"] == "neural@fake:bf16"
    assert set(figures["int8"]) >= {"overall", "asr", "dev", "agreement_with_fp32", "mean_abs_probability_difference"}
    assert figures["int8"]["agreement_with_fp32"] < 1.0 and figures["int8"]["mean_abs_probability_difference"] > 0
    assert figures["bf16"]["agreement_with_fp32"] == 1.0 and figures["bf16"]["mean_abs_probability_difference"] == 0
    written = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert written["int8"]["overall"]["n"] == written["overall"]["n"] == 12
    card = (out / "README.md").read_text(encoding="utf-8")
    assert card == model_card("neural", written)
    assert "Run in int8 on a CPU" in card and "## Running it" in card


def test_write_card_does_not_pass_float32_off_as_int8(
    fake_neural: type[FakeNeural], corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(FakeNeural, "int8_kernels", False)
    figures = write_card("neural", tmp_path, corpus)
    assert figures["int8"] == {"available": False}
    assert "not measured" in (tmp_path / "README.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_rewriting_the_committed_neural_card_gives_its_figures(tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="the neural model needs the [neural] extra")
    committed = ROOT / "models" / "neural"
    for name in ("model.json", "weights.safetensors"):
        shutil.copy(committed / name, tmp_path / name)
    figures = write_card("neural", tmp_path, ROOT / "data" / "labeled" / "corpus.csv")
    expected = json.loads((committed / "metrics.json").read_text(encoding="utf-8"))
    assert figures["model"] == expected["model"]  # no `+int8`: float32, whatever the machine's default
    # Exact on the machine that wrote the card; another CPU's kernels may flip a borderline label.
    for key in ("overall", "asr", "dev"):
        assert figures[key]["macro_f1"] == pytest.approx(expected[key]["macro_f1"], abs=0.002)
    for precision in ("int8", "bf16"):
        assert figures[precision]["model"] == f"{expected['model']}+{precision}"
        got, want = figures[precision], expected[precision]
        assert got["overall"]["macro_f1"] == pytest.approx(want["overall"]["macro_f1"], abs=0.005)
        assert got["agreement_with_fp32"] == pytest.approx(want["agreement_with_fp32"], abs=0.005)
