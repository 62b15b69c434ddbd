"""The spaCy side of convolens: sentences, questions and focus on Doc/Span attributes.

>>> from convolens.nlp import analyse_turns
>>> analyse_turns(["yeah and how much are they looking at"])[0].is_question
True
"""

from __future__ import annotations

from .components import FocusComponent, QuestionDetector, Sentencizer, register_extensions
from .pipeline import (
    TurnAnalysis,
    analyse_turns,
    clear_cache,
    clear_turn_cache,
    default_nlp,
    make_nlp,
    nlp_for,
    turn_analysis,
)
from .questions import question_cue
from .sentences import sentence_starts
from .turn import TurnDecision, decide_turn

__all__ = [
    "FocusComponent",
    "QuestionDetector",
    "Sentencizer",
    "TurnAnalysis",
    "TurnDecision",
    "analyse_turns",
    "clear_cache",
    "clear_turn_cache",
    "decide_turn",
    "default_nlp",
    "make_nlp",
    "nlp_for",
    "question_cue",
    "register_extensions",
    "sentence_starts",
    "turn_analysis",
]
