"""Throughput of each focus model, as utterances per second, medians of several runs.

Usage: python bench/model_throughput.py [--runs 3] [--models lexicon,linear,neural] [--n 2000]

Times the full turn analysis (sentences, questions, focus) that `convolens score` runs, on the
corpus's utterances, after one warm-up pass that builds the pipeline and loads the model.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

import pandas as pd

from convolens.classifiers import load_classifier
from convolens.nlp import analyse_turns

CORPUS = Path(__file__).resolve().parents[1] / "data" / "labeled" / "corpus.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--models", default="lexicon,linear,neural")
    parser.add_argument("--n", type=int, default=2000, help="utterances per run")
    parser.add_argument("--device", default=None, help="cpu, cuda or auto for the neural model")
    args = parser.parse_args()
    texts = pd.read_csv(CORPUS)["text"].tolist()[: args.n]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; {len(texts)} utterances a run"
    )
    for name in args.models.split(","):
        clf = load_classifier(name, args.device)
        analyse_turns(texts[:64], clf)
        rates = []
        for _ in range(args.runs):
            started = time.perf_counter()
            analyse_turns(texts, clf)
            rates.append(len(texts) / (time.perf_counter() - started))
        print(
            f"{name:8s} median {statistics.median(rates):8.0f} utterances/s  (runs: {', '.join(f'{r:.0f}' for r in rates)})"
        )


if __name__ == "__main__":
    main()
