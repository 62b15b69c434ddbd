"""Importing spaCy without torch, for processes that never need thinc's torch support.

``import spacy`` imports thinc, and thinc imports torch whenever torch is installed
(it is, for the neural model): about 1.5 s and 180 MiB on every start, although the
lexicon and linear models never touch torch and the neural model imports it itself,
through transformers, not through thinc. :func:`keep_torch_from_thinc` installs an
import hook that refuses torch to thinc while thinc sets itself up, whenever spaCy is
imported later; torch itself stays importable, before and after.

Only the CLI and convolens's own worker processes install it: they never build on a
spaCy pipeline that runs a torch model through thinc (``spacy.load`` of a transformer
pipeline), which is the one thing it would break. A library user's process is left alone.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

#: set to 1 to let thinc import torch as usual (it then also sees a GPU).
ENV_VAR = "CONVOLENS_THINC_TORCH"


class _NoTorchForThinc:
    """A meta path finder that fails ``import torch`` while ``thinc.compat`` is being imported."""

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name == "torch" or name.startswith("torch."):
            compat = sys.modules.get("thinc.compat")
            # thinc.compat is in sys.modules from the start of its import; has_torch is set at its end.
            if compat is not None and not hasattr(compat, "has_torch"):
                raise ImportError(f"torch is kept from thinc in this process (${ENV_VAR}=1 allows it)")
        return None  # anything else: the other finders decide


def keep_torch_from_thinc() -> bool:
    """Make spaCy's thinc set itself up without torch when it is imported; give whether that will happen.

    Nothing is done (False) when thinc is already imported or ``$CONVOLENS_THINC_TORCH`` is 1.
    Calling it again is harmless.
    """
    if os.environ.get(ENV_VAR) == "1" or "thinc" in sys.modules:
        return False
    if not any(isinstance(finder, _NoTorchForThinc) for finder in sys.meta_path):
        sys.meta_path.insert(0, _NoTorchForThinc())
    return True
