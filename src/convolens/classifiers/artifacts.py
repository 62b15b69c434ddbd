"""Reading a trained model's folder safely: ``model.json`` plus ``weights.safetensors``, never pickle."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from safetensors import SafetensorError

from ..errors import ModelError
from ..model import FOCUS_ORDER

T = TypeVar("T")


def read_artifacts(folder: Path, model: str, fmt: str, load_tensors: Callable[[str], T]) -> tuple[dict[str, Any], T]:
    """Give ``(meta, tensors)`` of a model folder, checked to be format ``fmt`` with convolens's classes.

    ``load_tensors`` is safetensors' numpy or torch ``load_file``. Raises
    :class:`~convolens.errors.ModelError` saying how to rebuild a missing
    model, or that a file is unreadable or of another format.
    """
    try:
        meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        tensors = load_tensors(str(folder / "weights.safetensors"))
    except FileNotFoundError as exc:
        missing = Path(exc.filename or folder).name
        raise ModelError(
            f"no {model} model here ({missing} missing); run `convolens train --model {model}`", path=folder
        ) from None
    except (OSError, ValueError, SafetensorError) as exc:
        raise ModelError(f"cannot read the {model} model: {exc}", path=folder) from None
    if not isinstance(meta, dict) or meta.get("format") != fmt or meta.get("classes") != [f.value for f in FOCUS_ORDER]:
        found = meta.get("format") if isinstance(meta, dict) else None
        raise ModelError(f"not a {fmt} model (format {found!r})", path=folder / "model.json")
    return meta, tensors
