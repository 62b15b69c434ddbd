"""convolens: measure whether sales conversations focus on revenue or on the customer's impact.

The public API is :func:`score`, :func:`classify` and :func:`report` (each
giving pandas DataFrames), plus :func:`read_any` for single transcript files;
for analysis in notebooks, :func:`evaluate` (a model's figures and per-text
predictions), :func:`conversation_stats`, :func:`question_yield`,
:func:`change_points` and :func:`cascade`.
They are imported on first use so that ``import convolens`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .api import (
        Cascade,
        ConversationStats,
        Evaluation,
        QuestionYield,
        Report,
        cascade,
        change_points,
        classify,
        conversation_stats,
        evaluate,
        load_run,
        question_yield,
        report,
        score,
    )
    from .interop import from_convokit, from_frame, to_convokit
    from .readers import read_any

_LAZY = {
    "score": "api",
    "load_run": "api",
    "classify": "api",
    "report": "api",
    "Report": "api",
    "evaluate": "api",
    "Evaluation": "api",
    "conversation_stats": "api",
    "ConversationStats": "api",
    "question_yield": "api",
    "QuestionYield": "api",
    "change_points": "api",
    "cascade": "api",
    "Cascade": "api",
    "read_any": "readers",
    "from_frame": "interop",
    "to_convokit": "interop",
    "from_convokit": "interop",
}

__all__ = [
    "Cascade",
    "ConversationStats",
    "Evaluation",
    "QuestionYield",
    "Report",
    "__version__",
    "cascade",
    "change_points",
    "classify",
    "conversation_stats",
    "load_run",
    "evaluate",
    "from_convokit",
    "from_frame",
    "question_yield",
    "read_any",
    "report",
    "score",
    "to_convokit",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'convolens' has no attribute {name!r}")
