"""Neural model on the CPU: the naive batch loop against the classifier's own predict path.

Usage: python bench/neural_cpu.py [--runs 3] [--n N] [--threads T] [--skip-eval]

On the test split of data/labeled/corpus.csv (or the corpus's first N texts with --n) it times

* ``naive``: the plain loop, tokenise and run encoder + head on batches of 32 in input order, float32;
* ``fp32``:  ``NeuralClassifier(cpu_precision="fp32").predict``: length-sorted batches, float32;
* ``int8``:  ``NeuralClassifier().predict``, the CPU default: length-sorted batches, int8 Linear layers;
* ``bf16``:  ``NeuralClassifier(cpu_precision="bf16").predict``: length-sorted batches, bfloat16.

The two predict paths include everything ``predict`` does (tokenising, the lexicon's evidence).
Runs are interleaved (naive, fp32, int8, bf16, naive...) so that load from other processes on a
shared machine falls on all alike; each figure is the median of ``--runs`` runs, after a warm-up.
Then macro-F1, the ASR subset's macro-F1 and calibration error of each on the test split, through
the full turn analysis (``convolens.training.evaluate``).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import torch

from convolens.classifiers import find_model_dir
from convolens.classifiers.base import Prediction
from convolens.classifiers.calibration import softmax
from convolens.classifiers.neural import NeuralClassifier
from convolens.corpus import load_corpus
from convolens.model import FOCUS_ORDER
from convolens.training import evaluate, with_splits

CORPUS = Path(__file__).resolve().parents[1] / "data" / "labeled" / "corpus.csv"
NAIVE_BATCH = 32


class NaiveLoop:
    """The baseline as a classifier: batches of 32 in input order, float32, so ``evaluate`` can score it."""

    name: ClassVar[str] = "neural-naive"

    def __init__(self, path: Path) -> None:
        # The float32 modules and tokenizer of a loaded model; private, but this is a benchmark.
        self._clf = NeuralClassifier(path, device="cpu", cpu_precision="fp32")
        self._net: Any = self._clf._net
        self._net.modules().eval()
        self._tokenizer: Any = self._clf._tokenizer

    @property
    def version(self) -> str:
        return f"{self._clf.version}+naive"

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        out = []
        with torch.inference_mode():
            for lo in range(0, len(texts), NAIVE_BATCH):
                batch = self._tokenizer(
                    [t or " " for t in texts[lo : lo + NAIVE_BATCH]],
                    padding=True,
                    truncation=True,
                    max_length=self._clf.max_length,
                    return_tensors="pt",
                )
                out.append(self._net.logits(batch).float().numpy())
        return np.concatenate(out) if out else np.zeros((0, len(FOCUS_ORDER)))

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        probs = softmax(self.logits(texts) / self._clf.temperature_)
        preds = []
        for row in probs:
            k = int(row.argmax())
            p = (float(row[0]), float(row[1]), float(row[2]))
            preds.append(Prediction(focus=FOCUS_ORDER[k], score=p[k], probs=p))
        return preds


def _rate(fn: Callable[[], object], n: int) -> tuple[float, float]:
    """Give (texts per wall-clock second, texts per CPU second) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return n / (time.perf_counter() - wall), n / (time.process_time() - cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--n", type=int, default=None, help="the corpus's first N texts instead of the test split")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's own)")
    parser.add_argument("--skip-eval", action="store_true", help="timings only")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    if args.threads:
        torch.set_num_threads(args.threads)
    frame = with_splits(load_corpus(CORPUS))
    test = frame[frame["split"] == "test"]
    texts = frame["text"].tolist()[: args.n] if args.n else test["text"].tolist()
    path = find_model_dir("neural")
    models: dict[str, Any] = {
        "naive": NaiveLoop(path),
        "fp32": NeuralClassifier(path, device="cpu", cpu_precision="fp32"),
        "int8": NeuralClassifier(path, device="cpu"),
        "bf16": NeuralClassifier(path, device="cpu", cpu_precision="bf16"),
    }
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, torch {torch.__version__} with "
        f"{torch.get_num_threads()} threads, Python {platform.python_version()}; {len(texts)} texts a run"
    )
    calls: dict[str, Callable[[], object]] = {
        "naive": lambda: models["naive"].logits(texts),
        "fp32": lambda: models["fp32"].predict(texts),
        "int8": lambda: models["int8"].predict(texts),
        "bf16": lambda: models["bf16"].predict(texts),
    }
    for call in calls.values():
        call()  # warm-up: builds the int8 copy, the lexicon, the allocator's pools
    rates: dict[str, list[tuple[float, float]]] = {name: [] for name in calls}
    for _ in range(args.runs):
        for name, call in calls.items():
            rates[name].append(_rate(call, len(texts)))
    median = {name: statistics.median(r[0] for r in runs) for name, runs in rates.items()}
    for name, runs in rates.items():
        walls = ", ".join(f"{w:.0f}" for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(
            f"{name:6s} median {median[name]:6.0f} texts/s  {median[name] / median['naive']:4.2f}x naive"
            f"  (runs: {walls}; {cpu:.0f} texts per CPU-second)"
        )
    print(f"ratio int8 predict / naive loop: {median['int8'] / median['naive']:.2f}x (target >= 2x)")
    if args.skip_eval:
        return
    print(f"test split, full turn analysis ({len(test)} utterances):")
    for name, clf in models.items():
        figures = evaluate(clf, test)
        overall = figures["overall"]
        print(
            f"{name:6s} macro-F1 {overall['macro_f1']:.4f}  asr macro-F1 {figures['asr']['macro_f1']:.4f}  "
            f"ECE {overall['calibration_error']:.4f}  accuracy {overall['accuracy']:.4f}  ({figures['model']})"
        )


if __name__ == "__main__":
    main()
