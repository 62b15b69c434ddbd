"""The committed models still reach their documented floors on the corpus's held-out test split.

CI trains nothing: it loads models/linear and models/neural as committed and evaluates them on
the fixed test split of data/labeled/corpus.csv (704 utterances). The floors sit a little under
the figures in each model card, so a change that really hurts a model fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from convolens.training import evaluate

CORPUS = Path(__file__).resolve().parents[2] / "data" / "labeled" / "corpus.csv"

# model: (macro-F1 overall, macro-F1 on the asr subset, calibration error at most)
FLOORS = {
    "lexicon": (0.65, 0.64, 0.12),
    "linear": (0.87, 0.87, 0.05),
    "neural": (0.91, 0.89, 0.04),
}


@pytest.mark.parametrize("model", sorted(FLOORS))
def test_model_meets_its_floor_on_the_test_split(model: str) -> None:
    if model == "neural":
        pytest.importorskip("torch", reason="the neural model needs the [neural] extra")
    figures = evaluate(model, CORPUS, split="test")
    overall_floor, asr_floor, max_ece = FLOORS[model]
    assert figures["overall"]["n"] == 704
    assert figures["overall"]["macro_f1"] >= overall_floor
    assert figures["asr"]["macro_f1"] >= asr_floor
    assert figures["overall"]["calibration_error"] <= max_ece
    assert figures["question_f1"] >= 0.96  # measured 0.982
