"""Training and evaluating focus classifiers on a labelled corpus.

``evaluate`` runs texts through the same turn analysis as ``convolens score``
(sentences, questions, the last-question rule), so its figures are the ones a
user gets. ``train`` fits a model on the corpus's train split, picks its
settings on the dev split, reports the test split, and writes the model with
its model card.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from .classifiers import get_classifier
from .classifiers.base import FocusClassifier, model_tag
from .classifiers.calibration import expected_calibration_error
from .corpus import LABELS, corpus_name, load_corpus, split_of
from .errors import ConvolensError
from .model_cards import model_card
from .nlp import analyse_turns
from .store import write_text_atomic

if TYPE_CHECKING:
    from .classifiers.neural import NeuralClassifier

__all__ = ["evaluate", "evaluate_with_predictions", "model_card", "train", "with_splits", "write_card"]


def _scores(gold: Sequence[str], pred: Sequence[str], probs: np.ndarray) -> dict[str, Any]:
    p, r, f, n = precision_recall_fscore_support(gold, pred, labels=list(LABELS), zero_division=0)
    y = np.array([LABELS.index(g) for g in gold])
    return {
        "n": len(gold),
        "accuracy": float(np.mean(np.array(gold) == np.array(pred))) if len(gold) else float("nan"),
        "macro_f1": float(np.mean(f)),
        "per_class": {
            lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(n[i])}
            for i, lab in enumerate(LABELS)
        },
        "confusion": {"labels": list(LABELS), "matrix": confusion_matrix(gold, pred, labels=list(LABELS)).tolist()},
        "calibration_error": expected_calibration_error(probs, y) if len(gold) else float("nan"),
    }


def evaluate(
    model: str | FocusClassifier, data: str | Path | pd.DataFrame, *, split: str | None = None
) -> dict[str, Any]:
    """Give evaluation figures of a classifier on labelled texts.

    ``data`` is a corpus CSV (or frame) with ``text`` and ``label`` and
    optionally ``is_question``, ``style`` and ``split``; ``split`` restricts
    it to one split. The result holds overall figures (per-class precision,
    recall and F1, macro-F1, confusion matrix, calibration error), the same on
    the ``asr`` subset when ``style`` is given, question-detection F1 when
    ``is_question`` is given, and throughput in utterances per second.
    """
    return evaluate_with_predictions(model, data, split=split)[0]


def evaluate_with_predictions(
    model: str | FocusClassifier, data: str | Path | pd.DataFrame, *, split: str | None = None
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Give :func:`evaluate`'s figures and the evaluated rows with what the classifier said about each.

    The rows keep every column of ``data`` and gain ``predicted``,
    ``p_revenue``, ``p_customer_impact``, ``p_other``, ``focus_score``,
    ``predicted_question``, ``theme`` and ``evidence``: one pass of the
    classifier gives both, so error analysis sees exactly what was scored.
    """
    frame = load_corpus(data) if not isinstance(data, pd.DataFrame) else data
    if split is not None:
        frame = with_splits(frame)
        frame = frame[frame["split"] == split]
    if frame.empty:
        raise ConvolensError("no rows to evaluate")
    clf = get_classifier(model) if isinstance(model, str) else model
    texts = frame["text"].tolist()
    analyse_turns(texts[:8], clf)  # build and cache the pipeline outside the timing
    started = time.perf_counter()
    results = analyse_turns(texts, clf)
    seconds = time.perf_counter() - started
    pred = [r.focus.value for r in results]
    probs = np.array([r.probs for r in results])
    gold = frame["label"].tolist()
    report: dict[str, Any] = {"model": model_tag(clf), "overall": _scores(gold, pred, probs)}
    if "style" in frame.columns:
        asr = (frame["style"] == "asr").to_numpy()
        if asr.any():
            report["asr"] = _scores(
                [g for g, a in zip(gold, asr, strict=True) if a],
                [p for p, a in zip(pred, asr, strict=True) if a],
                probs[asr],
            )
    if "is_question" in frame.columns:
        truth = frame["is_question"].astype(bool).tolist()
        asked = [r.is_question for r in results]
        report["question_f1"] = float(f1_score(truth, asked))
    report["utterances_per_second"] = len(texts) / seconds if seconds > 0 else float("inf")
    predictions = frame.reset_index(drop=True).assign(
        predicted=pred,
        **{f"p_{label}": probs[:, i] for i, label in enumerate(LABELS)},
        focus_score=[r.focus_score for r in results],
        predicted_question=[r.is_question for r in results],
        theme=[r.theme for r in results],
        evidence=[r.evidence for r in results],
    )
    return report, predictions


def with_splits(frame: pd.DataFrame) -> pd.DataFrame:
    """Give the corpus with a ``split`` column (kept when present, else from the group hash)."""
    if "split" in frame.columns and frame["split"].isin(["train", "dev", "test"]).all():
        return frame
    groups = frame["group"] if "group" in frame.columns else frame.index.astype(str)
    return frame.assign(split=[split_of(str(g)) for g in groups])


def train(model: str, data: str | Path, out: str | Path, *, seed: int = 0) -> dict[str, Any]:
    """Fit a classifier on the corpus's train split, write it to ``out`` with its card; give the test figures."""
    frame = with_splits(load_corpus(data))
    parts = {name: frame[frame["split"] == name] for name in ("train", "dev", "test")}
    if any(p.empty for p in parts.values()):
        raise ConvolensError("the corpus needs rows in each of train, dev and test", path=str(data))
    out = Path(out)
    if model == "linear":
        clf = _train_linear(parts["train"], parts["dev"])
    elif model == "neural":
        from .classifiers.neural import train_neural

        clf = train_neural(parts["train"], parts["dev"], seed=seed)
    else:
        raise ConvolensError(f"cannot train {model!r}; trainable models: linear, neural")
    clf.to_disk(out)  # type: ignore[attr-defined]
    # Not the fitted neural model: its card reloads the saved float16 weights from `out` and runs
    # them in explicit number formats (see neural_figures).
    return write_card(model, out, data, seed=seed, classifier=clf if model != "neural" else None)


def write_card(
    model: str, out: str | Path, data: str | Path, *, seed: int = 0, classifier: FocusClassifier | None = None
) -> dict[str, Any]:
    """Evaluate a saved model on the dev and test splits; write ``metrics.json`` and its card; give the figures.

    Used after training, and on its own when something outside the model that
    changes its figures (question detection, the turn rule) has changed. The
    neural model is always reloaded from ``out`` and run on the CPU: its
    figures are float32's (the weights as saved, whatever the machine's
    default number format), with int8's and bfloat16's beside them
    (:func:`neural_figures`), so any machine writes the same card; a
    ``classifier`` given for it is not used.
    """
    out = Path(out)
    frame = with_splits(load_corpus(data))
    if model == "neural":
        figures = neural_figures(out, frame)
    else:
        clf = classifier or get_classifier(model, path=out)
        figures = evaluate(clf, frame[frame["split"] == "test"])
        figures["dev"] = evaluate(clf, frame[frame["split"] == "dev"])["overall"]
    counts = frame["split"].value_counts()
    figures["data"] = {
        "corpus": corpus_name(data),
        **{name: int(counts.get(name, 0)) for name in ("train", "dev", "test")},
        "seed": seed,
    }
    write_text_atomic(out / "metrics.json", json.dumps(figures, indent=2) + "\n")
    write_text_atomic(out / "README.md", model_card(model, figures))
    return figures


def _neural_on_cpu(out: Path, precision: str) -> NeuralClassifier:
    from .classifiers.neural import NeuralClassifier

    # Explicit settings: a bare NeuralClassifier would pick a GPU when one is present and, on a
    # CPU, CONVOLENS_NEURAL_CPU_PRECISION or int8 -- not the float32 figures a card reports.
    return NeuralClassifier(out, device="cpu", cpu_precision=precision)


def neural_figures(out: str | Path, frame: pd.DataFrame) -> dict[str, Any]:
    """Give the saved neural model's card figures, measured on the CPU.

    The top level is :func:`evaluate`'s figures on the test split in float32
    (``cpu_precision="fp32"``) plus ``dev``. ``int8`` (the CPU default) holds
    the same figures for int8 on test, its asr subset and dev; ``bf16`` those on
    test. Each also gives ``agreement_with_fp32`` (the share of test utterances
    given float32's label) and ``mean_abs_probability_difference`` (from float32's
    probabilities, over test utterances and labels), or ``available: false``
    where torch cannot run that format on this CPU. ``cpu_threads`` is torch's
    thread count during the runs (their throughput depends on it).
    """
    import torch  # present: the [neural] extra is needed to get here

    out = Path(out)
    test, dev = frame[frame["split"] == "test"], frame[frame["split"] == "dev"]
    fp32 = _neural_on_cpu(out, "fp32")
    figures, reference = evaluate_with_predictions(fp32, test)
    figures["dev"] = evaluate(fp32, dev)["overall"]
    figures["cpu_threads"] = torch.get_num_threads()  # what the throughput figures ran with
    for precision, with_dev in (("int8", True), ("bf16", False)):
        clf = _neural_on_cpu(out, precision)
        if clf.precision("cpu") != precision:  # torch has no int8 kernels here: it would run float32
            figures[precision] = {"available": False}
            continue
        report, rows = evaluate_with_predictions(clf, test)
        columns = [f"p_{label}" for label in LABELS]
        entry: dict[str, Any] = {
            key: report[key] for key in ("model", "overall", "asr", "utterances_per_second") if key in report
        }
        if with_dev:
            entry["dev"] = evaluate(clf, dev)["overall"]
        entry["agreement_with_fp32"] = float(np.mean(rows["predicted"].to_numpy() == reference["predicted"].to_numpy()))
        entry["mean_abs_probability_difference"] = float(
            np.mean(np.abs(rows[columns].to_numpy() - reference[columns].to_numpy()))
        )
        figures[precision] = entry
    return figures


def _train_linear(train_part: pd.DataFrame, dev: pd.DataFrame) -> FocusClassifier:
    from .classifiers.linear import LinearClassifier

    best: tuple[float, float] | None = None
    for C in (1.0, 2.0, 4.0, 8.0, 16.0):
        candidate = LinearClassifier(C=C).fit(train_part["text"].tolist(), train_part["label"].tolist())
        pred = [p.focus.value for p in candidate.predict(dev["text"].tolist())]
        score = float(f1_score(dev["label"], pred, average="macro"))
        if best is None or score > best[0]:
            best = (score, C)
    assert best is not None
    return LinearClassifier(C=best[1]).fit(
        train_part["text"].tolist(),
        train_part["label"].tolist(),
        dev_texts=dev["text"].tolist(),
        dev_labels=dev["label"].tolist(),
    )
