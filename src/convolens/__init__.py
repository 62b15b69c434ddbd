"""convolens: measure whether sales conversations focus on revenue or on the customer's impact.

The public API is :func:`score`, :func:`classify` and :func:`report` (each
giving pandas DataFrames), plus :func:`read_any` for single transcript files.
They are imported on first use so that ``import convolens`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .api import Report, classify, report, score
    from .readers import read_any

_LAZY = {
    "score": "api",
    "classify": "api",
    "report": "api",
    "Report": "api",
    "read_any": "readers",
}

__all__ = ["Report", "__version__", "classify", "read_any", "report", "score"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'convolens' has no attribute {name!r}")
