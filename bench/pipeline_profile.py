"""Throughput of ``analyse_turns`` as a share of spaCy's bare tokenizer, measured in one process.

Usage: python bench/pipeline_profile.py [--texts corpus|calls] [--n 4000] [--runs 5]
                                        [--models lexicon,linear] [--profile MODEL] [--top 30]

The machine this runs on is often shared, so absolute rates swing; what is reported is each model's
rate divided by the rate of ``spacy.blank("en").tokenizer.pipe`` over the same texts, in the same
process, as the median of ``--runs`` rounds. Within a round the texts go in chunks of ``--chunk``,
each timed through the tokenizer, the model and the tokenizer again, so that both see the same
load; the tokenizer's time is the mean of its two passes. Shares are given by wall-clock time and by
this process's CPU time (``time.process_time``), which other jobs on the machine disturb less.

``--texts corpus`` takes the labelled corpus's utterances (all different); ``--texts calls`` takes
the turns of synthetic calls as ``bench/make_corpus.py`` makes them (skewed lengths, about one in
five a short back-channel), which is what ``convolens score`` sees. The tokenizer and each model
first make one untimed pass over the texts (as bench/score_bench.py warms the tokenizer up); every
round then starts with empty turn caches, so repeated texts only help within a round, as in one run.

``--profile MODEL`` runs cProfile over one round of that model instead and prints the top functions
by cumulative and by internal time.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import os
import platform
import pstats
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import spacy

from convolens.classifiers import load_classifier
from convolens.nlp import analyse_turns

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "labeled" / "corpus.csv"


def corpus_texts(n: int) -> list[str]:
    """Give the first ``n`` utterances of the labelled corpus."""
    with open(CORPUS, encoding="utf-8", newline="") as fh:
        return [row["text"] for row in csv.DictReader(fh)][:n]


def call_texts(n: int, seed: int = 0) -> list[str]:
    """Give ``n`` turns of synthetic calls, made as bench/make_corpus.py makes them."""
    sys.path.insert(0, str(ROOT / "bench"))
    import make_corpus as mc

    people = mc.make_people(200, seed)
    out: list[str] = []
    index = 0
    while len(out) < n:
        rng = random.Random(f"{seed}:call:{index}")
        plan = mc.plan_call(index, people, seed, rng)
        out.extend(turn.text for turn in mc.make_turns(plan, rng))
        index += 1
    return out[:n]


def clear_turn_caches() -> None:
    """Forget remembered turn analyses (where this convolens has such a cache) but keep pipelines."""
    from convolens.nlp import pipeline

    clear = getattr(pipeline, "clear_turn_cache", None)
    if callable(clear):
        clear()


def timed(fn: Callable[[], Any]) -> tuple[float, float]:
    """Give the wall-clock and CPU seconds ``fn()`` took."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", choices=("corpus", "calls"), default="corpus")
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--models", default="lexicon,linear")
    parser.add_argument("--profile", default=None, help="profile one round of this model")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--chunk", type=int, default=256, help="texts per timed chunk (analyse_turns call)")
    args = parser.parse_args()

    texts = corpus_texts(args.n) if args.texts == "corpus" else call_texts(args.n)
    tokenizer = spacy.blank("en").tokenizer
    models = {name: load_classifier(name) for name in args.models.split(",")}

    def tokenize(chunk: list[str]) -> None:
        for _ in tokenizer.pipe(chunk, batch_size=1000):
            pass

    # One untimed pass each, as bench/score_bench.py warms the tokenizer up: spaCy's tokenizer and
    # the pipeline both remember what they have seen of each word; only the turn caches start empty.
    tokenize(texts)
    for clf in models.values():
        analyse_turns(texts, clf)

    if args.profile:
        clf = models[args.profile]
        clear_turn_caches()
        prof = cProfile.Profile()
        prof.enable()
        analyse_turns(texts, clf)
        prof.disable()
        stats = pstats.Stats(prof)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        return

    print(
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, spaCy {spacy.__version__};"
        f" {len(texts)} {args.texts} texts, {sum(len(t.split()) for t in texts) / len(texts):.1f} words each"
    )
    shares: dict[str, dict[str, list[float]]] = {name: {"wall": [], "cpu": []} for name in models}
    rates: dict[str, list[float]] = {name: [] for name in models}
    tok_rates: list[float] = []
    chunks = [texts[lo : lo + args.chunk] for lo in range(0, len(texts), args.chunk)]
    for _ in range(args.runs):
        for name, clf in models.items():
            clear_turn_caches()
            tok = [0.0, 0.0]
            took = [0.0, 0.0]
            for chunk in chunks:
                for k, (wall, cpu) in enumerate(
                    (
                        timed(lambda chunk=chunk: tokenize(chunk)),
                        timed(lambda chunk=chunk, clf=clf: analyse_turns(chunk, clf)),
                        timed(lambda chunk=chunk: tokenize(chunk)),
                    )
                ):
                    spent = took if k == 1 else tok
                    spent[0] += wall if k == 1 else wall / 2
                    spent[1] += cpu if k == 1 else cpu / 2
            tok_rates.append(len(texts) / tok[0])
            rates[name].append(len(texts) / took[0])
            shares[name]["wall"].append(tok[0] / took[0])
            shares[name]["cpu"].append(tok[1] / took[1])
    print(f"tokenizer {statistics.median(tok_rates):9.0f} utt/s (median of {len(tok_rates)})")
    for name in models:
        wall, cpu = shares[name]["wall"], shares[name]["cpu"]
        print(
            f"{name:9s} {statistics.median(rates[name]):9.0f} utt/s   {statistics.median(wall):6.1%} of the tokenizer"
            f" by wall clock, {statistics.median(cpu):6.1%} by CPU time"
            f"  (wall: {', '.join(f'{x:.1%}' for x in wall)}; cpu: {', '.join(f'{x:.1%}' for x in cpu)})"
        )


if __name__ == "__main__":
    main()
