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

The same hook spares those processes spaCy's command line: ``import spacy`` imports
``spacy.cli`` (requests, httpx, weasel, jinja2 and every spaCy command) only to export
``spacy.info``, about 0.2 s of every start. While spaCy sets itself up, the hook gives it
a stand-in ``spacy.cli.info`` whose ``info`` imports the real one when called; the
stand-ins leave ``sys.modules`` as soon as spaCy's package is set up, so a later
``import spacy.cli`` (``python -m spacy``, ``spacy.cli.download``) gets the real package.
"""

from __future__ import annotations

import importlib
import importlib.abc
import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

#: set to 1 to let thinc import torch as usual (it then also sees a GPU).
ENV_VAR = "CONVOLENS_THINC_TORCH"


#: spaCy's command-line modules that its package imports while it sets up (for ``spacy.info``).
_SPACY_CLI = ("spacy.cli", "spacy.cli.info")


def _spacy_setting_up() -> bool:
    """Say whether spaCy's ``__init__`` is running: its module exists but has not reached ``Language``."""
    spacy = sys.modules.get("spacy")
    return spacy is not None and "Language" not in vars(spacy)


#: whether a stand-in may still be in sys.modules.
_STAND_INS_OUT = False


def _forget_stand_ins() -> None:
    """Take the stand-ins out of ``sys.modules``: the next import of ``spacy.cli`` loads the real one."""
    global _STAND_INS_OUT
    _STAND_INS_OUT = False
    for name in _SPACY_CLI:
        module = sys.modules.get(name)
        if module is not None and getattr(module, "__convolens_stand_in__", False):
            del sys.modules[name]


def _real_info(*args: Any, **kwargs: Any) -> Any:
    """spaCy's ``spacy.info``, imported at the first call (see :mod:`convolens.lean`)."""
    _forget_stand_ins()
    return importlib.import_module("spacy.cli.info").info(*args, **kwargs)


def _real_attribute(module_name: str) -> Any:
    def __getattr__(name: str) -> Any:  # noqa: N807  (a module's __getattr__, PEP 562)
        if name.startswith("__"):  # the import system looks for these; the stand-in has none
            raise AttributeError(name)
        _forget_stand_ins()
        return getattr(importlib.import_module(module_name), name)

    return __getattr__


class _LeanImports(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """A meta path finder that keeps torch from thinc and spaCy's command line from spaCy's set-up."""

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name == "torch" or name.startswith("torch."):
            compat = sys.modules.get("thinc.compat")
            # thinc.compat is in sys.modules from the start of its import; has_torch is set at its end.
            if compat is not None and not hasattr(compat, "has_torch"):
                raise ImportError(f"torch is kept from thinc in this process (${ENV_VAR}=1 allows it)")
        elif name in _SPACY_CLI and _spacy_setting_up():
            return ModuleSpec(name, self, is_package=name == "spacy.cli")
        elif _STAND_INS_OUT and not _spacy_setting_up():
            _forget_stand_ins()  # spaCy got past its import of spacy.info: the stand-ins have done their part
        return None  # anything else: the other finders decide

    def create_module(self, spec: ModuleSpec) -> ModuleType:
        global _STAND_INS_OUT
        _STAND_INS_OUT = True
        module = ModuleType(spec.name, "A stand-in while spaCy sets up (convolens.lean); the real one loads on use.")
        module.__convolens_stand_in__ = True  # type: ignore[attr-defined]
        module.__getattr__ = _real_attribute(spec.name)  # type: ignore[method-assign]
        if spec.name == "spacy.cli.info":
            module.info = _real_info  # type: ignore[attr-defined]
        return module

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: :meth:`create_module` made the module whole."""


def keep_torch_from_thinc() -> bool:
    """Make spaCy set itself up without torch and without its command line when it is imported.

    Gives whether that will happen: nothing is done (False) when thinc is already imported or
    ``$CONVOLENS_THINC_TORCH`` is 1. Calling it again is harmless.
    """
    if os.environ.get(ENV_VAR) == "1" or "thinc" in sys.modules:
        return False
    if not any(isinstance(finder, _LeanImports) for finder in sys.meta_path):
        sys.meta_path.insert(0, _LeanImports())
    return True
