"""Helpers shared by the trained classifiers: labels, softmax, temperature scaling, calibration error."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..errors import ModelError
from ..model import FOCUS_ORDER, Focus
from .base import Prediction


def label_indices(labels: Sequence[str]) -> np.ndarray:
    """Give the FOCUS_ORDER index of each label; raise ModelError for an unknown one."""
    values = [f.value for f in FOCUS_ORDER]
    try:
        return np.array([values.index(str(label)) for label in labels])
    except ValueError:
        bad = next(str(label) for label in labels if str(label) not in values)
        raise ModelError(f"unknown label {bad!r} (expected {', '.join(values)})") from None


def to_prediction(probs: np.ndarray, lexicon: Prediction, evidence: str) -> Prediction:
    """Give the Prediction for one row of calibrated probabilities.

    The sub-theme comes from the lexicon when it agrees on the focus: trained
    models know the label, the lexicon knows which patterns made it.
    """
    k = int(np.argmax(probs))
    focus = FOCUS_ORDER[k]
    theme = lexicon.theme if lexicon.focus is focus and focus is not Focus.OTHER else None
    return Prediction(
        focus=focus,
        score=float(probs[k]),
        probs=(float(probs[0]), float(probs[1]), float(probs[2])),
        theme=theme,
        evidence=evidence,
    )


def softmax(logits: np.ndarray) -> np.ndarray:
    """Give row-wise softmax probabilities of a 2-D array of logits."""
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def nll(logits: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    """Give the mean negative log-likelihood of ``labels`` under ``softmax(logits / temperature)``."""
    p = softmax(logits / temperature)
    return float(-np.mean(np.log(np.clip(p[np.arange(len(labels)), labels], 1e-12, None))))


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """Give the temperature (0.05-20) minimising dev-set NLL, by golden-section search on its log.

    NLL is convex in 1/T for a fixed set of logits, so a one-dimensional search
    finds the single best value; no gradient code is needed.
    """
    lo, hi = math.log(0.05), math.log(20.0)
    ratio = (math.sqrt(5) - 1) / 2
    a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
    fa, fb = nll(logits, labels, math.exp(a)), nll(logits, labels, math.exp(b))
    for _ in range(60):
        if fa < fb:
            hi, b, fb = b, a, fa
            a = hi - ratio * (hi - lo)
            fa = nll(logits, labels, math.exp(a))
        else:
            lo, a, fa = a, b, fb
            b = lo + ratio * (hi - lo)
            fb = nll(logits, labels, math.exp(b))
    return math.exp((lo + hi) / 2)


def expected_calibration_error(probs: np.ndarray, labels: np.ndarray, bins: int = 10) -> float:
    """Give the expected calibration error of the top-class probability (equal-width bins)."""
    conf = probs.max(axis=1)
    right = probs.argmax(axis=1) == labels
    ece = 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        mask = (conf > lo) & (conf <= hi)
        if mask.any():
            ece += float(mask.mean()) * abs(float(right[mask].mean()) - float(conf[mask].mean()))
    return ece
